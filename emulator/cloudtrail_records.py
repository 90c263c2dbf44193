"""CloudTrail records as AWS shapes them, and where AWS delivers them (helper, not an extension).

Two sources of records: every API call made to the emulator (ext_cloudtrail_events.py records it), and the harness
route `POST /_rootlock/cloudtrail` for records no emulator call can produce (ConsoleLogin, a root password sign-in).
Each record goes where AWS puts a management event:

* EventBridge: the default bus of the record's account and region, as `AWS API Call via CloudTrail` (or the console
  sign-in / service event detail types), source `aws.<service>`. Rule state decides who sees a read-only event
  (ext_events_delivery.py: `ENABLED` rules do not, `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` rules do;
  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html).
* CloudTrail to CloudWatch Logs: every logging trail that covers the account (its own trails, and the organization
  trail of its organization) and the region (multi-region, or its home region), with a CloudWatch Logs group,
  writes the record there through its CloudWatch Logs role: the role must exist, trust cloudtrail.amazonaws.com (where
  the facts cover it) and be allowed logs:CreateLogStream and logs:PutLogEvents by its own policies; otherwise the
  delivery fails and GetTrailStatus reports LatestCloudWatchLogsDeliveryError (ext_cloudtrail_delivery.py). PutLogEvents
  runs the group's metric filters (ext_logs_delivery.py).

readOnly follows AWS: Describe/Get/List-style reads are read-only, and so are STS AssumeRole and its variants, as a
recorded AWS record shows (`"eventName":"AssumeRole" ... "readOnly":true`) and the EventBridge page's own example of a
rule that needs the opt-in state (an AssumeRole rule) implies; GetFederationToken and GetSessionToken are change events
although they start with Get (same page). See emulator/README.md, "CloudTrail events".
"""
import json
import threading
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

DETAIL_TYPES = {
    "AwsApiCall": "AWS API Call via CloudTrail",
    "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail",
    "AwsServiceEvent": "AWS Service Event via CloudTrail",
}
# eventSource prefix -> EventBridge source, where the two differ.
SOURCE_ALIASES = {"monitoring": "aws.cloudwatch"}
READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Lookup", "Test", "BatchGet", "Search", "Head", "Filter")
READ_ONLY_NAMED = {
    ("sts", "AssumeRole"), ("sts", "AssumeRoot"), ("sts", "AssumeRoleWithSAML"), ("sts", "AssumeRoleWithWebIdentity"),
    ("sts", "DecodeAuthorizationMessage"),
}
WRITE_DESPITE_PREFIX = {("sts", "GetFederationToken"), ("sts", "GetSessionToken")}
# Services whose endpoints are global: AWS records and delivers their events in us-east-1.
GLOBAL_SERVICES = {"iam", "organizations", "signin"}

# Per trail ARN: latest CloudWatch Logs delivery (time) and latest error (text), read by GetTrailStatus.
CW_DELIVERY: Dict[str, Dict[str, Any]] = {}
_lock = threading.RLock()


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def service_of(event_source: str) -> str:
    return event_source.split(".", 1)[0]


def read_only(service: str, action: str) -> bool:
    if (service, action) in WRITE_DESPITE_PREFIX:
        return False
    if (service, action) in READ_ONLY_NAMED:
        return True
    return action.startswith(READ_ONLY_PREFIXES)


def event_region(service: str, region: str) -> str:
    return "us-east-1" if service in GLOBAL_SERVICES else region


def complete(account: str, region: str, record: Dict[str, Any]) -> Dict[str, Any]:
    """The record with CloudTrail's envelope fields filled where the caller left them out."""
    out = dict(record)
    service = service_of(str(out.get("eventSource", "")))
    out.setdefault("eventVersion", "1.09")
    out.setdefault("eventTime", now_iso())
    out.setdefault("awsRegion", region)
    out.setdefault("eventID", str(uuid.uuid4()))
    out.setdefault("eventType", "AwsConsoleSignIn" if out.get("eventName") == "ConsoleLogin" else "AwsApiCall")
    if "readOnly" not in out and out["eventType"] == "AwsApiCall":
        out["readOnly"] = read_only(service, str(out.get("eventName", "")))
    if "readOnly" not in out:
        out["readOnly"] = False
    out.setdefault("managementEvent", True)
    out.setdefault("recipientAccountId", account)
    out.setdefault("eventCategory", "Management")
    return out


def eventbridge_event(account: str, region: str, record: Dict[str, Any]) -> Dict[str, Any]:
    prefix = service_of(str(record["eventSource"]))
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": DETAIL_TYPES.get(record.get("eventType", "AwsApiCall"), DETAIL_TYPES["AwsApiCall"]),
        "source": SOURCE_ALIASES.get(prefix, f"aws.{prefix}"),
        "account": account,
        "time": epoch(record.get("eventTime")),
        "region": region,
        "resources": [],
        "detail": record,
        "ingestion-time": datetime.now(timezone.utc).timestamp(),  # moto-internal, removed before delivery
    }


def epoch(iso: Any) -> float:
    """moto's events carry `time` as epoch seconds (the deliveries format it as AWS's ISO string)."""
    try:
        return datetime.strptime(str(iso), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return datetime.now(timezone.utc).timestamp()


def service_event(account: str, region: str, source: str, detail_type: str, detail: Dict[str, Any], resources: Optional[List[str]] = None, event_id: Optional[str] = None) -> Dict[str, Any]:
    """An event an AWS service puts on a default bus itself (GuardDuty finding, Config compliance change, alarm state)."""
    now = datetime.now(timezone.utc).timestamp()
    return {"version": "0", "id": event_id or str(uuid.uuid4()), "detail-type": detail_type, "source": source, "account": account,
            "time": now, "region": region, "resources": list(resources or []), "detail": detail, "ingestion-time": now}


def is_read_only_management_event(event: Dict[str, Any]) -> bool:
    """A read-only management event delivered through CloudTrail (what an `ENABLED` rule does not receive)."""
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    return (str(event.get("source", "")).startswith("aws.") and str(event.get("detail-type", "")).endswith("via CloudTrail")
            and detail.get("readOnly") is True and detail.get("managementEvent", True) is not False)


def to_default_bus(account: str, region: str, event: Dict[str, Any]) -> List[str]:
    """Puts an AWS event on the default bus of account/region; returns the ARNs of the rules that received it."""
    from moto.events.models import events_backends

    bus = events_backends[account][region].event_buses.get("default")
    if bus is None:
        return []
    # send_to_targets (ext_events_delivery) answers whether the rule received the event: one match per rule.
    return [rule.arn for rule in list(bus.rules.values()) if rule.send_to_targets(event)]


def _org_id(account: str) -> Optional[str]:
    from common import org_context

    ctx = org_context(account)
    return ctx.org.id if ctx is not None else None


def _trails() -> List[Any]:
    from moto.cloudtrail.models import cloudtrail_backends

    found = []
    for account_backends in list(cloudtrail_backends.values()):
        for backend in list(account_backends.values()):
            found.extend(list(getattr(backend, "trails", {}).values()))
    return found


def covering_trails(account: str, region: str) -> List[Any]:
    org = _org_id(account)
    out = []
    for trail in _trails():
        if not trail.status.is_logging:
            continue
        if not (trail.is_multi_region or trail.region_name == region):
            continue
        mine = trail.account_id == account
        org_trail = trail.is_org_trail and org is not None and _org_id(trail.account_id) == org
        if mine or org_trail:
            out.append(trail)
    return out


def _stream_name(trail: Any, account: str, region: str) -> str:
    org = _org_id(account) if trail.is_org_trail else None
    return f"{org}_{account}_CloudTrail_{region}" if org else f"{account}_CloudTrail_{region}"


def to_trail_log_groups(account: str, region: str, record: Dict[str, Any]) -> List[str]:
    """Writes the record to the CloudWatch Logs group of every trail that covers it; returns the groups written."""
    from moto.logs.models import logs_backends

    from trail_delivery import cloudwatch_logs_refusal, log_group_of

    written = []
    for trail in covering_trails(account, region):
        if not trail.cw_log_group_arn:
            continue
        if record.get("readOnly") is True and _write_only(trail):
            continue
        refusal = cloudwatch_logs_refusal(trail)
        with _lock:
            state = CW_DELIVERY.setdefault(trail.arn, {})
            if refusal:
                state["error"] = refusal
                continue
        group_account, group_region, group_name = log_group_of(trail.cw_log_group_arn)
        logs = logs_backends[group_account][group_region]
        if group_name not in logs.groups:
            with _lock:
                state["error"] = f"CloudWatch Logs group {group_name} does not exist"
            continue
        stream = _stream_name(trail, account, region)
        if stream not in logs.groups[group_name].streams:
            logs.create_log_stream(group_name, stream)
        ts = int(datetime.now(timezone.utc).timestamp() * 1000)
        logs.put_log_events(group_name, stream, [{"timestamp": ts, "message": json.dumps(record)}])
        with _lock:
            state["time"] = datetime.now(timezone.utc)
            state.pop("error", None)
        written.append(trail.cw_log_group_arn)
    return written


def _write_only(trail: Any) -> bool:
    selectors = getattr(trail, "event_selectors", None) or []
    return bool(selectors) and all(s.get("ReadWriteType") == "WriteOnly" for s in selectors)


def deliver(account: str, region: str, record: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, List[str]]]:
    """Completes a record and delivers it as AWS would; returns (record, {rules, logGroups})."""
    full = complete(account, region, record)
    rules = to_default_bus(account, region, eventbridge_event(account, region, full))
    groups = to_trail_log_groups(account, region, full)
    return full, {"rules": rules, "logGroups": groups}

"""CloudTrail gap: no call made to moto is ever recorded, and `PutEvents` accepts the reserved `aws.*` sources, so
tests faked service events in a way no one can in AWS.

Here, as in AWS:
* Every management API call made to the emulator becomes a CloudTrail record (`cloudtrail_records.py`): eventSource,
  eventName, awsRegion (us-east-1 for IAM and Organizations), readOnly as AWS classifies it, recipientAccountId,
  userIdentity of the caller (IAMUser for access keys, AssumedRole with sessionContext.sessionIssuer,
  attributes.mfaAuthenticated and sourceIdentity for role sessions, Root for root sessions with
  sessionContext.assumedRoot for AssumeRoot sessions), requestParameters (camelCase, as CloudTrail writes them) and
  errorCode/errorMessage for a refused call. It is put on the default bus of that account and region and into the log
  group of every trail that covers it. Data events (SNS Publish, SQS messages, PutEvents, PutLogEvents, PutMetricData,
  S3) are not recorded: trails log management events by default.
* `PutEvents` refuses an entry whose Source starts with `aws.` (NotAuthorizedForSourceException), as AWS does.
* Harness (not AWS): `POST /_rootlock/cloudtrail` with JSON `{"account", "region", "record"}` delivers a record no
  emulator call can produce (ConsoleLogin, a root password sign-in) the same way; envelope fields left out are filled
  (readOnly by the same classification; ConsoleLogin is an AwsConsoleSignIn event). `POST /_rootlock/service-event`
  with `{"account", "region", "event"}` puts a non-CloudTrail AWS service event (Config compliance change, ...) whose
  service the emulator does not run on the default bus. Both answer `{"rules": [...], "logGroups": [...]}`: where it went.
"""
import json
import os
import re
import threading
import uuid
from typing import Any, Dict, Optional

from moto.core import responses as core_responses
from moto.events.models import EventsBackend
from moto.moto_api._internal import urls as moto_api_urls
from moto.moto_server import werkzeug_app
from moto.sts.models import sts_backends

import cloudtrail_records
from root_user import find_root_session

NOT_RECORDED = {
    "sns": {"Publish", "PublishBatch"},
    "sqs": {"SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"},
    "events": {"PutEvents"},
    "logs": {"PutLogEvents", "GetLogEvents", "FilterLogEvents"},
    "cloudwatch": {"PutMetricData"},
}
NOT_RECORDED_SERVICES = {"s3", "moto_api"}
EVENT_SOURCES = {"cloudwatch": "monitoring.amazonaws.com"}
# Per role-session access key: what CloudTrail shows of the session beyond moto's AssumedRole.
SESSIONS: Dict[str, Dict[str, Any]] = {}
_local = threading.local()
_original_call_action = core_responses.BaseResponse.call_action
_original_put_events = EventsBackend.put_events


def _access_key(handler) -> str:
    auth = (handler.headers or {}).get("Authorization", "") if hasattr(handler, "headers") else ""
    m = re.search(r"Credential=([^/,\s]+)/", auth or "")
    return m.group(1) if m else ""


def _assumed_role(access_key: str):
    for account_backends in list(sts_backends.values()):
        for backend in list(account_backends.values()):
            role = backend.get_assumed_role_from_access_key(access_key)
            if role is not None:
                return role
    return None


def user_identity(account: str, access_key: str) -> Dict[str, Any]:
    session = find_root_session(account, access_key) if access_key else None
    if session is not None:
        ident: Dict[str, Any] = {"type": "Root", "principalId": account, "arn": f"arn:aws:iam::{account}:root", "accountId": account, "accessKeyId": access_key}
        attrs = {"creationDate": cloudtrail_records.now_iso(), "mfaAuthenticated": "false"}
        ident["sessionContext"] = {"attributes": attrs, **({"assumedRoot": "true"} if session.task else {})}
        return ident
    role = _assumed_role(access_key) if access_key.startswith("ASIA") else None
    if role is not None:
        extra = SESSIONS.get(access_key, {})
        role_name = role.role_arn.split("/")[-1]
        context: Dict[str, Any] = {
            "sessionIssuer": {"type": "Role", "principalId": role.user_id.split(":")[0], "arn": role.role_arn, "accountId": role.account_id, "userName": role_name},
            "attributes": {"creationDate": extra.get("creationDate", cloudtrail_records.now_iso()), "mfaAuthenticated": extra.get("mfaAuthenticated", "false")},
        }
        if extra.get("sourceIdentity"):
            context["sourceIdentity"] = extra["sourceIdentity"]
        return {"type": "AssumedRole", "principalId": role.user_id, "arn": role.arn, "accountId": role.account_id, "accessKeyId": access_key, "sessionContext": context}
    return {"type": "IAMUser", "principalId": access_key or "AIDAMOTO", "arn": f"arn:aws:iam::{account}:user/moto", "accountId": account, "accessKeyId": access_key, "userName": "moto"}


def _lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]


def request_parameters(handler) -> Optional[Dict[str, Any]]:
    """The request's parameters as CloudTrail writes them: camelCase keys, dotted query keys nested."""
    params: Dict[str, Any] = {}
    body = getattr(handler, "body", None)
    parsed: Any = None
    if isinstance(body, (bytes, str)) and body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
    if isinstance(parsed, dict):
        return {_lower_first(k): v for k, v in parsed.items()}
    for key, values in (getattr(handler, "querystring", None) or {}).items():
        if key in ("Action", "Version"):
            continue
        node = params
        parts = [_lower_first(p) for p in key.split(".")]
        for part in parts[:-1]:
            node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
        node[parts[-1]] = values[0] if isinstance(values, list) and len(values) == 1 else values
    return params or None


def _remember_session(handler, params: Optional[Dict[str, Any]], caller_key: str, body: str) -> None:
    """A new role session keeps its source identity (set now, or inherited when chained) and MFA state."""
    m = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", body or "")
    if not m:
        return
    params = params or {}
    inherited = SESSIONS.get(caller_key, {})
    SESSIONS[m.group(1)] = {
        "sourceIdentity": params.get("sourceIdentity") or inherited.get("sourceIdentity"),
        "mfaAuthenticated": "true" if params.get("serialNumber") and params.get("tokenCode") else "false",
        "creationDate": cloudtrail_records.now_iso(),
    }


def _error(status: int, body: str):
    code = re.search(r"<Code>([^<]+)</Code>", body or "") or re.search(r'"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"', body or "")
    message = re.search(r"<Message>([^<]*)</Message>", body or "") or re.search(r'"[mM]essage"\s*:\s*"([^"]*)"', body or "")
    return (code.group(1) if code else f"HTTP{status}"), (message.group(1) if message else "")


def _record_call(handler, result) -> None:
    service = getattr(handler, "service_name", "") or ""
    if service in NOT_RECORDED_SERVICES:
        return
    action = handler._get_action()
    if not action or action in NOT_RECORDED.get(service, set()):
        return
    status, body = (result[0], result[2]) if isinstance(result, tuple) and len(result) == 3 else (200, "")
    body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    account = handler.current_account
    key = _access_key(handler)
    event_source = EVENT_SOURCES.get(service, f"{service}.amazonaws.com")
    region = cloudtrail_records.event_region(service, getattr(handler, "region", None) or "us-east-1")
    params = request_parameters(handler)
    record: Dict[str, Any] = {
        "userIdentity": user_identity(account, key),
        "eventSource": event_source,
        "eventName": action,
        "awsRegion": region,
        "sourceIPAddress": "127.0.0.1",
        "userAgent": (handler.headers or {}).get("User-Agent", ""),
        "requestParameters": params,
        "responseElements": None,
    }
    if isinstance(status, int) and status >= 400:
        record["errorCode"], record["errorMessage"] = _error(status, body)
    elif service == "sts" and action.startswith("Assume"):
        _remember_session(handler, params, key, body)
    cloudtrail_records.deliver(account, region, record)


def _call_action(self):
    result = _original_call_action(self)
    if getattr(_local, "busy", False) or os.environ.get("ROOTLOCK_EMULATOR_CLOUDTRAIL") == "0":
        # A delivery's own internal calls are not API calls; `0` turns recording off (diagnosis and timing only:
        # without it nothing a call does reaches a rule or a trail, unlike AWS).
        return result
    _local.busy = True
    try:
        _record_call(self, result)
    except Exception:  # noqa: BLE001 - recording must never break the call it records
        import traceback

        traceback.print_exc()
    finally:
        _local.busy = False
    return result


def put_events(self, events):
    """AWS refuses the reserved `aws.*` sources: only AWS services put those events."""
    allowed = [e for e in events if not str(e.get("Source") or "").startswith("aws.")]
    results = iter(_original_put_events(self, allowed) if allowed else [])
    out = []
    for e in events:
        if str(e.get("Source") or "").startswith("aws."):
            out.append({"ErrorCode": "NotAuthorizedForSourceException", "ErrorMessage": "Not authorized for the source."})
        else:
            out.append(next(results))
    return out


def _json_body(request) -> Any:
    raw = request.get_data() if hasattr(request, "get_data") else request.body
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw or "")
    except ValueError:
        return None


def _target(payload: Any, field: str):
    if not isinstance(payload, dict):
        return None, f'body must be JSON {{"account", "region", "{field}"}}'
    account, region, value = payload.get("account"), payload.get("region"), payload.get(field)
    if not (isinstance(account, str) and account.isdigit() and len(account) == 12):
        return None, "account must be a 12-digit account id"
    if not (isinstance(region, str) and region):
        return None, "region must be a region code such as us-east-1"
    if not isinstance(value, dict):
        return None, f"{field} must be a JSON object"
    return (account, region, value), None


def cloudtrail_route(request, full_url, headers):  # noqa: ARG001 - moto's handler signature
    target, problem = _target(_json_body(request), "record")
    if target is None:
        return 400, {}, json.dumps({"Error": problem})
    account, region, record = target
    if not (isinstance(record.get("eventSource"), str) and isinstance(record.get("eventName"), str)):
        return 400, {}, json.dumps({"Error": "record needs eventSource and eventName"})
    full, where = cloudtrail_records.deliver(account, region, record)
    return 200, {"Content-Type": "application/json"}, json.dumps({"record": full, **where})


def service_event_route(request, full_url, headers):  # noqa: ARG001
    target, problem = _target(_json_body(request), "event")
    if target is None:
        return 400, {}, json.dumps({"Error": problem})
    account, region, event = target
    if not str(event.get("source", "")).startswith("aws.") or str(event.get("detail-type", "")).endswith("via CloudTrail"):
        return 400, {}, json.dumps({"Error": "event must be an aws.* service event; CloudTrail records go to /_rootlock/cloudtrail"})
    full = cloudtrail_records.service_event(account, region, event["source"], str(event.get("detail-type", "")), event.get("detail") or {},
                                            event.get("resources"), event.get("id"))
    rules = cloudtrail_records.to_default_bus(account, region, full)
    full.pop("ingestion-time", None)
    full["time"] = cloudtrail_records.now_iso()
    return 200, {"Content-Type": "application/json"}, json.dumps({"event": full, "rules": rules, "logGroups": []})


_original_get_application = werkzeug_app.DomainDispatcherApplication.get_application


def get_application(self, environ):
    path = environ.get("PATH_INFO", "")
    if isinstance(path, str) and path.startswith("/_rootlock/"):
        environ["PATH_INFO"] = "/moto-api" + path
    return _original_get_application(self, environ)


def install() -> None:
    core_responses.BaseResponse.call_action = _call_action
    EventsBackend.put_events = put_events
    moto_api_urls.url_paths["{0}/moto-api/_rootlock/cloudtrail"] = cloudtrail_route
    moto_api_urls.url_paths["{0}/moto-api/_rootlock/service-event"] = service_event_route
    werkzeug_app.DomainDispatcherApplication.get_application = get_application

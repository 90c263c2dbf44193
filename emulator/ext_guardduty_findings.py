"""GuardDuty gap: CreateSampleFindings (POST /detector/{detectorId}/findings/create {findingTypes}) is missing in moto
5.2.1, and GuardDuty publishes no finding to EventBridge there.

Modelled on the GuardDuty API reference (CreateSampleFindings) and "Processing GuardDuty findings with Amazon
EventBridge" (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html): each requested
type becomes a sample finding of the detector's account and region, published at once (AWS: within about five
minutes) as an event with source `aws.guardduty` and detail-type `GuardDuty Finding` on that account's default bus,
where the rules of that bus see it. The finding detail carries `service.additionalInfo.sample: true` and a title
starting with the finding type, as AWS sample findings do. An unknown detector is BadRequestException.

A finding that an ARCHIVE filter (a suppression rule) of the detector matches is archived at once and not published:
suppressed findings "are not sent to any of the AWS services with which you may integrate"
(https://docs.aws.amazon.com/guardduty/latest/ug/create-suppression-rules-guardduty.html). Criteria are ANDed; each
field is the finding's JSON path (`type`, `severity`, `service.additionalInfo.sample`); the conditions are those of
the API reference (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Condition.html): equals / notEquals
(and the older eq / neq), the numeric comparisons, matches / notMatches with `*` and `?` wildcards.
"""
import fnmatch
import json
import re
import uuid
from datetime import datetime, timezone


from moto.guardduty import urls as gd_urls
from moto.guardduty.responses import GuardDutyResponse

from cloudtrail_records import service_event, to_default_bus
from ext_guardduty import BadRequestException


def _finding(account: str, region: str, detector_id: str, finding_type: str) -> dict:
    finding_id = uuid.uuid4().hex
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "schemaVersion": "2.0",
        "accountId": account,
        "region": region,
        "partition": "aws",
        "id": finding_id,
        "arn": f"arn:aws:guardduty:{region}:{account}:detector/{detector_id}/finding/{finding_id}",
        "type": finding_type,
        "resource": {"resourceType": "AccessKey", "accessKeyDetails": {"userType": "Root", "userName": "Root", "principalId": account}},
        "service": {
            "serviceName": "guardduty",
            "detectorId": detector_id,
            "additionalInfo": {"sample": True, "type": "default", "value": "{\"sample\":true}"},
            "count": 1,
            "eventFirstSeen": now,
            "eventLastSeen": now,
            "archived": False,
        },
        "severity": 2,
        "createdAt": now,
        "updatedAt": now,
        "title": f"{finding_type} (sample finding)",
        "description": f"This is a sample finding of type {finding_type}.",
    }


def _field(finding: dict, path: str):
    value = finding
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _condition_holds(value, condition: dict) -> bool:
    text = None if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)
    number = _number(value)
    for op, operand in condition.items():
        if op in ("eq", "equals"):
            if text is None or text not in [str(v) for v in operand]:
                return False
        elif op in ("neq", "notEquals"):
            if text is not None and text in [str(v) for v in operand]:
                return False
        elif op in ("matches", "notMatches"):
            hit = text is not None and any(re.fullmatch(fnmatch.translate(p), text) for p in operand)
            if hit != (op == "matches"):
                return False
        else:
            limit = _number(operand)
            compare = {"gt": float.__gt__, "greaterThan": float.__gt__, "gte": float.__ge__, "greaterThanOrEqual": float.__ge__,
                       "lt": float.__lt__, "lessThan": float.__lt__, "lte": float.__le__, "lessThanOrEqual": float.__le__}.get(op)
            if compare is None or number is None or limit is None or not compare(number, limit):
                return False
    return True


def suppressed_by(detector, finding: dict):
    """The first (by rank, then name) ARCHIVE filter of the detector whose criteria all hold for the finding, or None."""
    for f in sorted(detector.filters.values(), key=lambda f: (f.rank or 0, f.name)):
        criteria = (f.finding_criteria or {}).get("criterion", {})
        if f.action == "ARCHIVE" and all(_condition_holds(_field(finding, path), cond) for path, cond in criteria.items()):
            return f
    return None


def create_sample_findings(self):
    detector_id = self.path.rstrip("/").split("/")[-3]
    if detector_id not in self.guardduty_backend.detectors:
        raise BadRequestException("The request is rejected because the input detectorId is not owned by the current account.")
    body = json.loads(self.body or "{}")
    types = body.get("findingTypes") or ["Policy:IAMUser/RootCredentialUsage"]
    for finding_type in types:
        detail = _finding(self.current_account, self.region, detector_id, finding_type)
        if suppressed_by(self.guardduty_backend.detectors[detector_id], detail) is not None:
            detail["service"]["archived"] = True
            continue
        # As the service itself: PutEvents refuses the reserved aws.* sources to callers (ext_cloudtrail_events.py).
        to_default_bus(self.current_account, self.region, service_event(self.current_account, self.region, "aws.guardduty", "GuardDuty Finding", detail))
    return "{}"


def install() -> None:
    GuardDutyResponse.create_sample_findings = create_sample_findings
    gd_urls.url_paths["{0}/detector/(?P<detector_id>[^/]+)/findings/create$"] = GuardDutyResponse.dispatch

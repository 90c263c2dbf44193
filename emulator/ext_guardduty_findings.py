"""GuardDuty gap: CreateSampleFindings (POST /detector/{detectorId}/findings/create {findingTypes}) is missing in moto
5.2.1, and GuardDuty publishes no finding to EventBridge there.

Modelled on the GuardDuty API reference (CreateSampleFindings) and "Processing GuardDuty findings with Amazon
EventBridge" (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html): each requested
type becomes a sample finding of the detector's account and region, published at once (AWS: within about five
minutes) as an event with source `aws.guardduty` and detail-type `GuardDuty Finding` on that account's default bus,
where the rules of that bus see it. The finding detail carries `service.additionalInfo.sample: true` and a title
starting with the finding type, as AWS sample findings do. An unknown detector is BadRequestException.
"""
import json
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


def create_sample_findings(self):
    detector_id = self.path.rstrip("/").split("/")[-3]
    if detector_id not in self.guardduty_backend.detectors:
        raise BadRequestException("The request is rejected because the input detectorId is not owned by the current account.")
    body = json.loads(self.body or "{}")
    types = body.get("findingTypes") or ["Policy:IAMUser/RootCredentialUsage"]
    for finding_type in types:
        detail = _finding(self.current_account, self.region, detector_id, finding_type)
        # As the service itself: PutEvents refuses the reserved aws.* sources to callers (ext_cloudtrail_events.py).
        to_default_bus(self.current_account, self.region, service_event(self.current_account, self.region, "aws.guardduty", "GuardDuty Finding", detail))
    return "{}"


def install() -> None:
    GuardDutyResponse.create_sample_findings = create_sample_findings
    gd_urls.url_paths["{0}/detector/(?P<detector_id>[^/]+)/findings/create$"] = GuardDutyResponse.dispatch

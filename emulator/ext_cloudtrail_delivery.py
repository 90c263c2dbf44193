"""CloudTrail gap: `GetTrailStatus` never reports the CloudWatch Logs delivery (time or error).

AWS reports, for a trail with a CloudWatch Logs group, `LatestCloudWatchLogsDeliveryTime` and, when the last delivery
failed, `LatestCloudWatchLogsDeliveryError`
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html). Here both come from the real
deliveries (`cloudtrail_records.py`): the time of the latest record the trail wrote to its log group, and the error of
the latest one it could not write (role missing, not trusted, not allowed; group missing). A trail that has delivered
nothing reports neither, so an audit cannot pass "by construction".
"""
import json

from moto.cloudtrail.responses import CloudTrailResponse

from cloudtrail_records import CW_DELIVERY


def get_trail_status(self) -> str:
    name = self._get_param("Name")
    backend = self.cloudtrail_backend
    status = backend.get_trail_status(name)
    desc = status.description()
    trail = next((t for t in backend.describe_trails(include_shadow_trails=True) if name in (t.trail_name, t.arn)), None)
    delivery = CW_DELIVERY.get(trail.arn, {}) if trail is not None and getattr(trail, "cw_log_group_arn", None) else {}
    if delivery.get("time") is not None:
        desc["LatestCloudWatchLogsDeliveryTime"] = delivery["time"].timestamp()
    if delivery.get("error"):
        desc["LatestCloudWatchLogsDeliveryError"] = delivery["error"]
    return json.dumps(desc)


def install() -> None:
    CloudTrailResponse.get_trail_status = get_trail_status

"""CloudTrail gap: `GetTrailStatus` never reports `LatestCloudWatchLogsDeliveryTime`.

moto models S3 delivery as continuous while a trail logs (`LatestDeliveryTime` = now). AWS also reports, for a trail
with a CloudWatch Logs group, `LatestCloudWatchLogsDeliveryTime` (and `LatestCloudWatchLogsDeliveryError` on failure;
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html). The emulator reports it with
the same model: while a trail with `CloudWatchLogsLogGroupArn` logs, its latest CloudWatch Logs delivery is its latest
delivery; a trail without a log group, or stopped, has none newer than when it stopped.
"""
import json

from moto.cloudtrail.responses import CloudTrailResponse


def get_trail_status(self) -> str:
    name = self._get_param("Name")
    backend = self.cloudtrail_backend
    status = backend.get_trail_status(name)
    desc = status.description()
    trail = next((t for t in backend.describe_trails(include_shadow_trails=True) if name in (t.trail_name, t.arn)), None)
    if trail is not None and getattr(trail, "cw_log_group_arn", None) and desc.get("LatestDeliveryTime"):
        desc["LatestCloudWatchLogsDeliveryTime"] = desc["LatestDeliveryTime"]
    return json.dumps(desc)


def install() -> None:
    CloudTrailResponse.get_trail_status = get_trail_status

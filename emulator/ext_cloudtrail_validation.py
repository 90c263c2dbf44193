"""CloudTrail gap: `CreateTrail` / `UpdateTrail` accept a CloudWatch Logs role that does not exist (or cannot write),
and a log group that does not exist.

AWS checks both when the trail is created or updated: a role CloudTrail cannot assume or that may not call
logs:CreateLogStream/logs:PutLogEvents is `InvalidCloudWatchLogsRoleArnException` ("Access denied. Verify in IAM that
the role has adequate permissions."), a missing group `InvalidCloudWatchLogsLogGroupArnException`, and a group without
a role `InvalidParameterCombinationException`
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html, Errors). The check is
`trail_delivery.cloudwatch_logs_refusal`, the one the deliveries use.
"""
from types import SimpleNamespace

from moto.cloudtrail import models as ct_models
from moto.logs.models import logs_backends

from common import service_error
from trail_delivery import cloudwatch_logs_refusal, log_group_of

InvalidCloudWatchLogsRoleArnException = service_error("InvalidCloudWatchLogsRoleArnException")
InvalidCloudWatchLogsLogGroupArnException = service_error("InvalidCloudWatchLogsLogGroupArnException")
InvalidParameterCombinationException = service_error("InvalidParameterCombinationException")


def validate(account_id: str, region: str, name: str, group_arn, role_arn) -> None:
    if not group_arn and not role_arn:
        return
    if not group_arn or not role_arn:
        raise InvalidParameterCombinationException("You must specify both a CloudWatchLogsLogGroupArn and a CloudWatchLogsRoleArn.")
    try:
        account, group_region, group = log_group_of(group_arn)
    except ValueError:
        raise InvalidCloudWatchLogsLogGroupArnException(f"CloudWatch Logs log group ARN {group_arn} is not valid.")
    if group not in logs_backends[account][group_region].groups:
        raise InvalidCloudWatchLogsLogGroupArnException(f"Log group {group_arn} does not exist.")
    probe = SimpleNamespace(cw_role_arn=role_arn, cw_log_group_arn=group_arn, account_id=account_id,
                            arn=f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}")
    refusal = cloudwatch_logs_refusal(probe)
    if refusal:
        raise InvalidCloudWatchLogsRoleArnException(f"Access denied. Verify in IAM that the role has adequate permissions. ({refusal})")


_original_create = ct_models.CloudTrailBackend.create_trail
_original_update = ct_models.CloudTrailBackend.update_trail


def create_trail(self, name, bucket_name, s3_key_prefix, sns_topic_name, is_global, is_multi_region, log_validation,
                 is_org_trail, cw_log_group_arn, cw_role_arn, *rest):
    validate(self.account_id, self.region_name, name, cw_log_group_arn, cw_role_arn)
    return _original_create(self, name, bucket_name, s3_key_prefix, sns_topic_name, is_global, is_multi_region,
                            log_validation, is_org_trail, cw_log_group_arn, cw_role_arn, *rest)


def update_trail(self, name, *args, **kwargs):
    group, role = kwargs.get("cw_log_group_arn"), kwargs.get("cw_role_arn")
    if group or role:
        trail = self.get_trail(name)
        validate(self.account_id, self.region_name, trail.trail_name, group or trail.cw_log_group_arn, role or trail.cw_role_arn)
    return _original_update(self, name, *args, **kwargs)


def install() -> None:
    ct_models.CloudTrailBackend.create_trail = create_trail
    ct_models.CloudTrailBackend.update_trail = update_trail

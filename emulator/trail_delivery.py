"""CloudTrail to CloudWatch Logs: may this trail write to its log group? (helper, not an extension)

AWS: CloudTrail assumes the trail's CloudWatch Logs role (its trust policy must let cloudtrail.amazonaws.com assume
it) and calls logs:CreateLogStream and logs:PutLogEvents with that session, which the role's own policies must allow
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
Facts: `cloudtrail-to-logs-role` (trust) and `cloudtrail-logs-role-delivers` (identity) in
policies/service-integrations.json.
"""
from typing import Any, Optional, Tuple

from moto.iam.models import iam_backends

from common import split_arn
from delivery_policy import check_delivery, identity_refusal


def log_group_of(arn: str) -> Tuple[str, str, str]:
    """(account, region, name) of a log group ARN (`...:log-group:NAME` or `...:log-group:NAME:*`)."""
    _, _, region, account, resource = split_arn(arn)
    name = resource.split(":", 1)[1] if resource.startswith("log-group:") else resource
    return account, region, name[: -len(":*")] if name.endswith(":*") else name


def find_role(role_arn: str) -> Optional[Any]:
    try:
        partition, _, _, account, _ = split_arn(role_arn)
    except ValueError:
        return None
    return next((r for r in iam_backends[account][partition].roles.values() if r.arn == role_arn), None)


def cloudwatch_logs_refusal(trail: Any) -> Optional[str]:
    """None when the trail's role lets CloudTrail write to the trail's log group; otherwise why not."""
    if not trail.cw_role_arn:
        return "the trail has a CloudWatch Logs group but no CloudWatchLogsRoleArn"
    role = find_role(trail.cw_role_arn)
    if role is None:
        return f"CloudWatch Logs role {trail.cw_role_arn} does not exist"
    values = {"aws:SourceAccount": trail.account_id, "aws:SourceArn": trail.arn}
    refusal = check_delivery(role.assume_role_policy_document, "cloudtrail.amazonaws.com", "logs", None, values)
    if refusal:
        return f"CloudTrail cannot assume {trail.cw_role_arn}: {refusal}"
    account, region, name = log_group_of(trail.cw_log_group_arn)
    stream_arn = f"arn:aws:logs:{region}:{account}:log-group:{name}:log-stream:{account}_CloudTrail_{region}"
    return identity_refusal(role, "cloudtrail.amazonaws.com", "logs", stream_arn)

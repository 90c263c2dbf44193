"""STS gap: AssumeRoot (centralized root access, Nov 2024), absent from moto 5.2.1.

Modelled on the STS API reference for AssumeRoot (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html):
  TargetPrincipal   the member account id (12 digits)
  TaskPolicyArn     {arn}: one of the AWS managed policies under arn:aws:iam::aws:policy/root-task/
  DurationSeconds   at most 900 (the default)
The caller must be the management account or the delegated administrator for iam.amazonaws.com, with RootSessions
enabled (IAM ListOrganizationsFeatures), and the target must be a member account of the organization. The session's
credentials act in the target account (moto's access-key -> account mapping, as for AssumeRole); moto does not evaluate
the task policy, like every other policy. Errors: ValidationError for bad parameters, AccessDenied otherwise.
"""
import re

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.sts.responses import TokenResponse

from common import org_context

TASK_POLICIES = {
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
}
MAX_DURATION = 900


class ValidationError(ServiceException):
    code = "ValidationError"


class AccessDenied(ServiceException):
    code = "AccessDenied"


def assume_root(self) -> ActionResult:
    partition = self.partition if hasattr(self, "partition") else "aws"
    target = self._get_param("TargetPrincipal") or ""
    policy_arn = self._get_param("TaskPolicyArn.arn") or ""
    duration = self._get_int_param("DurationSeconds", MAX_DURATION)
    if not re.fullmatch(r"\d{12}", target):
        raise ValidationError("TargetPrincipal must be a 12-digit AWS account id.")
    match = re.fullmatch(r"arn:[\w-]+:iam::aws:policy/root-task/([\w]+)", policy_arn)
    if not match or match.group(1) not in TASK_POLICIES:
        raise ValidationError(f"TaskPolicyArn {policy_arn!r} is not an AWS managed root task policy.")
    if not 0 < duration <= MAX_DURATION:
        raise ValidationError(f"DurationSeconds must be at most {MAX_DURATION}.")
    caller = self.current_account
    ctx = org_context(caller, partition)
    if ctx is None or not (ctx.is_management or ctx.is_delegated_admin("iam.amazonaws.com")):
        raise AccessDenied("Only the management account or the delegated administrator for IAM may call AssumeRoot.")
    if "RootSessions" not in getattr(ctx.org, "rootlock_iam_features", set()):
        raise AccessDenied("Centralized root access (RootSessions) is not enabled for the organization.")
    if target == ctx.management_account_id or not ctx.account_in_org(target):
        raise AccessDenied(f"Account {target} is not a member account of the organization.")
    session = self.backend.assume_role(
        region_name=self.region,
        role_session_name="AssumeRoot",
        # moto maps a session's access key to the account of this ARN; AWS reports the caller as arn:aws:iam::<target>:root.
        role_arn=f"arn:{partition}:iam::{target}:role/AssumeRoot",
        policy=None,
        duration=duration,
        external_id=None,
    )
    return ActionResult({"Credentials": session})


def install() -> None:
    TokenResponse.assume_root = assume_root

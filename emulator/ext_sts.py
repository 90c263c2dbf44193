"""STS gap: `AssumeRoot` (centralized root access, Nov 2024) is absent from moto 5.2.1; and no credential acts as a
member account's root user.

AssumeRoot, per the STS API reference (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html):
  TargetPrincipal   member account id (or its root ARN `arn:aws:iam::ID:root`)
  TaskPolicyArn     {arn}: one of the AWS-managed `arn:aws:iam::aws:policy/root-task/...` policies
  DurationSeconds   at most 900 (default 900)
  -> Credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration), SourceIdentity
Only the management account or the delegated administrator for `iam.amazonaws.com` may call it, with the `RootSessions`
feature enabled (IAM organizations features), on a member account of its own organization; otherwise AccessDenied.
The session acts as the target's root user (GetCallerIdentity: `arn:aws:iam::ID:root`), scoped by the task policy
(ext_iam_root.py enforces the IAM actions each task policy allows).

Harness (not AWS): `POST /moto-api/rootlock/root-sign-in?accountId=ACCOUNT` returns credentials of the
account's root user as if it had signed in with a password: how a test makes an account drift (root access keys,
certificates, MFA devices) through the real IAM API.
"""
import json

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.moto_api._internal import urls as moto_api_urls
from moto.sts.exceptions import STSValidationError
from moto.sts.responses import TokenResponse

from common import org_context
from root_user import ROOT_TASK_PREFIX, TASK_POLICY_IAM_ACTIONS, find_root_session, open_root_session

MAX_ROOT_SESSION_SECONDS = 900


class AccessDenied(ServiceException):
    code = "AccessDenied"


def _target_account(principal: str) -> str:
    if principal and principal.isdigit() and len(principal) == 12:
        return principal
    if principal and principal.startswith("arn:aws:iam::") and principal.endswith(":root"):
        return principal.split(":")[4]
    raise STSValidationError(f"TargetPrincipal {principal!r} must be a member account id or its root user ARN")


def assume_root(self) -> ActionResult:
    caller = self.current_account
    target = _target_account(self._get_param("TargetPrincipal") or "")
    task_arn = (self._get_param("TaskPolicyArn") or {}).get("arn", "")
    duration = self._get_int_param("DurationSeconds", MAX_ROOT_SESSION_SECONDS)
    if duration < 0 or duration > MAX_ROOT_SESSION_SECONDS:
        raise STSValidationError(
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy constraint: "
            f"Member must have value less than or equal to {MAX_ROOT_SESSION_SECONDS}"
        )
    task = task_arn[len(ROOT_TASK_PREFIX):] if task_arn.startswith(ROOT_TASK_PREFIX) else ""
    if task not in TASK_POLICY_IAM_ACTIONS:
        raise STSValidationError(f"TaskPolicyArn {task_arn!r} is not an AWS-managed root task policy ({ROOT_TASK_PREFIX}...)")
    denied = f"User: {caller} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::{target}:root"
    ctx = org_context(caller)
    if ctx is None or not (ctx.is_management or ctx.is_delegated_admin("iam.amazonaws.com")):
        raise AccessDenied(f"{denied} (only the management account or IAM's delegated administrator may)")
    if "RootSessions" not in getattr(ctx.org, "rootlock_iam_features", set()):
        raise AccessDenied(f"{denied} (centralized root sessions, the RootSessions feature, are not enabled)")
    if target == ctx.management_account_id or not ctx.account_in_org(target):
        raise AccessDenied(f"{denied} (the target is not a member account of this organization)")
    session, key = open_root_session(target, task, duration)
    return ActionResult(
        {
            "Credentials": {
                "AccessKeyId": key.access_key_id,
                "SecretAccessKey": key.secret_access_key,
                "SessionToken": f"rootlock-root-session-{key.access_key_id}",
                "Expiration": session.expiration,
            }
        }
    )


_original_get_caller_identity = TokenResponse.get_caller_identity


def get_caller_identity(self) -> ActionResult:
    session = find_root_session(self.current_account, self.get_access_key())
    if session is None:
        return _original_get_caller_identity(self)
    return ActionResult({"UserId": session.account_id, "Account": session.account_id, "Arn": f"arn:aws:iam::{session.account_id}:root"})


def root_sign_in(request, full_url, headers):  # noqa: ARG001 - moto's handler signature
    if request.method != "POST":
        return 400, {}, json.dumps({"Error": "POST /moto-api/rootlock/root-sign-in?accountId=ACCOUNT"})
    account_id = request.args.get("accountId", "")
    if not (isinstance(account_id, str) and account_id.isdigit() and len(account_id) == 12):
        return 400, {}, json.dumps({"Error": "accountId must be a 12-digit account id"})
    _, key = open_root_session(account_id, None, 3600)
    return 200, {"Content-Type": "application/json"}, json.dumps(
        {"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key, "Arn": f"arn:aws:iam::{account_id}:root"}
    )


def install() -> None:
    TokenResponse.assume_root = assume_root
    TokenResponse.get_caller_identity = get_caller_identity
    moto_api_urls.url_paths["{0}/moto-api/rootlock/root-sign-in"] = root_sign_in

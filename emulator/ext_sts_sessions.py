"""STS gap: moto 5.2.1 drops AssumeRole's `SourceIdentity` (AWS keeps it for the whole session and records it in the
AssumeRole CloudTrail event as requestParameters.sourceIdentity,
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html), and nothing tells
which role a tool really assumed. The trust model (one role per job, the deploy source identity) is tested on that.

* AssumeRole keeps SourceIdentity, validated as STS does (2-64 characters of [\\w+=,.@-]), and returns it.
* Harness (not AWS): `GET /moto-api/rootlock/assumed-roles` lists every AssumeRole since the emulator started (or the last DELETE):
  [{"callerAccount", "callerArn", "roleArn", "sessionName", "sourceIdentity"}]; `DELETE` forgets them.
  moto does not enforce IAM (trust policies, RCPs): the record is what a test judges.
"""
import json
import re

from moto.sts import models as sts_models
from moto.sts.exceptions import STSValidationError
from moto.sts.responses import TokenResponse
from moto.moto_api._internal import urls as moto_api_urls

SOURCE_IDENTITY = re.compile(r"^[\w+=,.@-]{2,64}$")
SESSIONS: list[dict] = []


def _caller_arn(response: TokenResponse) -> str:
    account = response.current_account
    key = response.get_access_key()
    for partition_backends in sts_models.sts_backends[account].values():
        role = partition_backends.get_assumed_role_from_access_key(key)
        if role is not None:
            return role.arn
    return f"arn:aws:iam::{account}:root"


_original_assume_role = TokenResponse.assume_role


def assume_role(self):
    source_identity = self._get_param("SourceIdentity")
    if source_identity is not None and not SOURCE_IDENTITY.match(source_identity):
        raise STSValidationError(f"1 validation error detected: Value '{source_identity}' at 'sourceIdentity' failed to satisfy constraint")
    caller = _caller_arn(self)
    result = _original_assume_role(self)
    SESSIONS.append(
        {
            "callerAccount": self.current_account,
            "callerArn": caller,
            "roleArn": self._get_param("RoleArn"),
            "sessionName": self._get_param("RoleSessionName"),
            "sourceIdentity": source_identity,
        }
    )
    if source_identity is not None and hasattr(result, "result") and isinstance(result.result, dict):
        result.result["SourceIdentity"] = source_identity
    return result


def assumed_roles(request, full_url, headers):  # noqa: ARG001 - moto's handler signature
    if request.method == "DELETE":
        SESSIONS.clear()
        return 200, {"Content-Type": "application/json"}, "[]"
    return 200, {"Content-Type": "application/json"}, json.dumps(SESSIONS)


def install() -> None:
    TokenResponse.assume_role = assume_role
    moto_api_urls.url_paths["{0}/moto-api/rootlock/assumed-roles"] = assumed_roles

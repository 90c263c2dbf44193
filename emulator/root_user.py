"""The root user of an emulated account, and the sessions that act as it (helper, not an extension).

moto 5.2.1 has no root user: IAM calls need a UserName, and no credential can act as an account's root. AWS models
the root user as the account principal `arn:aws:iam::ACCOUNT:root`; its password (login profile), access keys,
signing certificates and MFA devices are read and changed by the IAM credential operations called WITHOUT
`UserName` by a principal that is the root user: the root user signed in, or a privileged `sts:AssumeRoot` task
session (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).

State lives on moto's own backends (IAM backend of the account, STS backend of the account), so `/moto-api/reset`
forgets it with everything else.
"""
import datetime
from typing import Dict, List, Optional

from moto.core.utils import utcnow
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

ROOT_TASK_PREFIX = "arn:aws:iam::aws:policy/root-task/"

# The AWS-managed task policies that scope an AssumeRoot session, as IAM actions on `arn:aws:iam::*:root`
# (AWS managed policy reference: IAMAuditRootUserCredentials, IAMCreateRootUserPassword, IAMDeleteRootUserCredentials;
# S3UnlockBucketPolicy and SQSUnlockQueuePolicy allow no IAM action). Only the IAM root-credential actions are
# enforced here; the emulator evaluates no other policy.
TASK_POLICY_IAM_ACTIONS: Dict[str, List[str]] = {
    "IAMAuditRootUserCredentials": ["GetLoginProfile", "ListAccessKeys", "ListMFADevices", "ListSigningCertificates", "GetUser"],
    "IAMCreateRootUserPassword": ["CreateLoginProfile", "GetLoginProfile"],
    "IAMDeleteRootUserCredentials": [
        "DeactivateMFADevice",
        "DeleteAccessKey",
        "DeleteLoginProfile",
        "DeleteSigningCertificate",
        "GetLoginProfile",
        "ListAccessKeys",
        "ListMFADevices",
    ],
    "S3UnlockBucketPolicy": [],
    "SQSUnlockQueuePolicy": [],
}

# A root user signed in with its password may manage its own credentials (what a drifted account looks like).
SIGNED_IN_ROOT_ACTIONS = [
    "CreateAccessKey",
    "DeleteAccessKey",
    "ListAccessKeys",
    "CreateLoginProfile",
    "GetLoginProfile",
    "DeleteLoginProfile",
    "UploadSigningCertificate",
    "ListSigningCertificates",
    "DeleteSigningCertificate",
    "EnableMFADevice",
    "ListMFADevices",
    "DeactivateMFADevice",
    "GetUser",
]


class RootUser:
    def __init__(self, account_id: str):
        self.account_id = account_id
        self.login_profile_created: Optional[datetime.datetime] = None
        self.access_keys: List[dict] = []
        self.certificates: List[dict] = []
        self.mfa_devices: List[dict] = []

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"


class RootSession:
    """Credentials that act as an account's root user: `task` names the task policy, None for a signed-in root user."""

    def __init__(self, account_id: str, access_key_id: str, task: Optional[str], duration: int):
        self.account_id = account_id
        self.access_key_id = access_key_id
        self.task = task
        self.expiration = utcnow() + datetime.timedelta(seconds=duration)

    def allowed_iam_actions(self) -> List[str]:
        return SIGNED_IN_ROOT_ACTIONS if self.task is None else TASK_POLICY_IAM_ACTIONS[self.task]

    @property
    def expired(self) -> bool:
        return utcnow() >= self.expiration


def root_user(account_id: str, partition: str = "aws") -> RootUser:
    backend = iam_backends[account_id][partition]
    if not hasattr(backend, "rootlock_root_user"):
        backend.rootlock_root_user = RootUser(account_id)
    return backend.rootlock_root_user


def _sessions(account_id: str, partition: str) -> Dict[str, RootSession]:
    backend = sts_backends[account_id][partition]
    if not hasattr(backend, "rootlock_root_sessions"):
        backend.rootlock_root_sessions = {}
    return backend.rootlock_root_sessions


def open_root_session(account_id: str, task: Optional[str], duration: int, partition: str = "aws"):
    """New temporary credentials in `account_id` that act as its root user. Returns (session, moto AccessKey)."""
    key = iam_backends[account_id][partition].create_temp_access_key()
    session = RootSession(account_id, key.access_key_id, task, duration)
    _sessions(account_id, partition)[key.access_key_id] = session
    return session, key


def find_root_session(account_id: str, access_key_id: str, partition: str = "aws") -> Optional[RootSession]:
    return _sessions(account_id, partition).get(access_key_id)

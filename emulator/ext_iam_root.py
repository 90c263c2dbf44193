"""IAM gap: the root user's own credentials. In moto 5.2.1 the credential operations need an IAM user; called without
`UserName` by a session that acts as the root user (a privileged `sts:AssumeRoot` task session, ext_sts.py, or the
harness's signed-in root user) AWS applies them to the root user
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html):
  GetLoginProfile (NoSuchEntity when the root user has no password), CreateLoginProfile, DeleteLoginProfile,
  ListAccessKeys, CreateAccessKey, DeleteAccessKey, ListSigningCertificates, UploadSigningCertificate,
  DeleteSigningCertificate, ListMFADevices, EnableMFADevice, DeactivateMFADevice, GetUser.
A task session may only call what its task policy allows (`root_user.TASK_POLICY_IAM_ACTIONS`): any other IAM call is
AccessDenied, as the session's only identity policy is the task policy. An expired session is ExpiredToken.
"""
import hashlib

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.iam.exceptions import NoSuchEntity
from moto.iam.responses import IamResponse

from root_user import find_root_session, root_user


class AccessDenied(ServiceException):
    code = "AccessDenied"


class ExpiredToken(ServiceException):
    code = "ExpiredToken"


class EntityAlreadyExists(ServiceException):
    code = "EntityAlreadyExists"


def _id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha1(":".join(parts).encode()).hexdigest()[:16].upper()


def _get_login_profile(self, user):
    if user.login_profile_created is None:
        raise NoSuchEntity("Login Profile for User root cannot be found.")
    return ActionResult({"LoginProfile": {"UserName": user.account_id, "CreateDate": user.login_profile_created, "PasswordResetRequired": False}})


def _create_login_profile(self, user):
    if user.login_profile_created is not None:
        raise EntityAlreadyExists("Login Profile for User root already exists.")
    user.login_profile_created = utcnow()
    return ActionResult({"LoginProfile": {"UserName": user.account_id, "CreateDate": user.login_profile_created, "PasswordResetRequired": False}})


def _delete_login_profile(self, user):
    if user.login_profile_created is None:
        raise NoSuchEntity("Login Profile for User root cannot be found.")
    user.login_profile_created = None
    return EmptyResult()


def _list_access_keys(self, user):
    return ActionResult({"AccessKeyMetadata": list(user.access_keys), "IsTruncated": False})


def _create_access_key(self, user):
    key_id = _id("AKIA", user.account_id, "key", str(len(user.access_keys)), str(utcnow()))
    key = {"AccessKeyId": key_id, "Status": "Active", "CreateDate": utcnow()}
    user.access_keys.append(key)
    return ActionResult({"AccessKey": {**key, "UserName": user.account_id, "SecretAccessKey": _id("", key_id, "secret")}})


def _delete_access_key(self, user):
    key_id = self._get_param("AccessKeyId")
    if not any(k["AccessKeyId"] == key_id for k in user.access_keys):
        raise NoSuchEntity(f"The Access Key with id {key_id} cannot be found.")
    user.access_keys[:] = [k for k in user.access_keys if k["AccessKeyId"] != key_id]
    return EmptyResult()


def _list_signing_certificates(self, user):
    return ActionResult({"Certificates": list(user.certificates), "IsTruncated": False})


def _upload_signing_certificate(self, user):
    body = self._get_param("CertificateBody") or ""
    cert = {"UserName": user.account_id, "CertificateId": _id("", user.account_id, body), "CertificateBody": body, "Status": "Active", "UploadDate": utcnow()}
    user.certificates.append(cert)
    return ActionResult({"Certificate": cert})


def _delete_signing_certificate(self, user):
    cert_id = self._get_param("CertificateId")
    if not any(c["CertificateId"] == cert_id for c in user.certificates):
        raise NoSuchEntity(f"The Certificate with id {cert_id} cannot be found.")
    user.certificates[:] = [c for c in user.certificates if c["CertificateId"] != cert_id]
    return EmptyResult()


def _list_mfa_devices(self, user):
    return ActionResult({"MFADevices": [{"UserName": user.account_id, **d} for d in user.mfa_devices], "IsTruncated": False})


def _enable_mfa_device(self, user):
    user.mfa_devices.append({"SerialNumber": self._get_param("SerialNumber"), "EnableDate": utcnow()})
    return EmptyResult()


def _deactivate_mfa_device(self, user):
    serial = self._get_param("SerialNumber")
    if not any(d["SerialNumber"] == serial for d in user.mfa_devices):
        raise NoSuchEntity(f"MFA device {serial} cannot be found.")
    user.mfa_devices[:] = [d for d in user.mfa_devices if d["SerialNumber"] != serial]
    return EmptyResult()


def _get_user(self, user):
    return ActionResult({"User": {"UserId": user.account_id, "Arn": user.arn, "CreateDate": utcnow(), "Path": "/", "UserName": user.account_id}})


ROOT_HANDLERS = {
    "GetLoginProfile": _get_login_profile,
    "CreateLoginProfile": _create_login_profile,
    "DeleteLoginProfile": _delete_login_profile,
    "ListAccessKeys": _list_access_keys,
    "CreateAccessKey": _create_access_key,
    "DeleteAccessKey": _delete_access_key,
    "ListSigningCertificates": _list_signing_certificates,
    "UploadSigningCertificate": _upload_signing_certificate,
    "DeleteSigningCertificate": _delete_signing_certificate,
    "ListMFADevices": _list_mfa_devices,
    "EnableMFADevice": _enable_mfa_device,
    "DeactivateMFADevice": _deactivate_mfa_device,
    "GetUser": _get_user,
}

_original_call_action = IamResponse.call_action


def _call_action(self):
    session = find_root_session(self.current_account, self.get_access_key())
    if session is None:
        return _original_call_action(self)
    action = self._get_action()
    try:
        if session.expired:
            raise ExpiredToken("The security token included in the request is expired")
        if action not in session.allowed_iam_actions():
            scope = f"the task policy {session.task}" if session.task else "the root user's own credentials"
            raise AccessDenied(f"User: arn:aws:iam::{session.account_id}:root is not authorized to perform: iam:{action} ({scope} does not allow it)")
        if self._get_param("UserName"):
            raise AccessDenied(f"A root session acts on the root user only: call iam:{action} without UserName")
        result = ROOT_HANDLERS[action](self, root_user(session.account_id))
    except ServiceException as e:
        status, headers, body = self.serialized(ActionResult(e))
        headers["status"] = status
        return status, headers, body
    return self.serialized(result)


def install() -> None:
    IamResponse.call_action = _call_action

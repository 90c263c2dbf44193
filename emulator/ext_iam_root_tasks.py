"""IAM gap (rootcreds): what deleting a member account's root credentials at scale needs, on top of ext_iam_root.py.

- An `IAMDeleteRootUserCredentials` task session lists the root user's signing certificates (to delete each one) and
  deletes a virtual MFA device after deactivating it: the task is "delete the root user's credentials", MFA devices
  included (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html; the managed policy:
  https://docs.aws.amazon.com/aws-managed-policy/latest/reference/IAMDeleteRootUserCredentials.html).
  DeleteVirtualMFADevice refuses a device still enabled for the root user (DeleteConflict), as IAM does for a user's
  device ("You must deactivate a user's virtual MFA device before you can delete it",
  https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html).
- The root user signed in (harness, ext_sts.py) may create a virtual MFA device, so a test can give a root user one
  through the real API (CreateVirtualMFADevice, then EnableMFADevice without UserName).
Each task session stays limited to its task policy: the audit session may only read, the password-recovery session
only create the password (ext_iam_root.py enforces `TASK_POLICY_IAM_ACTIONS`).
"""
from moto.core.exceptions import ServiceException

import ext_iam_root
from root_user import SIGNED_IN_ROOT_ACTIONS, TASK_POLICY_IAM_ACTIONS


class DeleteConflict(ServiceException):
    code = "DeleteConflict"


def _create_virtual_mfa_device(self, user):  # noqa: ARG001 - the device belongs to the account until enabled
    return self.create_virtual_mfa_device()


def _delete_virtual_mfa_device(self, user):
    serial = self._get_param("SerialNumber")
    if any(d["SerialNumber"] == serial for d in user.mfa_devices):
        raise DeleteConflict(f"MFA device {serial} is still enabled for the root user: deactivate it first (DeactivateMFADevice).")
    return self.delete_virtual_mfa_device()


def _add(actions, *names):
    for name in names:
        if name not in actions:
            actions.append(name)


def install() -> None:
    _add(TASK_POLICY_IAM_ACTIONS["IAMDeleteRootUserCredentials"], "ListSigningCertificates", "DeleteVirtualMFADevice")
    _add(SIGNED_IN_ROOT_ACTIONS, "CreateVirtualMFADevice", "DeleteVirtualMFADevice")
    ext_iam_root.ROOT_HANDLERS["CreateVirtualMFADevice"] = _create_virtual_mfa_device
    ext_iam_root.ROOT_HANDLERS["DeleteVirtualMFADevice"] = _delete_virtual_mfa_device

"""IAM gap: centralized root access management for AWS Organizations (Nov 2024), absent from moto 5.2.1.

Operations (IAM API reference): EnableOrganizationsRootCredentialsManagement, EnableOrganizationsRootSessions,
DisableOrganizationsRootCredentialsManagement, DisableOrganizationsRootSessions, ListOrganizationsFeatures.
Each returns {OrganizationId, EnabledFeatures}. Errors, as documented:
  OrganizationNotFoundException          the caller's account is in no organization
  OrganizationNotInAllFeaturesModeException  the organization has only consolidated billing
  AccountNotManagementOrDelegatedAdministratorException  caller is neither the management account nor the
                                         delegated administrator for iam.amazonaws.com
  ServiceAccessNotEnabledException       trusted access for iam.amazonaws.com is not enabled in Organizations
The enabled features are kept on the organization (so the delegated admin and the management account agree).
"""
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.iam.responses import IamResponse

from common import org_context

FEATURES = {"RootCredentialsManagement", "RootSessions"}


class OrganizationNotFoundException(ServiceException):
    code = "OrganizationNotFoundException"


class OrganizationNotInAllFeaturesModeException(ServiceException):
    code = "OrganizationNotInAllFeaturesModeException"


class AccountNotManagementOrDelegatedAdministratorException(ServiceException):
    code = "AccountNotManagementOrDelegatedAdministratorException"


class ServiceAccessNotEnabledException(ServiceException):
    code = "ServiceAccessNotEnabledException"


def _org_features(account_id: str, partition: str, require_access: bool = True):
    ctx = org_context(account_id, partition)
    if ctx is None:
        raise OrganizationNotFoundException("The organization does not exist or the caller's account is not in one.")
    if ctx.org.feature_set != "ALL":
        raise OrganizationNotInAllFeaturesModeException("The organization must have all features enabled.")
    if not (ctx.is_management or ctx.is_delegated_admin("iam.amazonaws.com")):
        raise AccountNotManagementOrDelegatedAdministratorException(
            "The request was rejected because the account making the request is not the management account or "
            "delegated administrator account for centralized root access."
        )
    if require_access and not ctx.trusted_access_enabled("iam.amazonaws.com"):
        raise ServiceAccessNotEnabledException(
            "The request was rejected because trusted access is not enabled for IAM in AWS Organizations."
        )
    if not hasattr(ctx.org, "rootlock_iam_features"):
        ctx.org.rootlock_iam_features = set()
    return ctx.org


def _result(org) -> ActionResult:
    return ActionResult({"OrganizationId": org.id, "EnabledFeatures": sorted(org.rootlock_iam_features)})


def _partition(self) -> str:
    return self.partition if hasattr(self, "partition") else "aws"


def _toggle(feature: str, enable: bool):
    def handler(self):
        org = _org_features(self.current_account, _partition(self))
        if enable:
            org.rootlock_iam_features.add(feature)
        else:
            org.rootlock_iam_features.discard(feature)
        return _result(org)

    return handler


def list_organizations_features(self):
    return _result(_org_features(self.current_account, _partition(self), require_access=False))


def install() -> None:
    IamResponse.enable_organizations_root_credentials_management = _toggle("RootCredentialsManagement", True)
    IamResponse.enable_organizations_root_sessions = _toggle("RootSessions", True)
    IamResponse.disable_organizations_root_credentials_management = _toggle("RootCredentialsManagement", False)
    IamResponse.disable_organizations_root_sessions = _toggle("RootSessions", False)
    IamResponse.list_organizations_features = list_organizations_features

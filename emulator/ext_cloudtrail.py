"""CloudTrail gaps in moto 5.2.1.

1. RegisterOrganizationDelegatedAdmin {MemberAccountId} / DeregisterOrganizationDelegatedAdmin
   {DelegatedAdminAccountId} are missing. As in AWS they register/deregister the account in Organizations as the
   delegated administrator for cloudtrail.amazonaws.com (Terraform reads it back with Organizations
   ListDelegatedAdministrators). Errors: NotOrganizationManagementAccountException (caller is not the management
   account), OrganizationsNotInUseException, AccountNotFoundException (not a member), AccountRegisteredException,
   AccountNotRegisteredException, InvalidParameterException (the management account itself).
2. CreateTrail with IsOrganizationTrail=true is accepted from any account. AWS accepts it only from the management
   account or CloudTrail's delegated administrator (else NotOrganizationMasterAccountException), only with trusted
   access for cloudtrail.amazonaws.com (else CloudTrailAccessNotEnabledException), and an organization trail made by
   the delegated administrator belongs to the management account: its ARN holds the management account id.
3. StartLogging, StopLogging and DeleteTrail look the trail up by name only (a KeyError, so HTTP 500, for an ARN);
   AWS accepts a name or an ARN, and DeleteTrail of an unknown trail is TrailNotFoundException.
"""
from moto.cloudtrail import models as ct_models
from moto.cloudtrail.responses import CloudTrailResponse
from moto.core.responses import ActionResult
from moto.utilities.utils import get_partition

from common import org_context, service_error

PRINCIPAL = "cloudtrail.amazonaws.com"




NotOrganizationManagementAccountException = service_error("NotOrganizationManagementAccountException")
NotOrganizationMasterAccountException = service_error("NotOrganizationMasterAccountException")
OrganizationsNotInUseException = service_error("OrganizationsNotInUseException")
AccountNotFoundException = service_error("AccountNotFoundException")
AccountRegisteredException = service_error("AccountRegisteredException")
AccountNotRegisteredException = service_error("AccountNotRegisteredException")
InvalidParameterException = service_error("InvalidParameterException")
CloudTrailAccessNotEnabledException = service_error("CloudTrailAccessNotEnabledException")


def _management_ctx(account_id: str):
    ctx = org_context(account_id)
    if ctx is None:
        raise OrganizationsNotInUseException("This account is not a member of an organization.")
    if not ctx.is_management:
        raise NotOrganizationManagementAccountException(
            "This operation can be performed only by the management account of an organization."
        )
    return ctx


def _admin(ctx, account_id: str):
    return next((a for a in ctx.backend.admins if a.account.id == account_id), None)


def register_organization_delegated_admin(self):
    member = self._get_param("MemberAccountId")
    ctx = _management_ctx(self.current_account)
    if member == ctx.management_account_id:
        raise InvalidParameterException("You cannot register the management account as a delegated administrator.")
    if not ctx.account_in_org(member):
        raise AccountNotFoundException(f"Account {member} is not a member of the organization.")
    admin = _admin(ctx, member)
    if admin is not None and PRINCIPAL in admin.services:
        raise AccountRegisteredException(f"Account {member} is already registered as a delegated administrator.")
    # Like AWS, registering the delegated administrator enables trusted access for CloudTrail if needed.
    if not ctx.trusted_access_enabled(PRINCIPAL):
        ctx.backend.enable_aws_service_access(ServicePrincipal=PRINCIPAL)
    ctx.backend.register_delegated_administrator(AccountId=member, ServicePrincipal=PRINCIPAL)
    return ActionResult({})


def deregister_organization_delegated_admin(self):
    member = self._get_param("DelegatedAdminAccountId")
    ctx = _management_ctx(self.current_account)
    admin = _admin(ctx, member)
    if admin is None or PRINCIPAL not in admin.services:
        if not ctx.account_in_org(member):
            raise AccountNotFoundException(f"Account {member} is not a member of the organization.")
        raise AccountNotRegisteredException(f"Account {member} is not registered as a delegated administrator.")
    admin.remove_service_principal(PRINCIPAL)
    if not admin.services:
        ctx.backend.admins.remove(admin)
    return ActionResult({})


_original_arn = ct_models.Trail.arn
_original_create = ct_models.CloudTrailBackend.create_trail
_original_update = ct_models.CloudTrailBackend.update_trail


def _trail_arn(self) -> str:
    owner = getattr(self, "rootlock_owner_account_id", None) or self.account_id
    return f"arn:{get_partition(self.region_name)}:cloudtrail:{self.region_name}:{owner}:trail/{self.trail_name}"


def _org_trail_owner(account_id: str) -> str:
    ctx = org_context(account_id)
    if ctx is None or not (ctx.is_management or ctx.is_delegated_admin(PRINCIPAL)):
        raise NotOrganizationMasterAccountException(
            f"The request was rejected because the current account {account_id} is not the management account of "
            "an organization or a delegated administrator for CloudTrail."
        )
    if not ctx.trusted_access_enabled(PRINCIPAL):
        raise CloudTrailAccessNotEnabledException(
            "This organization does not have CloudTrail service access enabled. Enable it in AWS Organizations."
        )
    return ctx.management_account_id


def create_trail(self, name, bucket_name, s3_key_prefix, sns_topic_name, is_global, is_multi_region, log_validation,
                 is_org_trail, *rest):
    owner = _org_trail_owner(self.account_id) if is_org_trail else None
    trail = _original_create(self, name, bucket_name, s3_key_prefix, sns_topic_name, is_global, is_multi_region,
                             log_validation, is_org_trail, *rest)
    if owner:
        # Tags were stored under the member-account ARN by moto; keep them under the trail's real ARN.
        old_arn = f"arn:{get_partition(self.region_name)}:cloudtrail:{self.region_name}:{self.account_id}:trail/{name}"
        tags = self.tagging_service.list_tags_for_resource(old_arn).get("TagsList", [])
        trail.rootlock_owner_account_id = owner
        if tags and old_arn != trail.arn:
            self.tagging_service.delete_all_tags_for_resource(old_arn)
            self.tagging_service.tag_resource(trail.arn, tags)
    return trail


def update_trail(self, name, *args, **kwargs):
    is_org = kwargs.get("is_organization_trail")
    if is_org:
        owner = _org_trail_owner(self.account_id)
        trail = _original_update(self, name, *args, **kwargs)
        trail.rootlock_owner_account_id = owner
        return trail
    return _original_update(self, name, *args, **kwargs)


def _by_name_or_arn(op: str):
    def handler(self, name: str) -> None:
        trail = self.get_trail(name)  # TrailNotFoundException when unknown
        if op == "delete":
            del self.trails[trail.trail_name]
        elif op == "start":
            trail.start_logging()
        else:
            trail.stop_logging()

    return handler


def install() -> None:
    ct_models.CloudTrailBackend.start_logging = _by_name_or_arn("start")
    ct_models.CloudTrailBackend.stop_logging = _by_name_or_arn("stop")
    ct_models.CloudTrailBackend.delete_trail = _by_name_or_arn("delete")
    CloudTrailResponse.register_organization_delegated_admin = register_organization_delegated_admin
    CloudTrailResponse.deregister_organization_delegated_admin = deregister_organization_delegated_admin
    ct_models.Trail.arn = property(_trail_arn)
    ct_models.CloudTrailBackend.create_trail = create_trail
    ct_models.CloudTrailBackend.update_trail = update_trail

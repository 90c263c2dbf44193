"""Organizations gaps in moto 5.2.1.

* EnableAWSServiceAccess / RegisterDelegatedAdministrator reject principals that moto's hard-coded lists lack.
  AWS accepts `iam.amazonaws.com` (trusted access for centralized root access management, and a delegated
  administrator for it) and `cloudtrail.amazonaws.com` as a delegated-administrator service (registered by
  CloudTrail's RegisterOrganizationDelegatedAdmin, listed by Organizations ListDelegatedAdministrators).
* DisablePolicyType only drops the type from the root. AWS detaches every policy of that type from every entity
  ("Disabled policies are detached from all entities but not deleted",
  https://docs.aws.amazon.com/organizations/latest/userguide/disable-policy-type.html). Without it a deploy that
  disabled TAG_POLICY would look harmless here.
* MoveAccount ignores SourceParentId. AWS moves an account only from the parent it is in
  (SourceParentNotFoundException otherwise) and refuses a move to where it already is (DuplicateAccountException),
  per the MoveAccount API reference.
"""
from moto.organizations import models as org_models

from common import json_error

EXTRA_TRUSTED_SERVICES = ["iam.amazonaws.com"]
EXTRA_DELEGATED_ADMIN_SERVICES = ["cloudtrail.amazonaws.com", "iam.amazonaws.com"]


def _detach_all_of_type(backend, policy_type: str) -> None:
    for policy in list(backend.policies):
        if policy.type != policy_type:
            continue
        for target in list(policy.attachments):
            if policy in target.attached_policies:
                target.attached_policies.remove(policy)
            policy.attachments.remove(target)


def install() -> None:
    for principal in EXTRA_TRUSTED_SERVICES:
        if principal not in org_models.FakeServiceAccess.TRUSTED_SERVICES:
            org_models.FakeServiceAccess.TRUSTED_SERVICES.append(principal)
    for principal in EXTRA_DELEGATED_ADMIN_SERVICES:
        if principal not in org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(principal)

    backend_class = org_models.OrganizationsBackend
    original_disable = backend_class.disable_policy_type
    original_move = backend_class.move_account

    def disable_policy_type(self, **kwargs):
        result = original_disable(self, **kwargs)
        _detach_all_of_type(self, kwargs["PolicyType"])
        return result

    def move_account(self, **kwargs):
        account = self.get_account_by_id(kwargs["AccountId"])
        source = self.validate_parent_id(kwargs["SourceParentId"])
        destination = self.validate_parent_id(kwargs["DestinationParentId"])
        if account.parent_id != source:
            raise json_error("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")
        if account.parent_id == destination:
            raise json_error("DuplicateAccountException", "That account is already present in the specified destination.")
        return original_move(self, **kwargs)

    backend_class.disable_policy_type = disable_policy_type
    backend_class.move_account = move_account

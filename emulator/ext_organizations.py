"""Organizations gaps in moto 5.2.1.

* EnableAWSServiceAccess / RegisterDelegatedAdministrator reject principals that moto's hard-coded lists lack.
  AWS accepts `iam.amazonaws.com` (trusted access for centralized root access management, and a delegated
  administrator for it) and `cloudtrail.amazonaws.com` as a delegated-administrator service (registered by
  CloudTrail's RegisterOrganizationDelegatedAdmin, listed by Organizations ListDelegatedAdministrators).
"""
from moto.organizations import models as org_models

EXTRA_TRUSTED_SERVICES = ["iam.amazonaws.com"]
EXTRA_DELEGATED_ADMIN_SERVICES = ["cloudtrail.amazonaws.com", "iam.amazonaws.com"]


def install() -> None:
    for principal in EXTRA_TRUSTED_SERVICES:
        if principal not in org_models.FakeServiceAccess.TRUSTED_SERVICES:
            org_models.FakeServiceAccess.TRUSTED_SERVICES.append(principal)
    for principal in EXTRA_DELEGATED_ADMIN_SERVICES:
        if principal not in org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            org_models.FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(principal)

"""Helpers shared by the ext_*.py modules (not an extension itself: extensions.py loads only ext_*)."""
import json
from typing import Any, Optional, Tuple

from moto.core.exceptions import JsonRESTError, ServiceException
from moto.organizations.models import organizations_backends


class OrgContext:
    """The organization as seen from one account: its management backend, and the caller's role in it."""

    def __init__(self, backend: Any, account_id: str):
        self.backend = backend
        self.org = backend.org
        self.account_id = account_id

    @property
    def management_account_id(self) -> str:
        return self.org.master_account_id

    @property
    def is_management(self) -> bool:
        return self.account_id == self.management_account_id

    def is_delegated_admin(self, service_principal: str) -> bool:
        return any(a.account.id == self.account_id and service_principal in a.services for a in self.backend.admins)

    def trusted_access_enabled(self, service_principal: str) -> bool:
        return any(s["ServicePrincipal"] == service_principal for s in self.backend.services)

    def account_in_org(self, account_id: str) -> bool:
        return any(a.id == account_id for a in self.backend.accounts)

    @property
    def member_account_ids(self) -> list:
        return [a.id for a in self.backend.accounts if a.id != self.management_account_id]


def org_context(account_id: str, partition: str = "aws") -> Optional[OrgContext]:
    """The organization `account_id` belongs to (as management or member account), or None."""
    own = organizations_backends[account_id][partition]
    if own.org is not None:
        return OrgContext(own, account_id)
    if account_id in organizations_backends.master_accounts:
        management_id, part = organizations_backends.master_accounts[account_id]
        backend = organizations_backends[management_id][part]
        if backend.org is not None:
            return OrgContext(backend, account_id)
    return None


def json_error(code: str, message: str, status: int = 400) -> JsonRESTError:
    err = JsonRESTError(code, message)
    err.code = status
    return err


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)


def split_arn(arn: str) -> Tuple[str, str, str, str, str]:
    """(partition, service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(arn)
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def service_error(code: str) -> type:
    """An AWS error type for moto's ServiceException-based (new-style) responses: the class name is the error code."""
    return type(code, (ServiceException,), {"code": code})

"""GuardDuty gaps in moto 5.2.1.

1. DisableOrganizationAdminAccount (POST /admin/disable {adminAccountId}) is missing (Terraform's destroy of
   aws_guardduty_organization_admin_account calls it).
2. DescribeOrganizationConfiguration (GET /detector/{detectorId}/admin) and UpdateOrganizationConfiguration
   (POST /detector/{detectorId}/admin) are missing (aws_guardduty_organization_configuration). Only the delegated
   administrator may call them, with its own detector; otherwise BadRequestException, as AWS answers.
3. EnableOrganizationAdminAccount does not validate its caller or register the account in Organizations. In AWS only
   the management account may call it, the account must be a member, and it becomes the delegated administrator for
   guardduty.amazonaws.com (trusted access enabled on the way); a second call for the same account is accepted.
4. ListFilters (GET /detector/{detectorId}/filter?maxResults&nextToken) is missing (moto has CreateFilter, GetFilter,
   UpdateFilter, DeleteFilter). As the API reference: the detector's filter names, at most maxResults (1-50, default 50)
   a page with a nextToken for the rest; an unknown detector is BadRequestException
   (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_ListFilters.html).
"""
import json

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.guardduty import urls as gd_urls
from moto.guardduty.models import guardduty_backends
from moto.guardduty.responses import GuardDutyResponse

from common import org_context

PRINCIPAL = "guardduty.amazonaws.com"


class BadRequestException(ServiceException):
    code = "BadRequestException"


def _management(account_id: str):
    ctx = org_context(account_id)
    if ctx is None or not ctx.is_management:
        raise BadRequestException("The request is rejected because the current account is not the organization's management account.")
    return ctx


def enable_organization_admin_account(self):
    admin = self._get_param("adminAccountId")
    ctx = _management(self.current_account)
    if not ctx.account_in_org(admin) or admin == ctx.management_account_id:
        raise BadRequestException(f"The request is rejected because the account {admin} is not a member of the organization.")
    if not ctx.trusted_access_enabled(PRINCIPAL):
        ctx.backend.enable_aws_service_access(ServicePrincipal=PRINCIPAL)
    if not any(a.account.id == admin and PRINCIPAL in a.services for a in ctx.backend.admins):
        ctx.backend.register_delegated_administrator(AccountId=admin, ServicePrincipal=PRINCIPAL)
    if admin not in self.guardduty_backend.admin_account_ids:
        self.guardduty_backend.enable_organization_admin_account(admin)
    return "{}"


def disable_organization_admin_account(self):
    admin = self._get_param("adminAccountId")
    _management(self.current_account)
    backend = self.guardduty_backend
    if admin not in backend.admin_account_ids:
        raise BadRequestException(f"The request is rejected because the account {admin} is not the GuardDuty delegated administrator.")
    backend.admin_account_ids.remove(admin)
    ctx = org_context(self.current_account)
    for a in list(ctx.backend.admins):
        if a.account.id == admin and PRINCIPAL in a.services:
            a.remove_service_principal(PRINCIPAL)
            if not a.services:
                ctx.backend.admins.remove(a)
    return "{}"


def _delegated_detector(self):
    detector_id = self.path.split("/")[-2]
    ctx = org_context(self.current_account)
    mgmt_admins = []
    if ctx is not None:
        mgmt_admins = guardduty_backends[ctx.management_account_id][self.region].admin_account_ids
    if ctx is None or self.current_account not in mgmt_admins:
        raise BadRequestException("The request is rejected because the current account is not the GuardDuty delegated administrator account.")
    detector = self.guardduty_backend.get_detector(detector_id)
    if not hasattr(detector, "rootlock_org_config"):
        detector.rootlock_org_config = {"autoEnableOrganizationMembers": "NONE", "dataSources": {}, "features": []}
    return detector


def describe_organization_configuration(self):
    cfg = _delegated_detector(self).rootlock_org_config
    members = cfg["autoEnableOrganizationMembers"]
    return json.dumps({
        "autoEnable": members in ("NEW", "ALL"),
        "autoEnableOrganizationMembers": members,
        "memberAccountLimitReached": False,
        "dataSources": cfg["dataSources"] or {
            "s3Logs": {"autoEnable": False},
            "kubernetes": {"auditLogs": {"autoEnable": False}},
            "malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": {"autoEnable": False}}},
        },
        "features": cfg["features"],
    })


def update_organization_configuration(self):
    detector = _delegated_detector(self)
    cfg = detector.rootlock_org_config
    members = self._get_param("autoEnableOrganizationMembers")
    auto_enable = self._get_param("autoEnable")
    if members is None and auto_enable is not None:
        members = "NEW" if auto_enable else "NONE"
    if members is not None:
        if members not in ("NEW", "ALL", "NONE"):
            raise BadRequestException(f"The request is rejected because autoEnableOrganizationMembers {members} is invalid.")
        cfg["autoEnableOrganizationMembers"] = members
    if self._get_param("dataSources") is not None:
        ds = self._get_param("dataSources")
        cfg["dataSources"] = {
            k: ({"autoEnable": v.get("autoEnable", False)} if k == "s3Logs" else v) for k, v in ds.items()
        }
    if self._get_param("features") is not None:
        cfg["features"] = [
            {"name": f["name"], "autoEnable": f.get("autoEnable", "NONE"),
             **({"additionalConfiguration": f["additionalConfiguration"]} if f.get("additionalConfiguration") else {})}
            for f in self._get_param("features")
        ]
    return ActionResult({})


def list_filters(self):
    detector_id = self.path.split("/")[-2]
    detector = self.guardduty_backend.detectors.get(detector_id)
    if detector is None:
        raise BadRequestException("The request is rejected because the input detectorId is not owned by the current account.")
    try:
        size = int(self._get_param("maxResults") or 50)
    except ValueError:
        size = 0
    if not 1 <= size <= 50:
        raise BadRequestException("The request is rejected because maxResults must be between 1 and 50.")
    names = sorted(detector.filters)
    token = self._get_param("nextToken")
    start = names.index(token) if token in names else 0
    page = names[start:start + size]
    rest = names[start + size:]
    return json.dumps({"filterNames": page, **({"nextToken": rest[0]} if rest else {})})


def install() -> None:
    GuardDutyResponse.list_filters = list_filters
    GuardDutyResponse.enable_organization_admin_account = enable_organization_admin_account
    GuardDutyResponse.disable_organization_admin_account = disable_organization_admin_account
    GuardDutyResponse.describe_organization_configuration = describe_organization_configuration
    GuardDutyResponse.update_organization_configuration = update_organization_configuration
    gd_urls.url_paths["{0}/admin/disable$"] = GuardDutyResponse.dispatch
    gd_urls.url_paths["{0}/detector/(?P<detector_id>[^/]+)/admin$"] = GuardDutyResponse.dispatch

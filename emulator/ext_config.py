"""AWS Config gap: organization config rules, absent from moto 5.2.1 (aws_config_organization_managed_rule).

Operations (Config API reference): PutOrganizationConfigRule, DescribeOrganizationConfigRules,
DescribeOrganizationConfigRuleStatuses, DeleteOrganizationConfigRule, GetOrganizationConfigRuleDetailedStatus.
Only the management account or the delegated administrator for config-multiaccountsetup.amazonaws.com may call
them (else OrganizationAccessDeniedException); the organization needs all features (else
OrganizationAllFeaturesNotEnabledException); unknown names are NoSuchOrganizationConfigRuleException. Managed
rules only (custom Lambda/policy rules raise InvalidParameterValueException here: rootlock uses none). Rules are
deployed at once: status CREATE_SUCCESSFUL / UPDATE_SUCCESSFUL, and each member account gets its rule named
`OrgConfigRule-<name>-<suffix>` (the name AWS gives it, which rootlock's EventBridge pattern matches by prefix).
Rules live on the organization, so the management account and the delegated admin see the same set.
"""
import json
import random
import string

from moto.config.models import config_backends
from moto.config.responses import ConfigResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow

from common import org_context, service_error

PRINCIPAL = "config-multiaccountsetup.amazonaws.com"




OrganizationAccessDeniedException = service_error("OrganizationAccessDeniedException")
NoAvailableOrganizationException = service_error("NoAvailableOrganizationException")
OrganizationAllFeaturesNotEnabledException = service_error("OrganizationAllFeaturesNotEnabledException")
NoSuchOrganizationConfigRuleException = service_error("NoSuchOrganizationConfigRuleException")
InvalidParameterValueException = service_error("InvalidParameterValueException")
ValidationException = service_error("ValidationException")


def _rules(self):
    ctx = org_context(self.current_account)
    if ctx is None:
        raise NoAvailableOrganizationException("Organization is not available.")
    if ctx.org.feature_set != "ALL":
        raise OrganizationAllFeaturesNotEnabledException("AWS Organizations all features are not enabled.")
    if not (ctx.is_management or ctx.is_delegated_admin(PRINCIPAL)):
        raise OrganizationAccessDeniedException(
            "This action can only be performed if you are a registered delegated administrator for AWS Config with "
            "permissions to call ListDelegatedAdministrators API."
        )
    store = ctx.org.__dict__.setdefault("rootlock_org_config_rules", {})
    return ctx, store.setdefault(self.region, {})


def _suffix() -> str:
    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def _member_rule(ctx, region: str, rule: dict, remove: bool = False) -> None:
    """Creates (or removes) the per-account rule AWS deploys into each member account."""
    meta = rule["OrganizationManagedRuleMetadata"]
    for account_id in ctx.member_account_ids + [ctx.management_account_id]:
        if account_id in rule.get("ExcludedAccounts", []):
            continue
        backend = config_backends[account_id][region]
        name = rule["rootlock_member_rule_name"]
        if remove:
            backend.config_rules.pop(name, None)
            continue
        backend.put_config_rule(
            {
                "ConfigRuleName": name,
                "Description": meta.get("Description", ""),
                "Source": {"Owner": "AWS", "SourceIdentifier": meta["RuleIdentifier"]},
                **({"InputParameters": meta["InputParameters"]} if meta.get("InputParameters") else {}),
                **({"MaximumExecutionFrequency": meta["MaximumExecutionFrequency"]} if meta.get("MaximumExecutionFrequency") else {}),
            },
            [],
        )


def put_organization_config_rule(self):
    name = self._get_param("OrganizationConfigRuleName")
    managed = self._get_param("OrganizationManagedRuleMetadata")
    if self._get_param("OrganizationCustomRuleMetadata") or self._get_param("OrganizationCustomPolicyRuleMetadata"):
        raise InvalidParameterValueException("rootlock emulator supports organization managed rules only.")
    if not name or not managed or not managed.get("RuleIdentifier"):
        raise ValidationException("OrganizationConfigRuleName and OrganizationManagedRuleMetadata.RuleIdentifier are required.")
    if managed.get("InputParameters"):
        try:
            json.loads(managed["InputParameters"])
        except ValueError:
            raise InvalidParameterValueException("Invalid InputParameters: not a JSON object.")
    ctx, rules = _rules(self)
    existing = rules.get(name)
    now = utcnow()
    if existing:
        existing.update(
            OrganizationManagedRuleMetadata=managed,
            ExcludedAccounts=self._get_param("ExcludedAccounts") or [],
            LastUpdateTime=now,
            rootlock_status="UPDATE_SUCCESSFUL",
        )
        rule = existing
    else:
        suffix = _suffix()
        rule = {
            "OrganizationConfigRuleName": name,
            "OrganizationConfigRuleArn": f"arn:aws:config:{self.region}:{ctx.management_account_id}:organization-config-rule/{name}-{suffix}",
            "OrganizationManagedRuleMetadata": managed,
            "ExcludedAccounts": self._get_param("ExcludedAccounts") or [],
            "LastUpdateTime": now,
            "rootlock_status": "CREATE_SUCCESSFUL",
            "rootlock_member_rule_name": f"OrgConfigRule-{name}-{suffix}",
        }
        rules[name] = rule
    _member_rule(ctx, self.region, rule)
    return ActionResult({"OrganizationConfigRuleArn": rule["OrganizationConfigRuleArn"]})


def _selected(rules: dict, names):
    if not names:
        return list(rules.values())
    missing = [n for n in names if n not in rules]
    if missing:
        raise NoSuchOrganizationConfigRuleException(
            f"The organization config rule {missing[0]} does not exist in this organization."
        )
    return [rules[n] for n in names]


def _public(rule: dict) -> dict:
    return {k: v for k, v in rule.items() if not k.startswith("rootlock_")}


def describe_organization_config_rules(self):
    _, rules = _rules(self)
    selected = _selected(rules, self._get_param("OrganizationConfigRuleNames"))
    return ActionResult({"OrganizationConfigRules": [_public(r) for r in selected]})


def describe_organization_config_rule_statuses(self):
    _, rules = _rules(self)
    selected = _selected(rules, self._get_param("OrganizationConfigRuleNames"))
    return ActionResult({
        "OrganizationConfigRuleStatuses": [
            {"OrganizationConfigRuleName": r["OrganizationConfigRuleName"], "OrganizationRuleStatus": r["rootlock_status"],
             "LastUpdateTime": r["LastUpdateTime"]}
            for r in selected
        ]
    })


def get_organization_config_rule_detailed_status(self):
    ctx, rules = _rules(self)
    rule = _selected(rules, [self._get_param("OrganizationConfigRuleName")])[0]
    statuses = [
        {"AccountId": a, "ConfigRuleName": rule["rootlock_member_rule_name"], "MemberAccountRuleStatus": rule["rootlock_status"],
         "LastUpdateTime": rule["LastUpdateTime"]}
        for a in ctx.member_account_ids + [ctx.management_account_id]
        if a not in rule.get("ExcludedAccounts", [])
    ]
    return ActionResult({"OrganizationConfigRuleDetailedStatus": statuses})


def delete_organization_config_rule(self):
    ctx, rules = _rules(self)
    name = self._get_param("OrganizationConfigRuleName")
    rule = _selected(rules, [name])[0]
    _member_rule(ctx, self.region, rule, remove=True)
    del rules[name]
    return ActionResult({})


def install() -> None:
    ConfigResponse.put_organization_config_rule = put_organization_config_rule
    ConfigResponse.describe_organization_config_rules = describe_organization_config_rules
    ConfigResponse.describe_organization_config_rule_statuses = describe_organization_config_rule_statuses
    ConfigResponse.get_organization_config_rule_detailed_status = get_organization_config_rule_detailed_status
    ConfigResponse.delete_organization_config_rule = delete_organization_config_rule

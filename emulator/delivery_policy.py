"""Would AWS let this service-to-service delivery through? (helper, not an extension: extensions.py loads only ext_*)

The emulator's deliveries (EventBridge targets, alarm actions, SNS to SQS) ask here before they deliver. The answer
comes from two things only:

* the resource policy as deployed (key policy, topic policy, queue policy, bus policy), read from moto's backends;
* the facts about what each AWS service really sends when it makes the call: `policies/service-integrations.json`
  (owned by the delivery work; each entry names the calling principal, the service it writes to, the service the
  request travels through, the actions, the condition keys the service sends and those it does not, and the AWS page
  that says so). The file is read at every check, so the facts the policy tests use are the facts the emulator uses.
  Where it is absent, one built-in fact applies: EventBridge publishing to an SNS topic encrypted with a customer key
  makes SNS call KMS on EventBridge's behalf, and that call carries none of aws:SourceAccount, aws:SourceArn,
  aws:SourceOrgID (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).

A case the facts do not cover is refused, with that reason (refuse by default: an uncovered delivery proves nothing). The evaluation is deliberately small (the policy
tests prove policies with the real IAM engine): a matching Deny refuses; otherwise every action needs a matching
Allow. A statement matches on Principal (service name, account id or account root ARN, which also match an IAM ARN of that account, or "*"), Action/Resource
(wildcards), and Condition: String*, Arn*, Bool, Null, with IfExists and ForAnyValue/ForAllValues prefixes, against a
request context that holds only the keys the facts say the service sends. A key absent from the context fails a
positive operator and passes a negated one, as IAM documents
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
"""
import fnmatch
import json
import os
from typing import Any, Dict, List, Optional, Tuple

FACTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "policies", "service-integrations.json")

BUILT_IN_FACTS = [
    {
        "id": "eventbridge-to-encrypted-sns-kms",
        "principal": "events.amazonaws.com",
        "writesTo": "kms",
        "via": "sns",
        "actions": ["kms:GenerateDataKey", "kms:Decrypt"],
        "sendsConditionKeys": [],
        "notSent": ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID"],
        "source": "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
        "note": "built-in fallback of emulator/delivery_policy.py, used while policies/service-integrations.json is absent",
    }
]


def load_facts() -> List[Dict[str, Any]]:
    try:
        with open(FACTS_FILE, encoding="utf-8") as f:
            return list(json.load(f).get("integrations", []))
    except (OSError, ValueError):
        return BUILT_IN_FACTS


def fact_for(principal: str, writes_to: str, via: Optional[str] = None) -> Optional[Dict[str, Any]]:
    for fact in load_facts():
        if fact.get("principal") == principal and fact.get("writesTo") == writes_to and (fact.get("via") or None) == via:
            return fact
    return None


def _as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else [value]


def _principal_matches(principal_elem: Any, caller: str) -> bool:
    if principal_elem == "*":
        return True
    if not isinstance(principal_elem, dict):
        return False
    for kind, values in principal_elem.items():
        for v in _as_list(values):
            if v == "*" or v == caller:
                return True
            if kind == "AWS" and caller.isdigit() and v in (f"arn:aws:iam::{caller}:root", caller):
                return True
            # An IAM principal (a role CloudWatch assumes as, alarm_source.py) is matched by its account, as in IAM.
            account = caller.split(":")[4] if caller.startswith("arn:") and ":iam::" in caller else None
            if kind == "AWS" and account and v in (f"arn:aws:iam::{account}:root", account):
                return True
    return False


def _like(pattern: str, value: str, case: bool = True) -> bool:
    if not case:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


def _compare(op: str, expected: List[str], actual: str) -> bool:
    if op in ("StringEquals", "ArnEquals"):
        return actual in expected
    if op == "StringEqualsIgnoreCase":
        return actual.lower() in [e.lower() for e in expected]
    if op in ("StringLike", "ArnLike"):
        return any(_like(e, actual) for e in expected)
    if op == "Bool":
        return actual.lower() in [str(e).lower() for e in expected]
    return False


NEGATED = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
           "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike"}


def _condition_holds(raw_op: str, key: str, expected: Any, context: Dict[str, str]) -> bool:
    op = raw_op.split(":", 1)[1] if raw_op.startswith(("ForAnyValue:", "ForAllValues:")) else raw_op
    if_exists = op.endswith("IfExists")
    op = op[: -len("IfExists")] if if_exists else op
    expected_values = [str(e) for e in _as_list(expected)]
    key = key.lower()  # condition key names are case-insensitive
    present = key in context
    if op == "Null":
        return (not present) == (expected_values[0].lower() == "true")
    if not present:
        return if_exists or op in NEGATED
    if op in NEGATED:
        return not _compare(NEGATED[op], expected_values, context[key])
    return _compare(op, expected_values, context[key])


def _statement_matches(stmt: Dict[str, Any], caller: str, action: str, resource: Optional[str], context: Dict[str, str]) -> Tuple[bool, List[str]]:
    """(matches, condition keys that failed)."""
    if not _principal_matches(stmt.get("Principal"), caller):
        return False, []
    if "Action" not in stmt or not any(_like(a, action, case=False) for a in _as_list(stmt["Action"])):
        return False, []
    if resource is not None and "Resource" in stmt and not any(_like(r, resource) for r in _as_list(stmt["Resource"])):
        return False, []
    failed = [key for op, pairs in (stmt.get("Condition") or {}).items() for key, exp in pairs.items() if not _condition_holds(op, key, exp, context)]
    return not failed, failed


def check(policy_text: Optional[str], caller: str, actions: List[str], context: Dict[str, str], resource: Optional[str] = None) -> Optional[str]:
    """None when every action is allowed; otherwise why not (one line)."""
    try:
        statements = _as_list(json.loads(policy_text or "{}").get("Statement", []))
    except ValueError:
        return "the policy is not valid JSON"
    context = {k.lower(): v for k, v in context.items()}
    for action in actions:
        allowed, near_misses = False, []
        for stmt in statements:
            matches, failed = _statement_matches(stmt, caller, action, resource, context)
            if matches and stmt.get("Effect") == "Deny":
                return f"statement {stmt.get('Sid', '(no Sid)')} denies {action} to {caller}"
            if matches:
                allowed = True
            elif failed and stmt.get("Effect") == "Allow":
                near_misses.append(f"{stmt.get('Sid', '(no Sid)')} requires {', '.join(sorted(set(failed)))}")
        if not allowed:
            detail = f"; {'; '.join(near_misses)}, which the request does not carry" if near_misses else ""
            return f"no statement allows {action} to {caller}{detail}"
    return None


def context_for(fact: Dict[str, Any], values: Dict[str, str]) -> Dict[str, str]:
    """The request context: only the keys the service sends, with the values this delivery has. aws:SourceOwner, the
    legacy key of SNS's default topic policy, travels with aws:SourceAccount."""
    context = {k: values[k] for k in fact.get("sendsConditionKeys", []) if k in values}
    if "aws:SourceAccount" in context:
        context["aws:SourceOwner"] = context["aws:SourceAccount"]
    return context


def check_delivery(policy_text: Optional[str], principal: str, writes_to: str, via: Optional[str], values: Dict[str, str], resource: Optional[str] = None) -> Optional[str]:
    """Checks a service principal's call against a resource policy when the facts cover it; None means allowed."""
    fact = fact_for(principal, writes_to, via)
    if fact is None:
        # Refused by default: a delivery no fact describes cannot be judged, so it does not pass unjudged.
        return f"no fact in policies/service-integrations.json covers {principal} writing to {writes_to}" + (f" via {via}" if via else "") + " (refused by default)"
    # A fact names actions as policies do (`kms:GenerateDataKey*`); the request is one concrete call of each.
    actions = [a.rstrip("*") for a in fact.get("actions") or []]
    refusal = check(policy_text, principal, actions, context_for(fact, values), resource)
    if refusal is None:
        return None
    return f"{refusal} (fact {fact.get('id')}: {fact.get('source')})"


def role_policy_documents(role: Any) -> List[str]:
    """Every identity policy of a moto role: inline documents and the default version of each attached policy."""
    docs = [d if isinstance(d, str) else json.dumps(d) for d in (role.policies or {}).values()]
    for managed in (role.managed_policies or {}).values():
        doc = getattr(getattr(managed, "default_version", None), "document", None) or getattr(managed, "document", None)
        if doc:
            docs.append(doc if isinstance(doc, str) else json.dumps(doc))
    return docs


def check_identity(documents: List[str], caller: str, actions: List[str], resource: str) -> Optional[str]:
    """Identity-policy check of a role session (no Principal element): None when each action is allowed on resource by
    some statement and denied by none. Conditions are ignored here (the deliveries' identity policies carry none)."""
    statements: List[Dict[str, Any]] = []
    for doc in documents:
        try:
            statements.extend(_as_list(json.loads(doc).get("Statement", [])))
        except ValueError:
            continue
    merged = {"Statement": [dict(s, Principal="*", Condition={}) for s in statements if isinstance(s, dict)]}
    return check(json.dumps(merged), caller, actions, {}, resource)


def identity_refusal(role: Any, principal: str, writes_to: str, resource: str) -> Optional[str]:
    """Checks a role session's own permissions where the facts name the actions the service calls with it (via sts)."""
    fact = fact_for(principal, writes_to, "sts")
    if fact is None:
        return f"no fact covers what {principal} does with a role session to {writes_to} (refused by default)"
    actions = [a.rstrip("*") for a in fact.get("actions") or []]
    refusal = check_identity(role_policy_documents(role), role.arn, actions, resource)
    return None if refusal is None else f"identity policies of role {role.name}: {refusal} (fact {fact.get('id')}: {fact.get('source')})"

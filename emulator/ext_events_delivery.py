"""EventBridge delivery: rules deliver to their targets as AWS does, and failures go to the target's dead-letter queue.

moto 5.2.1 delivers to log groups, archives, SQS and other buses, but: an SNS target raises NotImplementedError (so
PutEvents fails as soon as a rule with an SNS target matches); a cross-account bus receives a *new* event with the
receiving account in `account`; InputTransformer is applied with a parser that fails on string templates; `time` is a
number; disabled rules deliver; no resource policy is consulted and nothing ever reaches a dead-letter queue.

Here, modelled on the EventBridge user guide ("Event bus targets", "Sending and receiving events between AWS accounts",
"Using dead-letter queues to process undelivered events"):

* Targets: SNS topic (Publish, the input as the message), SQS queue (SendMessage), event bus in any account/region (the
  event is passed on unchanged: same id, `account` and `region` of the sender, and every rule of the receiving bus
  sees it). Log groups, archives and API destinations keep moto's handling.
* Target input: Input, InputPath, InputTransformer (`input_transformer.py`).
* Refusals: where the facts (`delivery_policy.py`) cover the call, the target's resource policy decides: the
  topic's KMS key policy for the SNS call to KMS, the topic policy, the queue policy, the trust policy of the target's
  role (RoleArn; a role that does not exist fails too). A bus in another account needs a
  bus policy that allows the sending account (checked with aws:PrincipalAccount and aws:PrincipalOrgID of the sender).
  A missing target resource is a failure too.
* Dead-letter queue: a failed delivery sends the event to the target's DeadLetterConfig queue with the message
  attributes AWS documents (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE). Simplified: no retries (AWS retries for
  up to 24 hours before giving up; a policy refusal is not retried there either). Every failure is also kept in
  FAILURES for diagnostics.
"""
import copy
import json
from datetime import datetime, timezone
from typing import Any, Dict, List

from moto.events import models as ev_models
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends
from moto.utilities.utils import get_partition

from cloudtrail_records import is_read_only_management_event
from common import org_context, split_arn
from delivery_policy import check, check_delivery, identity_refusal
from input_transformer import target_input
from service_metrics import rule_metric

FAILURES: List[Dict[str, str]] = []
HANDLED = ("sns", "sqs")

_original_send_to_targets = ev_models.Rule.send_to_targets


class DeliveryFailure(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _aws_event(event: Dict[str, Any]) -> Dict[str, Any]:
    """The event as AWS shapes it: ISO time, no moto-internal fields."""
    out = copy.deepcopy(event)
    out.pop("ingestion-time", None)
    if isinstance(out.get("time"), (int, float)):
        out["time"] = datetime.fromtimestamp(float(out["time"]), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def _org_id(account_id: str) -> str:
    ctx = org_context(account_id)
    return ctx.org.id if ctx is not None else ""


def _kms_key_policy(account: str, region: str, key_ref: str):
    backend = kms_backends[account][region]
    key_id = backend.get_key_id_from_alias(key_ref) if key_ref.startswith("alias/") else key_ref
    if key_id is None:
        raise DeliveryFailure("KMS.NotFoundException", f"KMS key {key_ref} of the topic does not exist")
    try:
        return backend.describe_key(key_id)
    except Exception:  # noqa: BLE001 - any lookup failure is a missing key, as SNS reports it
        raise DeliveryFailure("KMS.NotFoundException", f"KMS key {key_ref} of the topic does not exist")


def publish_checked(topic_arn: str, message: str, principal: str, values: Dict[str, str], subject: str = None) -> None:
    """Publishes as a service principal would: the topic policy and, for an encrypted topic, the key policy decide."""
    _, _, region, account, name = split_arn(topic_arn)
    topic = sns_backends[account][region].topics.get(topic_arn)
    if topic is None:
        raise DeliveryFailure("SNS.NotFound", f"topic {topic_arn} does not exist")
    refusal = check_delivery(topic.policy, principal, "sns", None, values, topic_arn)
    if refusal:
        raise DeliveryFailure("SNS.AuthorizationError", f"topic policy of {name}: {refusal}")
    if topic.kms_master_key_id:
        key = _kms_key_policy(account, region, topic.kms_master_key_id)
        refusal = check_delivery(key.policy, principal, "kms", "sns", values)
        if refusal:
            raise DeliveryFailure("SNS.KMSAccessDenied", f"key policy of {topic.kms_master_key_id} (KMS key {key.id}): {refusal}")
    topic.publish(message, subject=subject)


def _send_to_sqs(queue_arn: str, body: str, principal: str, values: Dict[str, str], attributes: Dict[str, Any] = None) -> None:
    _, _, region, account, name = split_arn(queue_arn)
    queue = sqs_backends[account][region].queues.get(name)
    if queue is None:
        raise DeliveryFailure("SQS.QueueDoesNotExist", f"queue {queue_arn} does not exist")
    refusal = check_delivery(queue.policy, principal, "sqs", None, values, queue_arn)
    if refusal:
        raise DeliveryFailure("SQS.AccessDenied", f"queue policy of {name}: {refusal}")
    sqs_backends[account][region].send_message(name, body, message_attributes=attributes or {})


def _send_to_bus(rule, target: Dict[str, Any], event: Dict[str, Any]) -> None:
    bus_arn = target["Arn"]
    _, _, region, account, name = split_arn(bus_arn)
    bus = ev_models.events_backends[account][region].event_buses.get(name.split("/", 1)[-1])
    if bus is None:
        raise DeliveryFailure("EventBridge.ResourceNotFound", f"event bus {bus_arn} does not exist")
    if target.get("RoleArn"):
        role = _check_target_role(rule, target["RoleArn"])
        # EventBridge calls PutEvents with the role's session: the role's own policies must allow it.
        refusal = identity_refusal(role, "events.amazonaws.com", "events", bus_arn)
        if refusal:
            raise DeliveryFailure("EventBridge.RolePermissionDenied", refusal)
    if account != rule.account_id:
        # The rule's target role (RoleArn) makes the PutEvents call on the receiving bus.
        sender = target.get("RoleArn") or f"arn:aws:iam::{rule.account_id}:root"
        context = {"aws:PrincipalAccount": rule.account_id, "aws:PrincipalOrgID": _org_id(rule.account_id), "aws:PrincipalArn": sender}
        refusal = check(bus.policy, rule.account_id, ["events:PutEvents"], context, bus_arn)
        if refusal:
            raise DeliveryFailure("EventBridge.AccessDenied", f"bus policy of {name}: {refusal}")
    for receiving_rule in list(bus.rules.values()):
        receiving_rule.send_to_targets(event)


def _check_target_role(rule, role_arn: str) -> None:
    """EventBridge assumes the target's role: it must exist and trust events.amazonaws.com (where the facts cover it)."""
    _, _, _, account, resource = split_arn(role_arn)
    role = next((r for r in iam_backends[account][get_partition(rule.region_name)].roles.values() if r.arn == role_arn), None)
    if role is None:
        raise DeliveryFailure("EventBridge.RoleNotFound", f"target role {role_arn} does not exist")
    values = {"aws:SourceAccount": rule.account_id, "aws:SourceArn": rule.arn, "aws:SourceOrgID": _org_id(rule.account_id)}
    refusal = check_delivery(role.assume_role_policy_document, "events.amazonaws.com", "events", None, values)
    if refusal:
        raise DeliveryFailure("EventBridge.AssumeRoleDenied", f"trust policy of {resource}: {refusal}")
    return role


def _deliver(rule, target: Dict[str, Any], event: Dict[str, Any]) -> None:
    _, service, region, _, resource = split_arn(target["Arn"])
    if service in ("sns", "sqs") and region != rule.region_name:
        # Only event buses may be targets in another region; a topic or queue target must be in the rule's region.
        raise DeliveryFailure("EventBridge.CrossRegionTarget", f"{service} target {target['Arn']} is not in the rule's region {rule.region_name}")
    values = {"aws:SourceAccount": rule.account_id, "aws:SourceArn": rule.arn, "aws:SourceOrgID": _org_id(rule.account_id)}
    if service == "events" and resource.startswith("event-bus/"):
        _send_to_bus(rule, target, event)
    elif service == "sns":
        publish_checked(target["Arn"], target_input(target, event, rule.arn, rule.name), "events.amazonaws.com", values)
    else:
        _send_to_sqs(target["Arn"], target_input(target, event, rule.arn, rule.name), "events.amazonaws.com", values)


def _dead_letter(rule, target: Dict[str, Any], event: Dict[str, Any], failure: DeliveryFailure) -> bool:
    FAILURES.append({"rule": rule.arn, "target": target["Arn"], "code": failure.code, "message": failure.message})
    dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
    if not dlq:
        return False
    attrs = {k: {"DataType": "String", "StringValue": v} for k, v in
             {"RULE_ARN": rule.arn, "TARGET_ARN": target["Arn"], "ERROR_CODE": aws_error_code(failure.code),
              "ERROR_MESSAGE": f"{failure.code}: {failure.message}"[:1000], "RETRY_ATTEMPTS": "0"}.items()}
    try:
        values = {"aws:SourceAccount": rule.account_id, "aws:SourceArn": rule.arn, "aws:SourceOrgID": _org_id(rule.account_id)}
        _send_to_sqs(dlq, json.dumps(event), "events.amazonaws.com", values, attrs)
        return True
    except DeliveryFailure as e:
        FAILURES.append({"rule": rule.arn, "target": dlq, "code": e.code, "message": f"dead-letter queue: {e.message}"})
        return False


# The dead-letter ERROR_CODE values AWS sends for the failures the emulator models (none of them is retried).
AWS_ERROR_CODES = {  # first match wins: RoleNotFound is a role failure before it is a missing resource
    "FAILED_TO_ASSUME_ROLE": ("RoleNotFound", "AssumeRoleDenied"),
    "NO_RESOURCE": ("NotFound", "QueueDoesNotExist", "ResourceNotFound", "CrossRegionTarget"),
    "NO_PERMISSIONS": ("AccessDenied", "AuthorizationError", "KMSAccessDenied", "PermissionDenied"),
}


def aws_error_code(code: str) -> str:
    for aws_code, suffixes in AWS_ERROR_CODES.items():
        if code.split(".")[-1].endswith(suffixes):
            return aws_code
    return "NO_PERMISSIONS"


def _handled(target: Dict[str, Any]) -> bool:
    _, service, _, _, resource = split_arn(target["Arn"])
    return service in HANDLED or (service == "events" and resource.startswith("event-bus/"))


def rule_receives(rule, event: Dict[str, Any]) -> bool:
    """Rule state as AWS applies it: DISABLED matches nothing; ENABLED matches everything except read-only management
    events delivered through CloudTrail; ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS matches those too
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html)."""
    if rule.state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS":
        return rule.event_pattern.matches_event(event)
    if rule.state != "ENABLED" or is_read_only_management_event(event):
        return False
    return rule.event_pattern.matches_event(event)


def send_to_targets(self, original_event, transform_input: bool = True) -> bool:
    """Delivers to every target when the rule receives the event; True when it did (moto's callers ignore it)."""
    if not rule_receives(self, original_event):
        return False
    event = _aws_event(original_event)
    others = [t for t in self.targets if not _handled(t)]
    for target in [t for t in self.targets if _handled(t)]:
        try:
            _deliver(self, target, event)
            rule_metric(self, "Invocations")
        except DeliveryFailure as failure:
            rule_metric(self, "FailedInvocations")
            if _dead_letter(self, target, event, failure):
                rule_metric(self, "InvocationsSentToDLQ")
    if others:
        handled, self.targets = self.targets, others
        try:
            _original_send_to_targets(self, original_event, transform_input)
        finally:
            self.targets = handled
    return True


def install() -> None:
    ev_models.Rule.send_to_targets = send_to_targets

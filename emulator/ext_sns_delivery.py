"""SNS gap: a topic delivers to a subscribed SQS queue whatever the queue's policy says, and always into the queue of
the subscription's account (a queue in another account receives nothing, or the wrong queue does).

Here SNS delivers as AWS does: to the queue named by the endpoint ARN (its own account and region), only when the
queue's policy allows sns.amazonaws.com sqs:SendMessage with the request context the facts say SNS sends
(`sns-to-sqs`: aws:SourceArn = the topic). A refused or missing queue gets nothing; the reason is kept in FAILURES
and logged (AWS would retry, then drop or dead-letter the message).
"""
import sys
from typing import Dict, List

from moto.sns import models as sns_models
from moto.sqs.models import sqs_backends

from common import split_arn
from delivery_policy import check_delivery

FAILURES: List[Dict[str, str]] = []
_original_publish = sns_models.Subscription.publish


def _refusal(subscription) -> str:
    try:
        _, _, region, account, name = split_arn(subscription.endpoint)
    except ValueError:
        return f"endpoint {subscription.endpoint} is not a queue ARN"
    queue = sqs_backends[account][region].queues.get(name)
    if queue is None:
        return f"queue {subscription.endpoint} does not exist"
    values = {"aws:SourceArn": subscription.topic.arn, "aws:SourceAccount": subscription.topic.account_id}
    refusal = check_delivery(queue.policy, "sns.amazonaws.com", "sqs", None, values, subscription.endpoint)
    return f"queue policy of {name}: {refusal}" if refusal else ""


def publish(self, message, message_id, *args, **kwargs):
    if self.protocol != "sqs":
        return _original_publish(self, message, message_id, *args, **kwargs)
    refusal = _refusal(self)
    if refusal:
        FAILURES.append({"subscription": self.arn, "endpoint": self.endpoint, "message": refusal})
        sys.stderr.write(f"[rootlock-emulator] SNS did not deliver to {self.endpoint}: {refusal}\n")
        return None
    own_account = self.account_id
    self.account_id = split_arn(self.endpoint)[3]  # moto sends to the queue in the subscription's account
    try:
        return _original_publish(self, message, message_id, *args, **kwargs)
    finally:
        self.account_id = own_account


def install() -> None:
    sns_models.Subscription.publish = publish

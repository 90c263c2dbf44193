"""SNS gap: a subscription never stays pending. AWS keeps an email/https subscription `PendingConfirmation` until the
destination confirms it; List(Subscriptions|SubscriptionsByTopic) then show `SubscriptionArn: "PendingConfirmation"`
and GetSubscriptionAttributes `PendingConfirmation: "true"`
(https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html). moto confirms at once, which is kept
(Terraform accepts both); a test makes one pending the way an unclicked confirmation link leaves it:

Harness (not AWS): `POST /moto-api/rootlock/sns-pending?subscriptionArn=ARN`; the list operations then report it as
AWS does.
"""
import json

from moto.core.responses import ActionResult
from moto.moto_api._internal import urls as moto_api_urls
from moto.sns.models import sns_backends
from moto.sns.responses import SNSResponse


def _pending(sub) -> bool:
    return str(sub.attributes.get("PendingConfirmation", False)).lower() == "true"


def _as_listed(sub) -> dict:
    return {
        "SubscriptionArn": "PendingConfirmation" if _pending(sub) else sub.arn,
        "Owner": sub.owner,
        "Protocol": sub.protocol,
        "Endpoint": sub.endpoint,
        "TopicArn": sub.topic.arn,
    }


def list_subscriptions_by_topic(self) -> ActionResult:
    subs, next_token = self.backend.list_subscriptions_by_topic(self._get_param("TopicArn"), next_token=self._get_param("NextToken"))
    return ActionResult({"Subscriptions": [_as_listed(s) for s in subs], "NextToken": next_token})


def list_subscriptions(self) -> ActionResult:
    subs, next_token = self.backend.list_subscriptions(next_token=self._get_param("NextToken"))
    return ActionResult({"Subscriptions": [_as_listed(s) for s in subs], "NextToken": next_token})


def mark_pending(request, full_url, headers):  # noqa: ARG001 - moto's handler signature
    arn = request.args.get("subscriptionArn", "")
    for _account, by_region in list(sns_backends.items()):
        for _region, backend in list(by_region.items()):
            sub = backend.subscriptions.get(arn)
            if sub is not None:
                sub.attributes["PendingConfirmation"] = "true"
                sub.attributes["ConfirmationWasAuthenticated"] = "false"
                return 200, {"Content-Type": "application/json"}, json.dumps({"SubscriptionArn": arn, "PendingConfirmation": "true"})
    return 404, {}, json.dumps({"Error": f"no subscription {arn}"})


def install() -> None:
    SNSResponse.list_subscriptions_by_topic = list_subscriptions_by_topic
    SNSResponse.list_subscriptions = list_subscriptions
    moto_api_urls.url_paths["{0}/moto-api/rootlock/sns-pending"] = mark_pending

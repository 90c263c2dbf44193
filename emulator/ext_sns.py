"""SNS: keep the emulator off the internet.

moto 5.2.1 delivers a message published to an http/https subscription with `requests.post(endpoint)` and no
timeout, so a test that publishes to a topic with a real https subscriber (PagerDuty, Opsgenie...) would try to reach
the internet and hang where there is none. Delivery goes only to loopback endpoints (127.0.0.1, ::1, localhost),
with a 5 s timeout; any other endpoint is recorded (in `DELIVERIES`, for diagnostics) and not contacted.
Subscribing never contacts the endpoint (moto confirms http/https/email subscriptions at once, unlike AWS, which
leaves them PendingConfirmation until the endpoint confirms; Terraform accepts both).
"""
from urllib.parse import urlparse

import requests
from moto.sns import models as sns_models

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
DELIVERIES = []

_original_publish = sns_models.Subscription.publish


def publish(self, message, message_id, subject=None, *args, **kwargs):
    if self.protocol in ("http", "https"):
        host = urlparse(self.endpoint).hostname or ""
        if host not in LOOPBACK:
            DELIVERIES.append({"endpoint": self.endpoint, "message_id": message_id, "subject": subject, "delivered": False})
            return None
        post_data = self.get_post_data(message, message_id, subject)
        try:
            requests.post(self.endpoint, json=post_data, headers={"Content-Type": "text/plain; charset=UTF-8"}, timeout=5)
            DELIVERIES.append({"endpoint": self.endpoint, "message_id": message_id, "subject": subject, "delivered": True})
        except requests.RequestException:
            DELIVERIES.append({"endpoint": self.endpoint, "message_id": message_id, "subject": subject, "delivered": False})
        return None
    return _original_publish(self, message, message_id, subject, *args, **kwargs)


def install() -> None:
    sns_models.Subscription.publish = publish

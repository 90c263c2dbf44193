"""Metrics AWS services publish about themselves (helper, not an extension): AWS/Events per rule and AWS/SQS per
queue, put into CloudWatch of the same account and region so alarms on them evaluate (ext_cloudwatch.py).

AWS/Events (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html): Invocations,
FailedInvocations, InvocationsSentToDLQ, dimension RuleName (with EventBusName for a rule on a custom bus).
AWS/SQS (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html):
NumberOfMessagesSent and ApproximateNumberOfMessagesVisible, dimension QueueName. Simplified: published when the
event happens (AWS publishes at one-minute or five-minute granularity).
"""
from datetime import datetime, timezone

from moto.cloudwatch.models import cloudwatch_backends


def put(account: str, region: str, namespace: str, name: str, value: float, dimensions: dict, unit: str = "Count") -> None:
    datum = {"MetricName": name, "Value": value, "Unit": unit, "Timestamp": datetime.now(timezone.utc).replace(tzinfo=None),
             "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]}
    cloudwatch_backends[account][region].put_metric_data(namespace, [datum])


def rule_metric(rule, name: str) -> None:
    bus = getattr(rule, "event_bus_name", "default") or "default"
    dims = {"EventBusName": bus, "RuleName": rule.name} if bus != "default" else {"RuleName": rule.name}
    put(rule.account_id, rule.region_name, "AWS/Events", name, 1.0, dims)


def queue_metrics(account: str, region: str, queue) -> None:
    visible = float(getattr(queue, "approximate_number_of_messages", 0) or 0)
    put(account, region, "AWS/SQS", "ApproximateNumberOfMessagesVisible", visible, {"QueueName": queue.name})

"""SQS gap: moto publishes no AWS/SQS metrics, so an alarm on a queue's depth (the dead-letter queues' watch alarms)
never changes state. Here every message sent or deleted updates ApproximateNumberOfMessagesVisible and a send counts
NumberOfMessagesSent, in CloudWatch of the queue's account and region (`service_metrics.py`)."""
from moto.sqs import models as sqs_models

from service_metrics import put, queue_metrics

_original_send = sqs_models.SQSBackend.send_message
_original_delete = sqs_models.SQSBackend.delete_message


def send_message(self, queue_name, *args, **kwargs):
    message = _original_send(self, queue_name, *args, **kwargs)
    queue = self.queues.get(queue_name)
    if queue is not None:
        put(self.account_id, self.region_name, "AWS/SQS", "NumberOfMessagesSent", 1.0, {"QueueName": queue_name})
        queue_metrics(self.account_id, self.region_name, queue)
    return message


def delete_message(self, queue_name, receipt_handle):
    _original_delete(self, queue_name, receipt_handle)
    queue = self.queues.get(queue_name)
    if queue is not None:
        queue_metrics(self.account_id, self.region_name, queue)


def install() -> None:
    sqs_models.SQSBackend.send_message = send_message
    sqs_models.SQSBackend.delete_message = delete_message

"""CloudWatch gap: cross-account alarms (issue 24: the security account watches each member's forwarding dead-letter
queue).

* moto 5.2.1's PutMetricAlarm drops `MetricDataQuery.AccountId`, so DescribeAlarms never returns it and Terraform's
  `metric_query.account_id` would show a diff after every apply. Here each stored query keeps the AccountId it was
  sent with (the rest of the query, Id, Label, Period, ReturnData, MetricStat, Expression, moto keeps), and the
  serializer returns it as `AccountId`.
* moto's CreateServiceLinkedRole names the role for `cloudwatch-crossaccount.amazonaws.com`
  `AWSServiceRoleForcloudwatch-crossaccount`; AWS names it `AWSServiceRoleForCloudWatchCrossAccount` (PutMetricAlarm
  API reference, "Cross-account alarms": "a service-linked role named AWSServiceRoleForCloudWatchCrossAccount"),
  path `/aws-service-role/cloudwatch-crossaccount.amazonaws.com/` (moto's path rule, as AWS's service-linked roles).

Evaluation of such alarms, and the prerequisites that let them read another account: alarm_source.py and
ext_cloudwatch.py.
"""
from moto.cloudwatch.responses import CloudWatchResponse
from moto.iam import models as iam_models

from alarm_source import LINKED_ROLE

_original_put_metric_alarm = CloudWatchResponse.put_metric_alarm


def put_metric_alarm(self):
    result = _original_put_metric_alarm(self)
    sent = self._get_param("Metrics", []) or []
    alarm = self.cloudwatch_backend.alarms.get(self._get_param("AlarmName"))
    if alarm is not None:
        for query, as_sent in zip(alarm.metric_data_queries or [], sent):
            query.account_id = as_sent.get("AccountId")
    return result


def install() -> None:
    CloudWatchResponse.put_metric_alarm = put_metric_alarm
    # service name -> the part after AWSServiceRoleFor (moto's own table of such names)
    iam_models.SERVICE_NAME_CONVERSION["cloudwatch-crossaccount"] = LINKED_ROLE[len("AWSServiceRoleFor"):]

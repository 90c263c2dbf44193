"""Which metric an alarm watches, and whose CloudWatch data it may read (helper of ext_cloudwatch.py, not an extension).

An alarm watches either the classic single metric (Namespace, MetricName, Dimensions, Period, Statistic, Unit) or,
here, `Metrics` holding exactly one query with a `MetricStat` and `ReturnData` true (the default when omitted, per
MetricDataQuery.ReturnData: "If you omit this, the default of true is used"). Any other `Metrics` (an expression,
several queries, an extended statistic) stays unevaluated, as before.

The query's `AccountId` names the account holding the metric (PutMetricAlarm API reference, MetricDataQuery.AccountId:
"If you are performing a PutMetricAlarm operation, use this to specify which account contains the metric that the
alarm is watching."). Facts, quoted from the PutMetricAlarm API reference, "Cross-account alarms"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html; botocore's
cloudwatch service-2.json carries the same text):

  "You can set an alarm on metrics in the current account, or in another account. To create a cross-account alarm
  that watches a metric in a different account, you must have completed the following pre-requisites: The account
  where the metrics are located (the sharing account) must already have a sharing role named
  CloudWatch-CrossAccountSharingRole ... The policy for that role must grant access to the ID of the account where you
  are creating the alarm. The account where you are creating the alarm (the monitoring account) must already have a
  service-linked role named AWSServiceRoleForCloudWatchCrossAccount to allow CloudWatch to assume the sharing role in
  the sharing account."

And (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Cross-Account-Cross-Region.html): "Cross-Region
functionality is not supported for alarms, so you can't create an alarm in one Region that watches a metric in a
different Region." So an alarm reads only the backend of its own region.

The prerequisites are checked at every evaluation (a role deleted later makes the data invisible again): the
monitoring account holds the service-linked role (name and path as CreateServiceLinkedRole makes them), and the
sharing role's trust policy lets that service-linked role assume it. CloudWatch is taken to assume AS the
service-linked role: the request carries aws:PrincipalArn (the role's ARN), aws:PrincipalAccount and, for an account
in an organization, aws:PrincipalOrgID; a Principal naming the monitoring account (id or root ARN) or the role's ARN
matches (delivery_policy.check). PutMetricAlarm is never refused: AWS documents no check at creation beyond "must
have completed", and a deploy creates the alarms before the member roles exist. Without the prerequisites the
sharing account's data is invisible: no datapoints, so TreatMissingData decides.
"""
from typing import Any, List, NamedTuple, Optional, Tuple

from moto.cloudwatch.models import cloudwatch_backends
from moto.iam.models import iam_backends

from common import org_context, split_arn
from delivery_policy import check

SHARING_ROLE = "CloudWatch-CrossAccountSharingRole"
LINKED_SERVICE = "cloudwatch-crossaccount.amazonaws.com"
LINKED_ROLE = "AWSServiceRoleForCloudWatchCrossAccount"
LINKED_ROLE_PATH = f"/aws-service-role/{LINKED_SERVICE}/"
EVALUATED_STATS = ("Sum", "Average", "Minimum", "Maximum", "SampleCount")


class Source(NamedTuple):
    """The one metric an alarm evaluates: where it lives and how each period is aggregated."""
    account: str
    namespace: str
    metric_name: str
    dimensions: List[Tuple[str, str]]
    period: int
    stat: str
    unit: Optional[str]
    query: Any  # the MetricDataQuery, or None for a classic alarm


def alarm_account(alarm) -> str:
    return split_arn(alarm.alarm_arn)[3]


def _partition(alarm) -> str:
    return split_arn(alarm.alarm_arn)[0]


def source_of(alarm) -> Optional[Source]:
    """The metric the alarm watches, or None when this emulator does not evaluate it."""
    queries = alarm.metric_data_queries or []
    if not queries:
        if not alarm.metric_name or alarm.statistic not in EVALUATED_STATS:
            return None
        return Source(alarm_account(alarm), alarm.namespace, alarm.metric_name, [(d.name, d.value) for d in alarm.dimensions],
                      int(alarm.period), alarm.statistic, alarm.unit, None)
    if len(queries) != 1:
        return None
    query = queries[0]
    stat = query.metric_stat
    if query.expression or stat is None or str(query.return_data).lower() == "false" or stat.stat not in EVALUATED_STATS:
        return None
    metric = stat.metric
    return Source(getattr(query, "account_id", None) or alarm_account(alarm), metric.namespace, metric.metric_name,
                  [(d.name, d.value) for d in metric.dimensions], int(stat.period), stat.stat, stat.unit, query)


def _role(account: str, partition: str, name: str):
    if account not in iam_backends:  # never create an account's IAM backend (it loads every managed policy)
        return None
    backend = dict.get(iam_backends[account], partition)
    if backend is None:
        return None
    return next((r for r in backend.roles.values() if r.name == name), None)


def linked_role_arn(monitor: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{monitor}:role{LINKED_ROLE_PATH}{LINKED_ROLE}"


def cross_account_refusal(monitor: str, sharing: str, partition: str = "aws") -> Optional[str]:
    """None when CloudWatch in `monitor` may read `sharing`'s metrics now; otherwise why not (one line)."""
    if monitor == sharing:
        return None
    linked = _role(monitor, partition, LINKED_ROLE)
    if linked is None or linked.path != LINKED_ROLE_PATH:
        return f"the monitoring account {monitor} has no service-linked role {LINKED_ROLE}"
    shared = _role(sharing, partition, SHARING_ROLE)
    if shared is None:
        return f"the sharing account {sharing} has no role {SHARING_ROLE}"
    caller = linked_role_arn(monitor, partition)
    context = {"aws:PrincipalArn": caller, "aws:PrincipalAccount": monitor}
    org = org_context(monitor, partition)
    if org is not None:
        context["aws:PrincipalOrgID"] = org.org.id
    refusal = check(shared.assume_role_policy_document, caller, ["sts:AssumeRole"], context)
    return None if refusal is None else f"trust policy of {SHARING_ROLE} in {sharing}: {refusal}"


def data_backend(alarm, source: Source):
    """The CloudWatch backend holding the metric (the alarm's own region), or None when its data is invisible."""
    if cross_account_refusal(alarm_account(alarm), source.account, _partition(alarm)) is not None:
        return None
    if source.account not in cloudwatch_backends:
        return None
    return dict.get(cloudwatch_backends[source.account], alarm.region_name)


def watchers(account: str, region: str, namespace: str, names: set):
    """(backend, alarm) of every alarm in `region`, in any account, that watches one of `names` of `account`."""
    for per_account in list(cloudwatch_backends.values()):
        backend = dict.get(per_account, region)
        if backend is None:
            continue
        for alarm in list(backend.alarms.values()):
            source = source_of(alarm)
            if source is not None and source.account == account and source.namespace == namespace and source.metric_name in names:
                yield backend, alarm


def trigger_metrics(source: Source) -> List[dict]:
    """The alarm's query as the notification's Trigger.Metrics and the state-change event describe it."""
    query = source.query
    stat = {"Metric": {"Dimensions": [{"value": v, "name": n} for n, v in source.dimensions], "MetricName": source.metric_name,
                       "Namespace": source.namespace}, "Period": source.period, "Stat": source.stat}
    if source.unit:
        stat["Unit"] = source.unit
    out = {"Id": query.id, "MetricStat": stat, "ReturnData": True}
    if getattr(query, "account_id", None):
        out["AccountId"] = query.account_id
    if query.label:
        out["Label"] = query.label
    return [out]

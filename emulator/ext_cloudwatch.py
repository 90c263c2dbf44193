"""CloudWatch gap: moto 5.2.1 stores metric data and alarms but never evaluates an alarm, so no alarm ever fires.

Here every PutMetricData (from the API or from a log metric filter, see ext_logs_delivery.py) evaluates the alarms on
that metric (namespace, name, same dimensions), modelled on "Using Amazon CloudWatch alarms"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html), simplified:

* Evaluation happens when data arrives, not on a timer. The window is the last EvaluationPeriods periods of Period
  seconds ending now; each period's datapoints are aggregated with the alarm's Statistic (Sum, Average, Minimum,
  Maximum, SampleCount); the alarm is breaching when at least DatapointsToAlarm (default EvaluationPeriods) periods
  compare true with the ComparisonOperator. Only datapoints of the alarm's Unit count when it names one. Periods
  without data follow TreatMissingData: notBreaching (good), breaching (bad), ignore (the state is kept), missing
  (default: a window with no data at all is INSUFFICIENT_DATA). Alarms start in INSUFFICIENT_DATA ("Unchecked:
  Initial alarm creation"); updating an alarm keeps its state, as AWS does. Extended statistics and metric-math
  alarms are not evaluated.
* An alarm defined by `Metrics` with one `MetricStat` query (ReturnData true) is evaluated the same way, on the
  query's Period and Stat, reading the query's `AccountId` (default: the alarm's own account) in the alarm's own
  region, and only while that account shares its data with the alarm's (alarm_source.py: the cross-account
  prerequisites of the PutMetricAlarm API reference, checked at each evaluation; otherwise no data). Data put in one
  account evaluates the alarms of every account of that region that watch it (alarm_source.watchers). The query's
  AccountId is kept and read back (ext_cloudwatch_crossaccount.py).
* Every state change is an AWS service event `CloudWatch Alarm State Change` (source aws.cloudwatch; detail alarmName,
  state, previousState, configuration) on the default bus of the alarm's account and region, whatever its actions
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html), and an entry of
  DescribeAlarmHistory (StateUpdate; Action for a failed action).
* An alarm in ALARM whose window had emptied before the new data arrived first returns to OK (AWS would have done so
  at its next evaluation), so each new burst is a new OK -> ALARM transition and notifies again, as in AWS. Reading
  alarms (DescribeAlarms) re-evaluates those in ALARM the same way, so a reader sees the alarm back in OK once its
  window holds no breaching period, as it would after AWS's next periodic evaluation.
* A state change runs the actions of the new state (AlarmActions / OKActions) when ActionsEnabled: an SNS topic gets
  the alarm notification JSON (AlarmName, NewStateValue, NewStateReason, StateChangeTime, Trigger...), published as
  cloudwatch.amazonaws.com, so the topic policy and its KMS key policy are checked where the facts cover them
  (ext_events_delivery.publish_checked). `Region` holds the region code, not its long name. A refused publish is
  recorded in the alarm history as a failed action, as AWS does, and in FAILURES.
* GetMetricData over metric data of both kinds: moto stores API datapoints with naive UTC times and compares them with
  the request's times, while metric filters and service metrics here are stamped timezone-aware; moto then fails
  ("can't compare offset-naive and offset-aware datetimes"). Both are UTC, so the query compares them as aware.
"""
import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

from moto.cloudwatch import models as cw_models
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.utils import utcnow

from alarm_lifecycle import install_alarm_lifecycle, record_history, state_change_event
from alarm_source import Source, data_backend, source_of, trigger_metrics, watchers
from ext_events_delivery import DeliveryFailure, publish_checked

FAILURES: List[Dict[str, str]] = []

COMPARE = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}

_original_put_metric_data = cw_models.CloudWatchBackend.put_metric_data
_original_describe_alarms = CloudWatchResponse.describe_alarms


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)


def _values(datum) -> List[float]:
    return [datum.value] if hasattr(datum, "value") else [datum.sum_stat / max(datum.sample_count, 1)] * int(datum.sample_count)


def _statistic(name: str, values: List[float]) -> float:
    if name == "Sum":
        return sum(values)
    if name == "Average":
        return sum(values) / len(values)
    if name == "Minimum":
        return min(values)
    if name == "Maximum":
        return max(values)
    return float(len(values))


def _period_values(alarm, source: Source, end: datetime, exclude: set) -> List[Any]:
    """The aggregated value of each period of the window ending at `end`, newest first; None for a period without data
    (every period when the metric's account does not share its data with the alarm's, alarm_source.py)."""
    backend = data_backend(alarm, source)
    dims = [{"Name": n, "Value": v} for n, v in source.dimensions]
    data = [d for d in (backend.metric_data if backend is not None else []) if id(d) not in exclude
            and d.filter(source.namespace, source.metric_name, dims) and len(d.dimensions) == len(dims)
            and (not source.unit or getattr(d, "unit", None) == source.unit)]
    out: List[Any] = []
    for i in range(int(alarm.evaluation_periods)):
        stop = end - timedelta(seconds=i * source.period)
        start = stop - timedelta(seconds=source.period)
        values = [v for d in data if start < _aware(d.timestamp) <= stop for v in _values(d)]
        out.append(_statistic(source.stat, values) if values else None)
    return out


def _state_for(alarm, end: datetime, exclude: set):
    """(state, reason) the alarm evaluates to, or None to keep its state (TreatMissingData ignore, or not evaluated)."""
    compare = COMPARE.get(alarm.comparison_operator)
    source = source_of(alarm)
    if compare is None or source is None:
        return None
    values = _period_values(alarm, source, end, exclude)
    treat = alarm.treat_missing_data or "missing"
    needed = int(alarm.datapoints_to_alarm or alarm.evaluation_periods)
    if all(v is None for v in values):
        return {"notBreaching": ("OK", "Threshold Crossed: no datapoints were received: treated as not breaching."),
                "breaching": ("ALARM", "Threshold Crossed: no datapoints were received: treated as breaching."),
                "missing": ("INSUFFICIENT_DATA", "Insufficient Data: no datapoints were received.")}.get(treat)
    breaching = [v for v in values if v is not None and compare(v, float(alarm.threshold))]
    count = len(breaching) + (sum(1 for v in values if v is None) if treat == "breaching" else 0)
    if count >= needed:
        shown = ", ".join(str(v) for v in breaching)
        return "ALARM", f"Threshold Crossed: {len(breaching)} datapoint(s) [{shown}] crossed the threshold ({float(alarm.threshold)})."
    return "OK", "Threshold Crossed: no datapoints were breaching the threshold."


def _trigger(alarm) -> Dict[str, Any]:
    common = {"Period": int(alarm.period or 0), "EvaluationPeriods": int(alarm.evaluation_periods),
              "ComparisonOperator": alarm.comparison_operator, "Threshold": float(alarm.threshold),
              "TreatMissingData": alarm.treat_missing_data or "missing", "EvaluateLowSampleCountPercentile": ""}
    source = source_of(alarm)
    if alarm.metric_data_queries:  # a Metrics alarm: its query instead of the single metric (and no alarm Period)
        del common["Period"]
        return dict(common, Metrics=trigger_metrics(source) if source is not None else [])
    return {
        "MetricName": alarm.metric_name, "Namespace": alarm.namespace, "StatisticType": "Statistic",
        "Statistic": (alarm.statistic or "").upper(), "Unit": alarm.unit,
        "Dimensions": [{"name": d.name, "value": d.value} for d in alarm.dimensions], **common,
    }


def _notification(alarm, account_id: str, old_state: str, reason: str) -> str:
    return json.dumps({
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account_id,
        "AlarmConfigurationUpdatedTimestamp": alarm.configuration_updated_timestamp.isoformat(),
        "NewStateValue": alarm.state_value,
        "NewStateReason": reason,
        "StateChangeTime": _aware(alarm.state_updated_timestamp).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "Region": alarm.region_name,
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "OKActions": alarm.ok_actions,
        "AlarmActions": alarm.alarm_actions,
        "InsufficientDataActions": alarm.insufficient_data_actions,
        "Trigger": _trigger(alarm),
    })


def _transition(backend, alarm, state: str, reason: str) -> None:
    old, old_reason, old_time = alarm.state_value, alarm.state_reason, _aware(alarm.state_updated_timestamp)
    alarm.update_state(reason, json.dumps({"version": "1.0"}), state)
    record_history(alarm, "StateUpdate", f"Alarm updated from {old} to {state}", {"oldState": {"stateValue": old}, "newState": {"stateValue": state, "stateReason": reason}})
    state_change_event(backend, alarm, (old, old_reason, old_time))
    actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions}.get(state, alarm.insufficient_data_actions)
    if not alarm.actions_enabled:
        return
    for action in actions or []:
        if ":sns:" not in action:
            continue
        try:
            publish_checked(action, _notification(alarm, backend.account_id, old, reason), "cloudwatch.amazonaws.com",
                            {"aws:SourceAccount": backend.account_id, "aws:SourceArn": alarm.alarm_arn},
                            subject=f'{state}: "{alarm.name}" in {alarm.region_name}'[:100])
        except DeliveryFailure as failure:
            FAILURES.append({"alarm": alarm.alarm_arn, "action": action, "code": failure.code, "message": failure.message})
            alarm.history.append(("Action", f"Failed to execute action {action}: {failure.message}", "{}", state, utcnow()))
            record_history(alarm, "Action", f"Failed to execute action {action}", {"actionState": "Failed", "error": failure.message})


def evaluate_alarm(backend, alarm, now: datetime, new_data: set) -> None:
    """As AWS's periodic evaluation would have left it before the new data (window without it), then with it."""
    for exclude in (new_data, set()) if new_data else (set(),):
        target = _state_for(alarm, now, exclude)
        if target is not None and target[0] != alarm.state_value:
            _transition(backend, alarm, target[0], target[1])


def evaluate(backend, namespace: str, names: set, new_data: set) -> None:
    """Every alarm of the data's region that watches it: the account's own and other accounts' cross-account alarms."""
    now = datetime.now(timezone.utc)
    for alarm_backend, alarm in list(watchers(backend.account_id, backend.region_name, namespace, names)):
        evaluate_alarm(alarm_backend, alarm, now, new_data)


def put_metric_data(self, namespace: str, metric_data: List[Dict[str, Any]]) -> None:
    before = {id(d) for d in self.metric_data}
    _original_put_metric_data(self, namespace, metric_data)
    new_data = {id(d) for d in self.metric_data} - before
    evaluate(self, namespace, {m["MetricName"] for m in metric_data}, new_data)


def describe_alarms(self):
    """Reading alarms stands in for AWS's periodic evaluation (no timer here)."""
    backend = self.cloudwatch_backend
    now = datetime.now(timezone.utc)
    for alarm in list(backend.alarms.values()):
        evaluate_alarm(backend, alarm, now, set())
    return _original_describe_alarms(self)


_original_get_metric_data = cw_models.CloudWatchBackend.get_metric_data


def get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):
    # Service metrics (aws_metric_data) are made afresh on every read: read them once, and let the query see that list.
    data = self.get_all_metrics()
    stamps = [(d, d.timestamp) for d in data]
    try:
        for d in data:
            d.timestamp = _aware(d.timestamp)
        self.get_all_metrics = lambda: data
        return _original_get_metric_data(self, queries, _aware(start_time), _aware(end_time), scan_by)
    finally:
        del self.get_all_metrics
        for d, stamp in stamps:
            d.timestamp = stamp


def install() -> None:
    cw_models.CloudWatchBackend.get_metric_data = get_metric_data
    cw_models.CloudWatchBackend.put_metric_data = put_metric_data
    CloudWatchResponse.describe_alarms = describe_alarms
    install_alarm_lifecycle()

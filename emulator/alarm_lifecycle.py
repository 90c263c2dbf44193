"""CloudWatch alarm lifecycle (helper of ext_cloudwatch.py, not an extension): initial state, state kept on update,
DescribeAlarmHistory, and the `CloudWatch Alarm State Change` event of every transition.

AWS: a new alarm is INSUFFICIENT_DATA until first evaluated; PutMetricAlarm on an existing alarm overwrites its
configuration and leaves its state (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html);
every state change is sent to EventBridge on the default bus of the alarm's account and region
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html), shaped as
__tests__/fixtures/events/forwarding-alarm-in-alarm.json shows.
"""
import json
from datetime import datetime, timezone
from typing import Any, Dict, Tuple

from moto.cloudwatch import models as cw_models
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from alarm_source import source_of
from cloudtrail_records import service_event, to_default_bus

INITIAL_REASON = "Unchecked: Initial alarm creation"
_original_init = cw_models.Alarm.__init__
_original_put_metric_alarm = cw_models.CloudWatchBackend.put_metric_alarm


def _ts(when: datetime) -> str:
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+0000"


def record_history(alarm, item_type: str, summary: str, data: Dict[str, Any]) -> None:
    history = alarm.__dict__.setdefault("rootlock_history", [])
    history.append({"AlarmName": alarm.name, "AlarmType": "MetricAlarm", "Timestamp": datetime.now(timezone.utc),
                    "HistoryItemType": item_type, "HistorySummary": summary, "HistoryData": json.dumps(data)})


def _event_metrics(alarm):
    """configuration.metrics: the single metric, or the one MetricStat query of a Metrics alarm (its Id)."""
    source = source_of(alarm)
    if source is None:
        return []
    metric = {"namespace": source.namespace, "name": source.metric_name, "dimensions": dict(source.dimensions)}
    query_id = source.query.id if source.query is not None else "m1"
    return [{"id": query_id, "metricStat": {"metric": metric, "period": source.period, "stat": source.stat}, "returnData": True}]


def state_change_event(backend, alarm, previous: Tuple[str, str, datetime]) -> None:
    old_value, old_reason, old_time = previous
    metrics = _event_metrics(alarm)
    detail = {
        "alarmName": alarm.name,
        "state": {"value": alarm.state_value, "reason": alarm.state_reason, "timestamp": _ts(alarm.state_updated_timestamp)},
        "previousState": {"value": old_value, "reason": old_reason, "timestamp": _ts(old_time)},
        "configuration": {
            "description": alarm.description or "",
            "metrics": metrics,
        },
    }
    event = service_event(backend.account_id, backend.region_name, "aws.cloudwatch", "CloudWatch Alarm State Change", detail, [alarm.alarm_arn])
    to_default_bus(backend.account_id, backend.region_name, event)


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.state_value = "INSUFFICIENT_DATA"
    self.state_reason = INITIAL_REASON


def put_metric_alarm(self, name, *args, **kwargs):
    old = self.alarms.get(name)
    alarm = _original_put_metric_alarm(self, name, *args, **kwargs)
    if old is not None and old is not alarm:
        for attr in ("state_value", "state_reason", "state_reason_data", "state_updated_timestamp", "history"):
            setattr(alarm, attr, getattr(old, attr))
        alarm.rootlock_history = old.__dict__.get("rootlock_history", [])
        record_history(alarm, "ConfigurationUpdate", f'Alarm "{name}" updated', {"type": "Update"})
    else:
        record_history(alarm, "ConfigurationUpdate", f'Alarm "{name}" created', {"type": "Create"})
    return alarm


def describe_alarm_history(self) -> ActionResult:
    name = self._get_param("AlarmName")
    item_type = self._get_param("HistoryItemType")
    newest_first = self._get_param("ScanBy", "TimestampDescending") != "TimestampAscending"
    items = [i for a in self.cloudwatch_backend.alarms.values() if not name or a.name == name for i in a.__dict__.get("rootlock_history", [])]
    items = [i for i in items if not item_type or i["HistoryItemType"] == item_type]
    items.sort(key=lambda i: i["Timestamp"], reverse=newest_first)
    limit = int(self._get_param("MaxRecords") or 100)
    return ActionResult({"AlarmHistoryItems": items[:limit]})


def install_alarm_lifecycle() -> None:
    cw_models.Alarm.__init__ = _init
    cw_models.CloudWatchBackend.put_metric_alarm = put_metric_alarm
    CloudWatchResponse.describe_alarm_history = describe_alarm_history

"""CloudWatch Logs gap: moto 5.2.1 stores metric filters but a log event that matches one produces no metric.

Here PutLogEvents runs every metric filter of the log group over each accepted event with the same pattern engine as
TestMetricFilter (`filter_pattern.py`), and a match puts the filter's metric (metricTransformations: metricName,
metricNamespace, metricValue "1"/a number or `$.field`/`$field` from the event, unit, dimensions from `$.field`) into
CloudWatch of the same account and region, timestamped with the log event, as described in "Creating metrics from log
events using filters" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html). CloudWatch
then evaluates the alarms on that metric (ext_cloudwatch.py). Simplified: defaultValue (emitted by AWS for events
that do not match) is not emitted; it changes no Sum/Maximum alarm above zero.
"""
import json
from datetime import datetime, timezone
from typing import Any, Dict, Optional

from moto.cloudwatch.models import cloudwatch_backends
from moto.logs import models as logs_models

from filter_pattern import PatternError, compile_pattern

_original_put_log_events = logs_models.LogsBackend.put_log_events


def _field(message: str, extracted: Dict[str, str], ref: str) -> Optional[str]:
    if ref.startswith("$."):
        try:
            node: Any = json.loads(message)
        except ValueError:
            return None
        for part in ref[2:].split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node if isinstance(node, str) else json.dumps(node)
    return extracted.get(ref[1:]) if ref.startswith("$") else ref


def _metric(transformation: Dict[str, Any], message: str, extracted: Dict[str, str], ts: datetime) -> Optional[Dict[str, Any]]:
    raw = _field(message, extracted, str(transformation.get("metricValue", "1")))
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        value = None
    if value is None:
        return None
    datum: Dict[str, Any] = {"MetricName": transformation["metricName"], "Value": value, "Timestamp": ts}
    if transformation.get("unit"):
        datum["Unit"] = transformation["unit"]
    dims = [{"Name": k, "Value": _field(message, extracted, v)} for k, v in (transformation.get("dimensions") or {}).items()]
    if dims and all(d["Value"] is not None for d in dims):
        datum["Dimensions"] = dims
    return datum


def put_log_events(self, log_group_name: str, log_stream_name: str, log_events):
    result = _original_put_log_events(self, log_group_name, log_stream_name, log_events)
    rejected = result[1] if isinstance(result, tuple) else {}
    accepted = [e for i, e in enumerate(log_events)
                if not (i <= rejected.get("tooOldLogEventEndIndex", -1) or i >= rejected.get("tooNewLogEventStartIndex", len(log_events)))]
    filters = self.filters.get_matching_filters(log_group_name=log_group_name)
    cloudwatch = cloudwatch_backends[self.account_id][self.region_name]
    for f in filters:
        try:
            matcher = compile_pattern(f["filterPattern"])
        except PatternError:
            continue
        for event in accepted:
            matched, extracted = matcher(event["message"])
            if not matched:
                continue
            ts = datetime.fromtimestamp(event["timestamp"] / 1000, tz=timezone.utc)
            for t in f["metricTransformations"]:
                datum = _metric(t, event["message"], extracted, ts)
                if datum is not None:
                    cloudwatch.put_metric_data(t["metricNamespace"], [datum])
    return result


def install() -> None:
    logs_models.LogsBackend.put_log_events = put_log_events

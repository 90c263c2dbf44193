"""Time-driven behaviour moto 5.2.1 lacks, for the heartbeat tests (added by the `silence` helper; opt-in):

* Scheduled rules fire. A rule with ScheduleExpression `rate(N minute|minutes|hour|hours|day|days)` delivers a
  "Scheduled Event" (source aws.events, resources [the rule ARN], empty detail) to its targets every N units, as
  EventBridge does (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-event.html). Cron
  expressions are not fired.
* Alarms that treat missing data as breaching are evaluated on a timer (ext_cloudwatch.py evaluates on new data only):
  when at least DatapointsToAlarm of the last EvaluationPeriods periods are missing or breaching, the alarm goes to
  ALARM and runs its actions, as AWS's periodic evaluation does
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data).
* A disabled KMS key refuses: a service publishing to a topic encrypted with a disabled key fails (KMS.DisabledException),
  as SNS does when it cannot use the topic's key.

Opt-in by the environment of the emulator process: ROOTLOCK_EMULATOR_CLOCK=1 starts the timer;
ROOTLOCK_EMULATOR_SCHEDULE_SCALE=S runs schedules S times faster (rate(5 minutes) with S=300 fires every second), so a
test sees several heartbeats in seconds. Alarm periods are not scaled: a test gives its alarm a short period.
"""
import copy
import os
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from moto.cloudwatch import models as cw_models
from moto.core.utils import unix_time
from moto.events import models as ev_models
from moto.kms.models import kms_backends

import ext_cloudwatch
import ext_events_delivery
from ext_events_delivery import DeliveryFailure

UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}
_last_fired = {}
_lock = threading.Lock()


def _rate_seconds(expression):
    if not expression or not expression.startswith("rate(") or not expression.endswith(")"):
        return None
    parts = expression[5:-1].split()
    if len(parts) != 2 or parts[1] not in UNITS:
        return None
    return int(parts[0]) * UNITS[parts[1]]


def _fire_schedules(scale: float) -> None:
    now = time.time()
    for account, regions in list(ev_models.events_backends.items()):
        for region, backend in list(regions.items()):
            for bus in list(backend.event_buses.values()):
                for rule in list(bus.rules.values()):
                    seconds = _rate_seconds(getattr(rule, "scheduled_expression", None))
                    if seconds is None or rule.state == "DISABLED":
                        continue
                    key = rule.arn
                    if now - _last_fired.get(key, 0) < seconds / scale:
                        continue
                    _last_fired[key] = now
                    event = copy.deepcopy(ev_models._BASE_EVENT_MESSAGE)
                    event.update({"id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events", "account": account,
                                  "time": unix_time(), "region": region, "resources": [rule.arn], "detail": {}, "ingestion-time": unix_time()})
                    try:
                        rule.send_to_targets(event)
                    except Exception:  # noqa: BLE001 - the clock keeps ticking; the error is shown
                        import traceback

                        traceback.print_exc()


def _evaluate_missing_data() -> None:
    now = datetime.now(timezone.utc)
    for account, regions in list(cw_models.cloudwatch_backends.items()):
        for region, backend in list(regions.items()):
            for alarm in list(backend.alarms.values()):
                if alarm.treat_missing_data != "breaching" or alarm.state_value == "ALARM" or not alarm.metric_name:
                    continue
                compare = ext_cloudwatch.COMPARE.get(alarm.comparison_operator)
                if compare is None or not alarm.statistic:
                    continue
                dims = [{"Name": d.name, "Value": d.value} for d in alarm.dimensions]
                data = [d for d in backend.metric_data if d.filter(alarm.namespace, alarm.metric_name, dims) and len(d.dimensions) == len(dims)]
                period = int(alarm.period)
                created = ext_cloudwatch._aware(alarm.configuration_updated_timestamp)
                if now - created < timedelta(seconds=period * int(alarm.evaluation_periods)):
                    continue  # a fresh alarm has not seen a whole window yet
                breaching = 0
                for i in range(int(alarm.evaluation_periods)):
                    stop = now - timedelta(seconds=i * period)
                    start = stop - timedelta(seconds=period)
                    values = [v for d in data if start < ext_cloudwatch._aware(d.timestamp) <= stop for v in ext_cloudwatch._values(d)]
                    if not values or compare(ext_cloudwatch._statistic(alarm.statistic, values), float(alarm.threshold)):
                        breaching += 1
                if breaching >= int(alarm.datapoints_to_alarm or alarm.evaluation_periods):
                    ext_cloudwatch._transition(backend, alarm, "ALARM",
                                               f"Threshold Crossed: {breaching} datapoint(s) were missing or breaching (treat missing data as breaching).")


def _tick() -> None:
    scale = float(os.environ.get("ROOTLOCK_EMULATOR_SCHEDULE_SCALE", "1") or "1")
    while True:
        time.sleep(0.25)
        with _lock:
            try:
                _fire_schedules(scale)
                _evaluate_missing_data()
            except Exception:  # noqa: BLE001 - the clock must keep ticking
                import traceback

                traceback.print_exc()


_inner_publish = ext_events_delivery.publish_checked


def publish_checked(topic_arn, message, principal, values, subject=None):
    from moto.sns.models import sns_backends
    parts = topic_arn.split(":")
    region, account = parts[3], parts[4]
    topic = sns_backends[account][region].topics.get(topic_arn)
    if topic is not None and topic.kms_master_key_id:
        key = ext_events_delivery._kms_key_policy(account, region, topic.kms_master_key_id)
        if getattr(key, "key_state", "Enabled") != "Enabled":
            raise DeliveryFailure("KMS.DisabledException", f"KMS key {key.id} of topic {topic_arn} is {key.key_state}")
    return _inner_publish(topic_arn, message, principal, values, subject=subject)


def install() -> None:
    # A forwarded event has no moto-internal ingestion-time; moto's own targets (log groups) read it.
    from moto.events.utils import EventTemplateParser
    original_parse = EventTemplateParser.parse

    def parse(input_template, input_paths_map, event):
        # A forwarded event arrives as AWS shapes it (ISO time, no moto-internal ingestion-time); moto's own targets
        # (log groups) expect the epoch numbers moto made itself.
        if "ingestion-time" not in event:
            event = {**event, "ingestion-time": unix_time()}
        if isinstance(event.get("time"), str):
            event = {**event, "time": datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()}
        out = original_parse(input_template, input_paths_map, event)
        if not input_template and isinstance(out, dict) and "account" in event:
            out.setdefault("account", event["account"])  # AWS delivers the whole event, account included
        return out

    EventTemplateParser.parse = staticmethod(parse)
    # Every caller looks publish_checked up in its own module at call time.
    ext_events_delivery.publish_checked = publish_checked
    ext_cloudwatch.publish_checked = publish_checked
    if os.environ.get("ROOTLOCK_EMULATOR_CLOCK") == "1":
        threading.Thread(target=_tick, name="rootlock-clock", daemon=True).start()

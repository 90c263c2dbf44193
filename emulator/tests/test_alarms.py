"""Alarms and the metrics AWS services publish: initial state, TreatMissingData, Unit, state-change events on every
transition, DescribeAlarmHistory, AWS/Events and AWS/SQS metrics driving the watch alarms."""
import json
import unittest

from support import Emulator, drain, queue_with_open_policy

EMU = None


def setUpModule():
    global EMU
    EMU = Emulator()


def tearDownModule():
    EMU.stop()


class Alarms(unittest.TestCase):
    def setUp(self):
        EMU.reset()
        self.cw = EMU.client("cloudwatch")
        self.events = EMU.client("events")
        self.inbox_url, inbox_arn = queue_with_open_policy(EMU, "changes")
        self.events.put_rule(Name="alarm-changes", EventPattern=json.dumps({"source": ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"]}))
        self.events.put_targets(Rule="alarm-changes", Targets=[{"Id": "q", "Arn": inbox_arn}])

    def alarm(self, name, metric, treat="notBreaching", unit=None, namespace="Test", dims=None):
        extra = {"Unit": unit} if unit else {}
        self.cw.put_metric_alarm(AlarmName=name, Namespace=namespace, MetricName=metric, Statistic="Sum", Period=60, EvaluationPeriods=1,
                                 Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData=treat,
                                 Dimensions=dims or [], **extra)

    def state(self, name):
        return self.cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]

    def changes(self):
        return [(e["detail"]["alarmName"], e["detail"]["previousState"]["value"], e["detail"]["state"]["value"]) for e in (json.loads(m["Body"]) for m in drain(EMU, self.inbox_url))]

    def test_new_alarm_is_insufficient_data_until_evaluated_then_follows_treat_missing_data(self):
        self.alarm("missing", "M1", treat="missing")
        self.alarm("good", "M2", treat="notBreaching")
        self.alarm("bad", "M3", treat="breaching")
        raw = {a["AlarmName"]: a["StateValue"] for a in self.cw.describe_alarms(AlarmNames=["missing"])["MetricAlarms"]}
        self.assertEqual(raw, {"missing": "INSUFFICIENT_DATA"})
        self.assertEqual((self.state("good"), self.state("bad")), ("OK", "ALARM"))
        self.assertEqual(sorted(self.changes()), [("bad", "INSUFFICIENT_DATA", "ALARM"), ("good", "INSUFFICIENT_DATA", "OK")])

    def test_every_transition_is_an_event_and_in_the_history(self):
        self.alarm("a", "M")
        self.state("a")
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "M", "Value": 1}])
        self.assertEqual(self.state("a"), "ALARM")
        self.assertEqual(self.changes(), [("a", "INSUFFICIENT_DATA", "OK"), ("a", "OK", "ALARM")])
        history = self.cw.describe_alarm_history(AlarmName="a", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
        self.assertEqual([h["HistorySummary"] for h in history], ["Alarm updated from OK to ALARM", "Alarm updated from INSUFFICIENT_DATA to OK"])

    def test_updating_an_alarm_keeps_its_state(self):
        self.alarm("a", "M")
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "M", "Value": 5}])
        self.assertEqual(self.state("a"), "ALARM")
        self.alarm("a", "M")
        self.assertEqual(self.cw.describe_alarms(AlarmNames=["a"])["MetricAlarms"][0]["StateValue"], "ALARM")

    def test_unit_is_honoured(self):
        self.alarm("bytes", "M", unit="Bytes")
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "M", "Value": 5, "Unit": "Count"}])
        self.assertEqual(self.state("bytes"), "OK")
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "M", "Value": 5, "Unit": "Bytes"}])
        self.assertEqual(self.state("bytes"), "ALARM")

    def test_failed_invocations_and_dlq_metrics_drive_the_rule_alarm(self):
        dlq_url, dlq_arn = queue_with_open_policy(EMU, "dlq")
        self.alarm("rule-failed", "FailedInvocations", namespace="AWS/Events", dims=[{"Name": "RuleName", "Value": "broken"}])
        self.alarm("dlq-not-empty", "ApproximateNumberOfMessagesVisible", namespace="AWS/SQS", dims=[{"Name": "QueueName", "Value": "dlq"}])
        self.events.put_rule(Name="broken", EventPattern=json.dumps({"source": ["test.y"]}))
        self.events.put_targets(Rule="broken", Targets=[{"Id": "gone", "Arn": "arn:aws:sqs:us-east-1:123456789012:missing", "DeadLetterConfig": {"Arn": dlq_arn}}])
        self.events.put_events(Entries=[{"Source": "test.y", "DetailType": "t", "Detail": "{}"}])
        self.assertEqual((self.state("rule-failed"), self.state("dlq-not-empty")), ("ALARM", "ALARM"))
        sent = self.cw.get_metric_statistics(Namespace="AWS/Events", MetricName="InvocationsSentToDLQ", Dimensions=[{"Name": "RuleName", "Value": "broken"}],
                                             StartTime="2000-01-01T00:00:00Z", EndTime="2100-01-01T00:00:00Z", Period=60, Statistics=["Sum"])
        self.assertEqual(sum(p["Sum"] for p in sent["Datapoints"]), 1)
        self.assertIn(("dlq-not-empty", "OK", "ALARM"), self.changes())


if __name__ == "__main__":
    unittest.main()

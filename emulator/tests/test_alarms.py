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

    def test_set_alarm_state_runs_the_action_of_the_new_state_once_and_returns_at_the_next_evaluation(self):
        # SetAlarmState: "When the updated state differs from the previous value, the action configured for the
        # appropriate state is invoked" (CloudWatch API reference).
        sns = EMU.client("sns")
        topic = sns.create_topic(Name="health")["TopicArn"]
        pager_url, pager_arn = queue_with_open_policy(EMU, "pager")
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=pager_arn)
        self.cw.put_metric_alarm(AlarmName="drill", Namespace="Test", MetricName="Never", Statistic="Sum", Period=300, EvaluationPeriods=1,
                                 Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching", AlarmActions=[topic])
        self.assertEqual(self.state("drill"), "OK")
        self.cw.set_alarm_state(AlarmName="drill", StateValue="ALARM", StateReason="drill run-1")
        self.cw.set_alarm_state(AlarmName="drill", StateValue="ALARM", StateReason="drill run-1 again")  # same state: no action
        sent = [json.loads(json.loads(m["Body"])["Message"]) for m in drain(EMU, pager_url)]
        self.assertEqual([(n["AlarmName"], n["NewStateValue"], n["NewStateReason"]) for n in sent], [("drill", "ALARM", "drill run-1")])
        self.assertEqual(self.state("drill"), "OK")  # back to its actual state (no OK action: nothing sent)
        self.assertEqual(drain(EMU, pager_url), [])
        with self.assertRaises(self.cw.exceptions.ResourceNotFound):
            self.cw.set_alarm_state(AlarmName="absent", StateValue="ALARM", StateReason="x")

    def test_get_metric_data_reads_api_and_log_filter_datapoints_together(self):
        logs = EMU.client("logs")
        logs.create_log_group(logGroupName="beats")
        logs.put_metric_filter(logGroupName="beats", filterName="f", filterPattern='{ $.source = "aws.events" }',
                               metricTransformations=[{"metricName": "Beat", "metricNamespace": "Test", "metricValue": "1", "dimensions": {"Account": "$.account"}}])
        logs.create_log_stream(logGroupName="beats", logStreamName="s")
        import time
        logs.put_log_events(logGroupName="beats", logStreamName="s", logEvents=[{"timestamp": int(time.time() * 1000), "message": json.dumps({"source": "aws.events", "account": "111111111111"})}])
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "Beat", "Value": 1, "Dimensions": [{"Name": "Account", "Value": "222222222222"}]}])
        queue_url, _ = queue_with_open_policy(EMU, "with-metrics")
        EMU.client("sqs").send_message(QueueUrl=queue_url, MessageBody="x")  # AWS/SQS service metrics, read alongside
        q = lambda account: {"Id": f"a{account}", "MetricStat": {"Metric": {"Namespace": "Test", "MetricName": "Beat", "Dimensions": [{"Name": "Account", "Value": account}]}, "Period": 60, "Stat": "Sum"}}
        now = int(time.time())
        out = self.cw.get_metric_data(MetricDataQueries=[q("111111111111"), q("222222222222"), q("333333333333")],
                                      StartTime=now - 600, EndTime=now + 60)["MetricDataResults"]
        self.assertEqual({r["Id"]: sum(r["Values"]) for r in out}, {"a111111111111": 1.0, "a222222222222": 1.0, "a333333333333": 0})


if __name__ == "__main__":
    unittest.main()

"""Black-box probes of what AWS refuses, against the emulator with boto3: each would pass silently in a permissive
emulator and make a product test prove nothing."""
import json
import unittest

from support import MANAGEMENT, Emulator, drain, queue_with_open_policy

EMU = None


def setUpModule():
    global EMU
    EMU = Emulator()


def tearDownModule():
    EMU.stop()


def attrs(message):
    return {k: v["StringValue"] for k, v in message.get("MessageAttributes", {}).items()}


class Refusals(unittest.TestCase):
    def setUp(self):
        EMU.reset()
        self.events = EMU.client("events")

    def test_sns_does_not_deliver_to_a_queue_whose_policy_denies_it(self):
        sqs, sns = EMU.client("sqs"), EMU.client("sns")
        url = sqs.create_queue(QueueName="closed")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}]}
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(deny)})
        topic = sns.create_topic(Name="t")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        sns.publish(TopicArn=topic, Message="hello")
        self.assertEqual(drain(EMU, url), [])
        open_url, open_arn = queue_with_open_policy(EMU, "open")
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=open_arn)
        sns.publish(TopicArn=topic, Message="again")
        self.assertEqual([json.loads(m["Body"])["Message"] for m in drain(EMU, open_url)], ["again"])

    def test_sns_to_a_queue_without_any_policy_is_refused(self):
        sqs, sns = EMU.client("sqs"), EMU.client("sns")
        url = sqs.create_queue(QueueName="no-policy")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        topic = sns.create_topic(Name="t2")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        sns.publish(TopicArn=topic, Message="hello")
        self.assertEqual(drain(EMU, url), [])

    def test_put_rule_refuses_an_unknown_operator(self):
        with self.assertRaises(self.events.exceptions.InvalidEventPatternException):
            self.events.put_rule(Name="bad", EventPattern=json.dumps({"detail": {"eventName": [{"begins-with": "Delete"}]}}))
        with self.assertRaises(self.events.exceptions.InvalidEventPatternException):
            self.events.put_rule(Name="bad2", EventPattern=json.dumps({"source": "aws.iam"}))
        self.events.put_rule(Name="good", EventPattern=json.dumps({"detail": {"eventName": [{"prefix": "Delete"}], "x": [{"exists": False}]}}))

    def test_put_permission_with_a_policy_replaces_the_old_one(self):
        bus_arn = self.events.create_event_bus(Name="central")["EventBusArn"]
        stmt = lambda sid: {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{sid[-12:]}:root"}, "Action": "events:PutEvents", "Resource": bus_arn}  # noqa: E731
        self.events.put_permission(EventBusName="central", Policy=json.dumps({"Version": "2012-10-17", "Statement": [stmt("old111111111111")]}))
        self.events.put_permission(EventBusName="central", Policy=json.dumps({"Version": "2012-10-17", "Statement": [stmt("new222222222222")]}))
        policy = json.loads(self.events.describe_event_bus(Name="central")["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["new222222222222"])

    def test_target_in_another_region_is_not_delivered_and_dead_letters_with_aws_codes(self):
        _, far_arn = queue_with_open_policy(EMU, "far", region="eu-west-1")
        dlq_url, dlq_arn = queue_with_open_policy(EMU, "dlq")
        self.events.put_rule(Name="r", EventPattern=json.dumps({"source": ["test.x"]}))
        self.events.put_targets(Rule="r", Targets=[{"Id": "far", "Arn": far_arn, "DeadLetterConfig": {"Arn": dlq_arn}}])
        self.events.put_events(Entries=[{"Source": "test.x", "DetailType": "t", "Detail": "{}"}])
        self.assertEqual(drain(EMU, EMU.client("sqs", "eu-west-1").get_queue_url(QueueName="far")["QueueUrl"], "eu-west-1"), [])
        dead = drain(EMU, dlq_url)
        self.assertEqual(len(dead), 1)
        a = attrs(dead[0])
        self.assertEqual(a["ERROR_CODE"], "NO_RESOURCE")
        self.assertEqual(set(a), {"RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE", "RETRY_ATTEMPTS"})

    def test_forwarding_role_without_put_events_does_not_deliver(self):
        iam = EMU.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        role = iam.create_role(RoleName="fwd", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        bus_arn = self.events.create_event_bus(Name="central")["EventBusArn"]
        inbox_url, inbox_arn = queue_with_open_policy(EMU, "inbox")
        dlq_url, dlq_arn = queue_with_open_policy(EMU, "dlq")
        self.events.put_rule(Name="c", EventBusName="central", EventPattern=json.dumps({"source": ["test.f"]}))
        self.events.put_targets(Rule="c", EventBusName="central", Targets=[{"Id": "q", "Arn": inbox_arn}])
        self.events.put_rule(Name="f", EventPattern=json.dumps({"source": ["test.f"]}))
        self.events.put_targets(Rule="f", Targets=[{"Id": "bus", "Arn": bus_arn, "RoleArn": role, "DeadLetterConfig": {"Arn": dlq_arn}}])
        self.events.put_events(Entries=[{"Source": "test.f", "DetailType": "t", "Detail": "{}"}])
        self.assertEqual(drain(EMU, inbox_url), [])
        self.assertEqual(attrs(drain(EMU, dlq_url)[0])["ERROR_CODE"], "NO_PERMISSIONS")
        iam.put_role_policy(RoleName="fwd", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": bus_arn}]}))
        self.events.put_events(Entries=[{"Source": "test.f", "DetailType": "t", "Detail": "{}"}])
        self.assertEqual(len(drain(EMU, inbox_url)), 1)

    def test_regex_metric_filter_matches_instead_of_crashing(self):
        out = EMU.client("logs").test_metric_filter(filterPattern="{ $.eventName = %^Delete% }", logEventMessages=[json.dumps({"eventName": "DeleteTrail"}), json.dumps({"eventName": "StartLogging"})])
        self.assertEqual([m["eventNumber"] for m in out["matches"]], [1])


if __name__ == "__main__":
    unittest.main()

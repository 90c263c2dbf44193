"""Alarms defined by `Metrics` (one MetricStat query), and cross-account alarms: the security account watching a member's
forwarding dead-letter queue (issue 24). The prerequisites are the PutMetricAlarm API reference's ("Cross-account
alarms"): the sharing role in the member, trusting the monitoring account, and the service-linked role in the monitoring
account; checked at every evaluation. Alarms never watch another region."""
import json
import unittest

from support import Emulator, drain, queue_with_open_policy

EMU = None
SECURITY, MEMBER, OTHER = "222222222222", "333333333333", "444444444444"
DLQ = "rootlock-forwarding-dlq"
SHARING_ROLE = "CloudWatch-CrossAccountSharingRole"
LINKED_ARN = f"arn:aws:iam::{SECURITY}:role/aws-service-role/cloudwatch-crossaccount.amazonaws.com/AWSServiceRoleForCloudWatchCrossAccount"


def setUpModule():
    global EMU
    EMU = Emulator()


def tearDownModule():
    EMU.stop()


def creds(account):
    return EMU.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="test")["Credentials"]


def trust(principal, condition=None):
    stmt = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [dict(stmt, Condition=condition) if condition else stmt]})


class CrossAccountAlarms(unittest.TestCase):
    def setUp(self):
        EMU.reset()
        self.security, self.member = creds(SECURITY), creds(MEMBER)
        self.cw = EMU.client("cloudwatch", credentials=self.security)
        events = EMU.client("events", credentials=self.security)
        self.changes_url, changes_arn = queue_with_open_policy(EMU, "changes", credentials=self.security)
        events.put_rule(Name="alarm-changes", EventPattern=json.dumps({"source": ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"]}))
        events.put_targets(Rule="alarm-changes", Targets=[{"Id": "q", "Arn": changes_arn}])

    def watch(self, name, account=MEMBER, region="us-east-1", namespace="AWS/SQS", metric="ApproximateNumberOfMessagesVisible", dims=None, actions=()):
        query = {"Id": "m1", "ReturnData": True, "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": metric,
                 "Dimensions": dims if dims is not None else [{"Name": "QueueName", "Value": DLQ}]}, "Period": 60, "Stat": "Maximum"}}
        if account:
            query["AccountId"] = account
        EMU.client("cloudwatch", region, self.security).put_metric_alarm(
            AlarmName=name, Metrics=[query], EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching", AlarmActions=list(actions))

    def state(self, name, region="us-east-1"):
        return EMU.client("cloudwatch", region, self.security).describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]

    def changes(self):
        return [(e["detail"]["alarmName"], e["detail"]["state"]["value"]) for e in (json.loads(m["Body"]) for m in drain(EMU, self.changes_url, credentials=self.security))]

    def dead_letter(self, region="us-east-1"):
        """A message lands in the member's forwarding dead-letter queue (AWS/SQS metrics in the member's CloudWatch)."""
        sqs = EMU.client("sqs", region, self.member)
        sqs.send_message(QueueUrl=sqs.create_queue(QueueName=DLQ)["QueueUrl"], MessageBody="lost event")

    def linked_role(self):
        role = EMU.client("iam", credentials=self.security).create_service_linked_role(AWSServiceName="cloudwatch-crossaccount.amazonaws.com")["Role"]
        self.assertEqual((role["RoleName"], role["Path"], role["Arn"]),
                         ("AWSServiceRoleForCloudWatchCrossAccount", "/aws-service-role/cloudwatch-crossaccount.amazonaws.com/", LINKED_ARN))

    def sharing_role(self, policy):
        EMU.client("iam", credentials=self.member).create_role(RoleName=SHARING_ROLE, AssumeRolePolicyDocument=policy)

    def test_a_same_account_metrics_alarm_fires_and_notifies_with_its_query(self):
        sns = EMU.client("sns", credentials=self.security)
        topic = sns.create_topic(Name="alerts")["TopicArn"]
        pager_url, pager_arn = queue_with_open_policy(EMU, "pager", credentials=self.security)
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=pager_arn)
        self.watch("own", account=None, namespace="Test", metric="M", dims=[], actions=[topic])
        self.assertEqual(self.state("own"), "OK")
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "M", "Value": 0}])
        self.assertEqual(self.state("own"), "OK")
        self.cw.put_metric_data(Namespace="Test", MetricData=[{"MetricName": "M", "Value": 2}])
        self.assertEqual(self.state("own"), "ALARM")
        sent = [json.loads(json.loads(m["Body"])["Message"]) for m in drain(EMU, pager_url, credentials=self.security)]
        self.assertEqual([(n["AlarmName"], n["NewStateValue"], n["Trigger"]["Metrics"][0]["Id"]) for n in sent], [("own", "ALARM", "m1")])
        self.assertEqual(self.changes(), [("own", "OK"), ("own", "ALARM")])

    def test_account_id_round_trips_and_is_absent_when_not_sent(self):
        self.watch("member", account=MEMBER)
        self.watch("own", account=None)
        alarms = {a["AlarmName"]: a["Metrics"][0] for a in self.cw.describe_alarms()["MetricAlarms"]}
        self.assertEqual(alarms["member"], {"Id": "m1", "AccountId": MEMBER, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "Dimensions": [{"Name": "QueueName", "Value": DLQ}]},
            "Period": 60, "Stat": "Maximum"}})
        self.assertNotIn("AccountId", alarms["own"])

    def test_a_cross_account_alarm_sees_the_member_only_while_both_roles_are_in_place(self):
        self.watch("member-dlq")
        self.dead_letter()
        self.assertEqual(self.state("member-dlq"), "OK")  # no role at all: the member's data is invisible
        self.linked_role()
        self.assertEqual(self.state("member-dlq"), "OK")  # the sharing role is still missing
        self.sharing_role(trust(f"arn:aws:iam::{SECURITY}:root"))
        self.assertEqual(self.state("member-dlq"), "ALARM")  # read at the next evaluation
        self.assertEqual(self.changes(), [("member-dlq", "OK"), ("member-dlq", "ALARM")])
        EMU.client("iam", credentials=self.member).delete_role(RoleName=SHARING_ROLE)
        self.assertEqual(self.state("member-dlq"), "OK")  # no data -> notBreaching
        self.assertEqual(self.changes(), [("member-dlq", "OK")])

    def test_new_member_data_evaluates_the_security_accounts_alarm_at_once(self):
        self.linked_role()
        self.sharing_role(trust(SECURITY))
        self.watch("member-dlq")
        self.assertEqual(self.state("member-dlq"), "OK")
        self.changes()
        self.dead_letter()  # no read in between: the member's new datapoint evaluates the security account's alarm
        self.assertEqual(self.changes(), [("member-dlq", "ALARM")])

    def test_the_sharing_role_must_trust_the_monitoring_account(self):
        self.linked_role()
        self.watch("member-dlq")
        self.dead_letter()
        self.sharing_role(trust(f"arn:aws:iam::{OTHER}:root"))
        self.assertEqual(self.state("member-dlq"), "OK")
        iam = EMU.client("iam", credentials=self.member)
        other_role = f"arn:aws:iam::{SECURITY}:role/someone-else"
        iam.update_assume_role_policy(RoleName=SHARING_ROLE, PolicyDocument=trust(f"arn:aws:iam::{SECURITY}:root", {"ArnEquals": {"aws:PrincipalArn": other_role}}))
        self.assertEqual(self.state("member-dlq"), "OK")
        iam.update_assume_role_policy(RoleName=SHARING_ROLE, PolicyDocument=trust(f"arn:aws:iam::{SECURITY}:root", {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{SECURITY}:role/aws-service-role/cloudwatch-crossaccount.amazonaws.com/*"}}))
        self.assertEqual(self.state("member-dlq"), "ALARM")
        iam.update_assume_role_policy(RoleName=SHARING_ROLE, PolicyDocument=trust(LINKED_ARN))
        self.assertEqual(self.state("member-dlq"), "ALARM")

    def test_a_role_merely_named_like_the_service_linked_role_does_not_count(self):
        EMU.client("iam", credentials=self.security).create_role(RoleName="AWSServiceRoleForCloudWatchCrossAccount", AssumeRolePolicyDocument=trust(SECURITY))
        self.sharing_role(trust(SECURITY))
        self.watch("member-dlq")
        self.dead_letter()
        self.assertEqual(self.state("member-dlq"), "OK")

    def test_an_alarm_never_sees_another_regions_data(self):
        self.linked_role()
        self.sharing_role(trust(SECURITY))
        self.watch("us-east-1-dlq", region="us-east-1")
        self.watch("eu-west-1-dlq", region="eu-west-1")
        self.dead_letter(region="eu-west-1")
        self.assertEqual((self.state("us-east-1-dlq"), self.state("eu-west-1-dlq", "eu-west-1")), ("OK", "ALARM"))


if __name__ == "__main__":
    unittest.main()

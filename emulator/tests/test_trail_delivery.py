"""A trail writes the records it covers to its CloudWatch Logs group through its role, as AWS does; a role that
cannot write is refused at CreateTrail and reported by GetTrailStatus when it breaks later."""
import json
import unittest

from support import MANAGEMENT, Emulator

EMU = None
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
WRITE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"arn:aws:logs:us-east-1:{MANAGEMENT}:log-group:trail-group:*"}]}


def setUpModule():
    global EMU
    EMU = Emulator()


def tearDownModule():
    EMU.stop()


class TrailDelivery(unittest.TestCase):
    def setUp(self):
        EMU.reset()
        EMU.client("s3").create_bucket(Bucket="trail-bucket")
        self.logs = EMU.client("logs")
        self.logs.create_log_group(logGroupName="trail-group")
        self.group_arn = f"arn:aws:logs:us-east-1:{MANAGEMENT}:log-group:trail-group:*"
        self.iam = EMU.client("iam")
        self.role_arn = self.iam.create_role(RoleName="trail-logs", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
        self.ct = EMU.client("cloudtrail")

    def create(self, role_arn=None):
        return self.ct.create_trail(Name="org-trail", S3BucketName="trail-bucket", IsMultiRegionTrail=True,
                                    CloudWatchLogsLogGroupArn=self.group_arn, CloudWatchLogsRoleArn=role_arn or self.role_arn)

    def messages(self):
        return [json.loads(e["message"]) for e in self.logs.filter_log_events(logGroupName="trail-group").get("events", [])]

    def test_missing_role_is_refused_at_create(self):
        with self.assertRaises(self.ct.exceptions.InvalidCloudWatchLogsRoleArnException):
            self.create(f"arn:aws:iam::{MANAGEMENT}:role/missing")

    def test_role_without_permission_is_refused_at_create(self):
        with self.assertRaises(self.ct.exceptions.InvalidCloudWatchLogsRoleArnException) as ctx:
            self.create()
        self.assertIn("logs:CreateLogStream", str(ctx.exception))

    def test_records_reach_the_group_and_status_reports_delivery(self):
        self.iam.put_role_policy(RoleName="trail-logs", PolicyName="w", PolicyDocument=json.dumps(WRITE))
        self.create()
        self.ct.start_logging(Name="org-trail")
        self.iam.create_user(UserName="someone")
        names = [m["eventName"] for m in self.messages()]
        self.assertIn("CreateUser", names)
        self.assertIn("StartLogging", names)
        status = self.ct.get_trail_status(Name="org-trail")
        self.assertIn("LatestCloudWatchLogsDeliveryTime", status)
        self.assertNotIn("LatestCloudWatchLogsDeliveryError", status)

    def test_a_role_broken_later_stops_delivery_and_reports_the_error(self):
        self.iam.put_role_policy(RoleName="trail-logs", PolicyName="w", PolicyDocument=json.dumps(WRITE))
        self.create()
        self.ct.start_logging(Name="org-trail")
        self.iam.delete_role_policy(RoleName="trail-logs", PolicyName="w")
        before = len(self.messages())
        self.iam.create_user(UserName="after")
        self.assertEqual(len(self.messages()), before)
        self.assertIn("logs:CreateLogStream", self.ct.get_trail_status(Name="org-trail")["LatestCloudWatchLogsDeliveryError"])

    def test_stopped_trail_delivers_nothing(self):
        self.iam.put_role_policy(RoleName="trail-logs", PolicyName="w", PolicyDocument=json.dumps(WRITE))
        self.create()
        self.iam.create_user(UserName="before-start")
        self.assertEqual(self.messages(), [])


if __name__ == "__main__":
    unittest.main()

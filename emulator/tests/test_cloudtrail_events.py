"""The emulator records the calls made to it as CloudTrail management events and delivers them as AWS does; rule
state decides who sees read-only ones; PutEvents refuses reserved sources."""
import json
import unittest

from support import MANAGEMENT, Emulator, drain, queue_with_open_policy

EMU = None


def setUpModule():
    global EMU
    EMU = Emulator()


def tearDownModule():
    EMU.stop()


class CloudTrailEvents(unittest.TestCase):
    def setUp(self):
        EMU.reset()
        self.events = EMU.client("events")
        self.url, self.arn = queue_with_open_policy(EMU, "inbox")

    def rule(self, name, pattern, state):
        self.events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)
        self.events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": self.arn}])

    def delivered(self):
        return [json.loads(m["Body"]) for m in drain(EMU, self.url)]

    def test_put_events_refuses_reserved_sources(self):
        out = self.events.put_events(Entries=[
            {"Source": "aws.sts", "DetailType": "AWS API Call via CloudTrail", "Detail": "{}"},
            {"Source": "rootlock.drill", "DetailType": "drill", "Detail": "{}"},
        ])
        self.assertEqual(out["FailedEntryCount"], 1)
        self.assertEqual(out["Entries"][0]["ErrorCode"], "NotAuthorizedForSourceException")
        self.assertIn("EventId", out["Entries"][1])

    def test_assume_role_is_read_only_and_reaches_only_the_opt_in_rule(self):
        pattern = {"source": ["aws.sts"], "detail": {"eventName": ["AssumeRole"]}}
        self.rule("enabled", pattern, "ENABLED")
        self.rule("all-management", pattern, "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
        iam = EMU.client("iam")
        iam.create_role(RoleName="bg", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
        EMU.client("sts").assume_role(RoleArn=f"arn:aws:iam::{MANAGEMENT}:role/bg", RoleSessionName="alice", SourceIdentity="alice@example.com")
        got = [e for e in self.delivered() if e["detail"]["eventName"] == "AssumeRole"]
        self.assertEqual(len(got), 1, got)
        ev = got[0]
        self.assertEqual(ev["detail-type"], "AWS API Call via CloudTrail")
        self.assertEqual(ev["account"], MANAGEMENT)
        self.assertIs(ev["detail"]["readOnly"], True)
        self.assertEqual(ev["detail"]["requestParameters"]["roleArn"], f"arn:aws:iam::{MANAGEMENT}:role/bg")
        self.assertEqual(ev["detail"]["requestParameters"]["sourceIdentity"], "alice@example.com")

    def test_a_write_reaches_an_enabled_rule_with_the_session_identity(self):
        self.rule("iam-writes", {"source": ["aws.iam"], "detail": {"eventName": ["CreateUser"]}}, "ENABLED")
        iam = EMU.client("iam")
        iam.create_role(RoleName="admin", AssumeRolePolicyDocument="{}")
        creds = EMU.client("sts").assume_role(RoleArn=f"arn:aws:iam::{MANAGEMENT}:role/admin", RoleSessionName="bob", SourceIdentity="rootlock-deploy")["Credentials"]
        EMU.client("iam", credentials=creds).create_user(UserName="mallory")
        got = self.delivered()
        self.assertEqual(len(got), 1, got)
        ident = got[0]["detail"]["userIdentity"]
        self.assertEqual(ident["type"], "AssumedRole")
        self.assertEqual(ident["sessionContext"]["sessionIssuer"]["arn"], f"arn:aws:iam::{MANAGEMENT}:role/admin")
        self.assertEqual(ident["sessionContext"]["sourceIdentity"], "rootlock-deploy")
        self.assertIs(got[0]["detail"]["readOnly"], False)
        self.assertEqual(got[0]["region"], "us-east-1")

    def test_a_refused_call_carries_its_error_code(self):
        self.rule("trail", {"source": ["aws.cloudtrail"]}, "ENABLED")
        with self.assertRaises(Exception):
            EMU.client("cloudtrail").stop_logging(Name="no-such-trail")
        got = self.delivered()
        self.assertEqual([e["detail"]["eventName"] for e in got], ["StopLogging"])
        self.assertEqual(got[0]["detail"]["errorCode"], "TrailNotFoundException")

    def test_disabled_rule_receives_nothing(self):
        self.rule("off", {"source": ["aws.iam"]}, "DISABLED")
        EMU.client("iam").create_user(UserName="u")
        self.assertEqual(self.delivered(), [])

    def test_control_route_delivers_console_sign_in_as_a_write(self):
        self.rule("signin", {"source": ["aws.signin"], "detail": {"userIdentity": {"type": ["Root"]}}}, "ENABLED")
        status, out = EMU.emit_cloudtrail(MANAGEMENT, "us-east-1", {
            "eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
            "userIdentity": {"type": "Root", "arn": f"arn:aws:iam::{MANAGEMENT}:root", "accountId": MANAGEMENT},
            "responseElements": {"ConsoleLogin": "Success"}})
        self.assertEqual(status, 200, out)
        self.assertEqual(out["record"]["eventType"], "AwsConsoleSignIn")
        self.assertIs(out["record"]["readOnly"], False)
        got = self.delivered()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["detail-type"], "AWS Console Sign In via CloudTrail")

    def test_control_route_refuses_bad_input(self):
        status, out = EMU.post("/_rootlock/cloudtrail", {"account": "12", "region": "us-east-1", "record": {}})
        self.assertEqual(status, 400)
        self.assertIn("account", out["Error"])


if __name__ == "__main__":
    unittest.main()

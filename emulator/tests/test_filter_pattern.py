"""The CloudWatch Logs filter-pattern engine (filter_pattern.py), pure: the cases rootlock's metric detections rely on
and the ones that used to break."""
import json
import unittest

from support import extensions  # noqa: F401 - puts emulator/ on sys.path
from filter_pattern import PatternError, compile_pattern


def matches(pattern, event):
    return compile_pattern(pattern)(json.dumps(event))[0]


ROOT = {"userIdentity": {"type": "Root", "arn": "arn:aws:iam::111111111111:root"}, "eventType": "AwsApiCall", "eventName": "CreateUser"}


class FilterPattern(unittest.TestCase):
    def test_root_usage_shape(self):
        p = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
        self.assertTrue(matches(p, ROOT))
        self.assertFalse(matches(p, {**ROOT, "userIdentity": {"type": "Root", "invokedBy": "support.amazonaws.com"}}))
        self.assertFalse(matches(p, {**ROOT, "eventType": "AwsServiceEvent"}))

    def test_a_comparison_on_an_absent_field_is_false_even_for_not_equal(self):
        self.assertFalse(matches('{ $.missing != "x" }', ROOT))

    def test_and_binds_tighter_than_or(self):
        self.assertTrue(matches('{ $.eventName = "Nope" && $.x = 1 || $.eventName = "CreateUser" }', ROOT))

    def test_wildcards_and_regex(self):
        self.assertTrue(matches('{ $.userIdentity.arn = "arn:aws:iam::*:root" }', ROOT))
        self.assertTrue(matches('{ $.eventName = %^Create% }', ROOT))
        self.assertFalse(matches('{ $.eventName = %^Delete% }', ROOT))
        self.assertTrue(matches('{ $.eventName != %^Delete% }', ROOT))

    def test_invalid_patterns_are_refused(self):
        for bad in ['{ $.a = }', '{ $.a > "x" }', '{ $.a = %(% }']:
            with self.assertRaises(PatternError, msg=bad):
                compile_pattern(bad)


if __name__ == "__main__":
    unittest.main()

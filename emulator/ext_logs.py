"""CloudWatch Logs gaps in moto 5.2.1.

1. TestMetricFilter is missing. Request {filterPattern, logEventMessages (1..50 strings)}; response
   {matches: [{eventNumber (1-based), eventMessage, extractedValues}]}. Patterns are evaluated by
   emulator/filter_pattern.py (JSON, term and space-delimited syntax); an invalid pattern is
   InvalidParameterException "Invalid metric filter pattern", as AWS answers.
2. PutMetricFilter accepts any pattern text. AWS rejects an invalid pattern with InvalidParameterException, so a
   typo in a detection fails the deploy, not silently at 3 a.m.: the same check is applied here.
"""
from moto.logs.exceptions import InvalidParameterException
from moto.logs.responses import LogsResponse

from filter_pattern import PatternError, compile_pattern, test_metric_filter as run_test

_original_put_metric_filter = LogsResponse.put_metric_filter


def _validate(pattern: str) -> None:
    try:
        compile_pattern(pattern)
    except PatternError as e:
        raise InvalidParameterException(msg=f"Invalid metric filter pattern: {e}".replace("Invalid metric filter pattern: Invalid metric filter pattern", "Invalid metric filter pattern"))


def test_metric_filter(self):
    pattern = self._get_param("filterPattern")
    messages = self._get_param("logEventMessages")
    if pattern is None or len(pattern) > 1024:
        raise InvalidParameterException(constraint="Minimum length of 0. Maximum length of 1024.", parameter="filterPattern", value=pattern)
    if not messages or not isinstance(messages, list) or len(messages) > 50:
        raise InvalidParameterException(constraint="Minimum number of 1 item. Maximum number of 50 items.", parameter="logEventMessages", value=messages)
    _validate(pattern)
    return self.response_class_json({"matches": run_test(pattern, messages)})


def put_metric_filter(self):
    pattern = self._get_param("filterPattern")
    if pattern is not None:
        _validate(pattern)
    # AWS: PutMetricFilter "creates or updates" the filter of that name in that log group
    # (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html); moto 5.2.1 appends
    # a second filter of the same name, so a changed pattern would hide behind the first one.
    self.logs_backend.delete_metric_filter(self._get_param("filterName"), self._get_param("logGroupName"))
    return _original_put_metric_filter(self)


def install() -> None:
    import json

    LogsResponse.response_class_json = staticmethod(lambda value: json.dumps(value))
    LogsResponse.test_metric_filter = test_metric_filter
    LogsResponse.put_metric_filter = put_metric_filter

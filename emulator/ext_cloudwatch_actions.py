"""CloudWatch gap: `DisableAlarmActions` / `EnableAlarmActions` are missing in moto 5.2.1 (a 501 through ext_core).

Per the CloudWatch API reference they take `AlarmNames` (up to 100) and set each named alarm's `ActionsEnabled`;
names that do not exist are ignored, as in AWS. The audit's drift test disables a root alarm's actions this way.

CloudWatch gap: moto's `SetAlarmState` changes the state without running any action. Per the API reference
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html) "When the updated state
differs from the previous value, the action configured for the appropriate state is invoked" (an SNS action publishes
the alarm notification), and the alarm returns to its actual state at its next evaluation (here: the next
DescribeAlarms, ext_cloudwatch.py). Here the change goes through ext_cloudwatch's transition: history, the state-change
event, and the actions, published as cloudwatch.amazonaws.com and refused where the topic's key or policies refuse
(a disabled key: ext_clock.py). The drill's `health` path uses it.
"""
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import EmptyResult


def _set_actions(enabled: bool):
    def handler(self):
        names = self._get_param("AlarmNames") or []
        alarms = self.cloudwatch_backend.alarms
        for name in names:
            if name in alarms:
                alarms[name].actions_enabled = enabled
        return EmptyResult()

    return handler


def set_alarm_state(self):
    import ext_cloudwatch  # at call time: ext_cloudwatch is installed after this module is imported

    name = self._get_param("AlarmName")
    state = self._get_param("StateValue")
    reason = self._get_param("StateReason")
    backend = self.cloudwatch_backend
    alarm = backend.alarms.get(name)
    if alarm is None or state not in ("OK", "ALARM", "INSUFFICIENT_DATA"):
        backend.set_alarm_state(name, reason, self._get_param("StateReasonData"), state)  # moto's own errors
        return EmptyResult()
    if alarm.state_value != state:
        ext_cloudwatch._transition(backend, alarm, state, reason)
    return EmptyResult()


def install() -> None:
    CloudWatchResponse.set_alarm_state = set_alarm_state
    CloudWatchResponse.disable_alarm_actions = _set_actions(False)
    CloudWatchResponse.enable_alarm_actions = _set_actions(True)

"""CloudWatch gap: `DisableAlarmActions` / `EnableAlarmActions` are missing in moto 5.2.1 (a 501 through ext_core).

Per the CloudWatch API reference they take `AlarmNames` (up to 100) and set each named alarm's `ActionsEnabled`;
names that do not exist are ignored, as in AWS. The audit's drift test disables a root alarm's actions this way.
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


def install() -> None:
    CloudWatchResponse.disable_alarm_actions = _set_actions(False)
    CloudWatchResponse.enable_alarm_actions = _set_actions(True)

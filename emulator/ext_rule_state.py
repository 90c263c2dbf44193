"""EventBridge rule states as AWS documents them (until the emulator's own events extension models them):

* ENABLED: every event matches except read-only management events delivered through CloudTrail
  (detail-type "AWS API Call via CloudTrail" with detail.readOnly true);
* ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: every event, read-only management events included;
* DISABLED: nothing.
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html

moto 5.2.1 stores any state but delivers only for "ENABLED". This wraps the delivering send_to_targets
(ext_events_delivery.py) and steps aside when that one already knows the ENABLED_WITH_ALL state (the emulator helper's
fix), so the two never filter twice. Added by the `silence` helper (detections use the state; see detections/catalog.ts).
"""
import inspect

from moto.events import models as ev_models

ALL = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


def _read_only_management(event) -> bool:
    detail = event.get("detail") if isinstance(event, dict) else None
    return (event.get("detail-type") == "AWS API Call via CloudTrail" and isinstance(detail, dict)
            and detail.get("readOnly") is True)


def install() -> None:
    inner = ev_models.Rule.send_to_targets
    try:
        if ALL in inspect.getsource(inner):
            return
    except (OSError, TypeError):
        pass

    def send_to_targets(self, original_event, transform_input: bool = True):
        state = self.state
        if state == "ENABLED" and _read_only_management(original_event):
            return None
        if state != ALL:
            return inner(self, original_event, transform_input)
        self.state = "ENABLED"
        try:
            return inner(self, original_event, transform_input)
        finally:
            self.state = state

    ev_models.Rule.send_to_targets = send_to_targets

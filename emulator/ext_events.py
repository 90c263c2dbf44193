"""EventBridge gap: TestEventPattern is a stub in moto 5.2.1 (`pass`: HTTP 200 with an empty body).

Implemented with moto's own rule matcher (the one PutEvents uses: `$or`, `exists`, `prefix`, `suffix`,
`wildcard`, `anything-but`, `numeric`, `equals-ignore-case`, `cidr`), so a pattern tested here behaves as the
deployed rule does in the emulator. Request {EventPattern, Event}; response {Result: bool}. As in AWS, the event must
be a JSON object with id, account, source, time, region, resources and detail-type, and an invalid pattern is
InvalidEventPatternException.
"""
import json

from moto.events.exceptions import InvalidEventPatternException
from moto.events.models import EventPattern
from moto.events.responses import EventsHandler

REQUIRED_EVENT_FIELDS = ["id", "account", "source", "time", "region", "resources", "detail-type"]


def test_event_pattern(self):
    pattern = EventPattern.load(self._get_param("EventPattern"))  # InvalidEventPatternException when invalid
    raw_event = self._get_param("Event")
    try:
        event = json.loads(raw_event or "")
    except ValueError:
        event = None
    if not isinstance(event, dict) or any(f not in event for f in REQUIRED_EVENT_FIELDS):
        raise InvalidEventPatternException(reason="Parameter Event is not valid: it needs id, account, source, time, region, resources and detail-type")
    return json.dumps({"Result": pattern.matches_event(event)})


def install() -> None:
    EventsHandler.test_event_pattern = test_event_pattern

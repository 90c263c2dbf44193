"""EventBridge gap: TestEventPattern is a stub in moto 5.2.1 (`pass`: HTTP 200 with an empty body).

Implemented with moto's own rule matcher (the one PutEvents uses: `$or`, `exists`, `prefix`, `suffix`,
`wildcard`, `anything-but`, `numeric`, `equals-ignore-case`, `cidr`), so a pattern tested here behaves as the
deployed rule does in the emulator. Request {EventPattern, Event}; response {Result: bool}. As in AWS, the event must
be a JSON object with id, account, source, time, region, resources and detail-type, and an invalid pattern is
InvalidEventPatternException.

Second gap: TagResource, UntagResource and ListTagsForResource find a rule by the last segment of its ARN (the rule
name) on whichever bus comes first, so a rule on a custom bus and a rule of the same name on the default bus share
tags (a perpetual Terraform diff on `tags`, found by the deploy test: rootlock names the forwarding rule on the
default bus and the paging rule on the central bus alike). Resolved here by the exact ARN, as AWS does:
`rule/NAME` is the default bus, `rule/BUS/NAME` a custom bus, `event-bus/NAME` a bus; unknown is
ResourceNotFoundException.
"""
import json

from moto.events.exceptions import InvalidEventPatternException, ResourceNotFoundException
from moto.events.models import EventPattern, EventsBackend
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


def _resource(self, arn: str):
    for bus in self.event_buses.values():
        if bus.arn == arn:
            return bus
        for rule in bus.rules.values():
            if rule.arn == arn:
                return rule
    resource = arn.split(":", 5)[-1]
    if resource.startswith("rule/"):
        parts = resource[len("rule/"):].split("/")
        bus, name = (parts[0], parts[1]) if len(parts) == 2 else ("default", parts[0])
        raise ResourceNotFoundException(f"Rule {name} does not exist on EventBus {bus}.")
    raise ResourceNotFoundException(f"Resource {arn} does not exist.")


def list_tags_for_resource(self, arn):
    return self.tagger.list_tags_for_resource(_resource(self, arn).arn)


def tag_resource(self, arn, tags):
    self.tagger.tag_resource(_resource(self, arn).arn, tags)


def untag_resource(self, arn, tag_names):
    self.tagger.untag_resource_using_names(_resource(self, arn).arn, tag_names)


def install() -> None:
    EventsHandler.test_event_pattern = test_event_pattern
    EventsBackend.list_tags_for_resource = list_tags_for_resource
    EventsBackend.tag_resource = tag_resource
    EventsBackend.untag_resource = untag_resource

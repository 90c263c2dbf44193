"""EventBridge gaps: `PutRule` (and TestEventPattern) accept an event pattern with an unknown operator, which moto's
matcher then treats as matching everything; `PutPermission` with a whole `Policy` merges it into the old policy.

AWS rejects such a pattern with InvalidEventPatternException
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html: every value in a pattern is an
array; an element is a literal or an object naming one of the content filters). The filters accepted here are the
documented ones: prefix, suffix, anything-but, numeric, exists, cidr, equals-ignore-case, wildcard; `$or` takes a list
of patterns. And `PutPermission` with `Policy` sets the bus's policy to that document (the API reference: "A JSON
string that describes the permission policy statement"; the whole policy, as `aws_cloudwatch_event_bus_policy`
writes it), so a statement removed from the document is gone.
"""
import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.events import models as ev_models
from moto.events.exceptions import InvalidEventPatternException

CONTENT_FILTERS = {"prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard"}
_original_load = ev_models.EventPattern.load


def _check(node: Any, path: str) -> None:
    if not isinstance(node, dict):
        raise InvalidEventPatternException(reason=f"Event pattern is not valid. Reason: {path or 'the pattern'} must be an object")
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidEventPatternException(reason=f"Event pattern is not valid. Reason: {where} must be an array of at least 2 patterns")
            for i, alt in enumerate(value):
                _check(alt, f"{where}[{i}]")
        elif isinstance(value, dict):
            _check(value, where)
        elif isinstance(value, list):
            for element in value:
                if isinstance(element, dict):
                    if len(element) != 1 or next(iter(element)) not in CONTENT_FILTERS:
                        raise InvalidEventPatternException(
                            reason=f"Event pattern is not valid. Reason: Unrecognized match type {', '.join(element) or '{}'} at {where}")
                elif isinstance(element, list):
                    raise InvalidEventPatternException(reason=f"Event pattern is not valid. Reason: nested array at {where}")
        else:
            raise InvalidEventPatternException(reason=f"Event pattern is not valid. Reason: Match value must be String, number, true, false, or null at {where}")


def load(raw_pattern):
    if raw_pattern:
        try:
            parsed = json.loads(raw_pattern)
        except ValueError:
            raise InvalidEventPatternException(reason="Event pattern is not valid. Reason: not valid JSON")
        _check(parsed, "")
    return _original_load(raw_pattern)


def put_permission_from_policy(event_bus, policy: str) -> None:
    try:
        policy_doc = json.loads(policy)
    except ValueError:
        raise JsonRESTError("ValidationException", "This policy contains invalid Json")
    event_bus.remove_statements()
    event_bus.add_policy(policy_doc)


def install() -> None:
    ev_models.EventPattern.load = staticmethod(load)
    ev_models.EventsBackend._put_permission_from_policy = staticmethod(put_permission_from_policy)

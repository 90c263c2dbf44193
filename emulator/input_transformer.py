"""EventBridge target input: Input, InputPath, InputTransformer (helper, not an extension).

Modelled on the EventBridge user guide, "Amazon EventBridge input transformation"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html) and the API reference for
InputTransformer (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html):

* InputPathsMap: variable -> JSON path in dot notation (`$.detail.userIdentity.arn`, array indices `$.resources[0]`).
  A path that is not in the event creates no variable; here its placeholder becomes an empty string inside a JSON
  string and `null` elsewhere (the guide: "that variable isn't created and won't appear in the output").
* Predefined variables: aws.events.rule-arn, aws.events.rule-name, aws.events.event (the event as JSON),
  aws.events.event.json (the same), aws.events.event.ingestion-time.
* InputTemplate: a string (`"instance <instance> is in <state>"`) or JSON. A placeholder inside a JSON string is
  replaced by the value's text, not escaped ("EventBridge doesn't escape values extracted by Input Path"); outside a
  string by the value as JSON (a string value gets its quotes). A JSON template is passed on minified.
moto 5.2.1's own parser replaces placeholders without telling strings from JSON and fails on string templates.
"""
import json
import re
from typing import Any, Dict, List

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()


def json_path(event: Any, path: str) -> Any:
    if path == "$":
        return event
    if not path.startswith("$."):
        return _MISSING
    node = event
    for name, index in _PATH_PART.findall(path[2:]):
        if name:
            if not isinstance(node, dict) or name not in node:
                return _MISSING
            node = node[name]
        else:
            i = int(index)
            if not isinstance(node, list) or i >= len(node):
                return _MISSING
            node = node[i]
    return node


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _string_ranges(template: str) -> List[range]:
    """Character ranges of the template that sit inside JSON string literals."""
    ranges, start, escaped = [], None, False
    for i, ch in enumerate(template):
        if start is not None:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                ranges.append(range(start, i))
                start = None
        elif ch == '"':
            start = i + 1
    return ranges


def transform(transformer: Dict[str, Any], event: Dict[str, Any], rule_arn: str, rule_name: str) -> str:
    variables: Dict[str, Any] = {}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        value = json_path(event, path)
        if value is not _MISSING:
            variables[name] = value
    variables.update({
        "aws.events.rule-arn": rule_arn,
        "aws.events.rule-name": rule_name,
        "aws.events.event": event,
        "aws.events.event.json": event,
        "aws.events.event.ingestion-time": event.get("ingestion-time", event.get("time")),
    })
    template = transformer.get("InputTemplate") or ""
    inside = _string_ranges(template)

    def replace(match: "re.Match[str]") -> str:
        name = match.group(1)
        in_string = any(match.start() in r for r in inside)
        if name not in variables:
            return "" if in_string else "null"
        value = variables[name]
        return _text(value) if in_string else json.dumps(value, separators=(",", ":"))

    text = _PLACEHOLDER.sub(replace, template)
    if template.lstrip().startswith(("{", "[")):
        try:
            return json.dumps(json.loads(text), separators=(",", ":"))
        except ValueError:
            return text
    return text


def target_input(target: Dict[str, Any], event: Dict[str, Any], rule_arn: str, rule_name: str) -> str:
    """What EventBridge sends to the target: Input (constant), InputPath, InputTransformer, or the whole event."""
    if target.get("Input") is not None:
        return target["Input"]
    if target.get("InputPath"):
        value = json_path(event, target["InputPath"])
        return "null" if value is _MISSING else json.dumps(value, separators=(",", ":"))
    if target.get("InputTransformer"):
        return transform(target["InputTransformer"], event, rule_arn, rule_name)
    return json.dumps(event, separators=(",", ":"))

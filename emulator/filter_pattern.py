"""CloudWatch Logs filter patterns (metric filters and TestMetricFilter), after the AWS guide "Filter pattern syntax
for metric filters, subscription filters, filter log events, and Live Tail".

Supported:
* empty pattern: matches every event;
* term patterns: `ERROR`, `"exact phrase"`, several terms (all must appear), `?A ?B` (any), `-term` (exclude);
  terms are case-sensitive;
* JSON patterns: `{ SELECTOR OP VALUE }` joined with `&&` / `||` and parentheses, where
  - SELECTOR is `$.a.b`, `$.a[0].b`, `$.a[*]` (any element), `$.*` is not supported;
  - OP VALUE is `= / !=` with a string (quoted or bare; `*` wildcard anywhere), a number, or `%regex%`;
    `<, >, <=, >=` with a number; `IS NULL`, `NOT EXISTS`, `EXISTS`, `IS TRUE`, `IS FALSE`;
  - a comparison on a selector absent from the event is false, for `=` and `!=` alike (use NOT EXISTS);
  - a number or boolean in the event compares as its JSON text for string and wildcard values
    (`{ $.code = 4* }` matches 404); `= NUMBER` compares numerically (123 = 123.0);
  - a JSON pattern never matches an event that is not a JSON object; `&&` binds tighter than `||`;
  - extractedValues is empty for JSON and term patterns; space-delimited fields extract `$name` (or `$N`).
* space-delimited patterns `[f1, f2 = x, ..., f3 > 10]` over whitespace-separated fields, quotes and brackets grouping.

`compile_pattern(text)` raises PatternError for what AWS rejects ("Invalid metric filter pattern").
"""
import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

MISSING = object()


class PatternError(ValueError):
    pass


# ----------------------------------------------------------------------------------------------- JSON patterns
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<lp>\() | (?P<rp>\)) | (?P<and>&&) | (?P<or>\|\|)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<kw>IS\s+NULL\b|NOT\s+EXISTS\b|EXISTS\b|IS\s+TRUE\b|IS\s+FALSE\b)
    | (?P<sel>\$(?:\.[A-Za-z0-9_@\-]+|\[(?:\d+|\*)\])*)
    | (?P<str>"(?:[^"\\]|\\.)*")
    | (?P<regex>%(?:[^%\\]|\\.)*%)
    | (?P<bare>[^\s()&|=!<>"]+)
    )""",
    re.VERBOSE,
)


def _tokenize(body: str) -> List[Tuple[str, str]]:
    tokens, pos = [], 0
    body = body.rstrip()
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m or m.end() == pos:
            raise PatternError(f"Invalid metric filter pattern: unexpected text at '{body[pos:pos + 20]}'")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


def _path(selector: str) -> List[Any]:
    parts: List[Any] = []
    for m in re.finditer(r"\.([A-Za-z0-9_@\-]+)|\[(\d+|\*)\]", selector[1:]):
        if m.group(1) is not None:
            parts.append(m.group(1))
        else:
            parts.append("*" if m.group(2) == "*" else int(m.group(2)))
    if not parts:
        raise PatternError("Invalid metric filter pattern: a selector needs a field after '$'")
    return parts


def _resolve(doc: Any, parts: List[Any]) -> List[Any]:
    """Every value the selector reaches ([*] fans out); empty list when it reaches nothing."""
    current = [doc]
    for p in parts:
        nxt = []
        for node in current:
            if p == "*":
                if isinstance(node, list):
                    nxt.extend(node)
            elif isinstance(p, int):
                if isinstance(node, list) and 0 <= p < len(node):
                    nxt.append(node[p])
            elif isinstance(node, dict) and p in node:
                nxt.append(node[p])
        current = nxt
    return current


def _text(value: Any) -> Optional[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return None  # objects, arrays, null: no string form


def _wildcard(expected: str) -> Callable[[str], bool]:
    if "*" not in expected:
        return lambda s: s == expected
    rx = re.compile("^" + ".*".join(re.escape(p) for p in expected.split("*")) + "$", re.S)
    return lambda s: rx.match(s) is not None


def _number(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None


class _Cmp:
    def __init__(self, selector: str, op: str, value: Optional[Tuple[str, str]]):
        self.selector = selector
        self.parts = _path(selector)
        self.op = op
        self.value = value
        self._build()

    def _build(self) -> None:
        op, value = self.op, self.value
        if op in ("IS NULL", "NOT EXISTS", "EXISTS", "IS TRUE", "IS FALSE"):
            return
        kind, raw = value  # type: ignore[misc]
        if op in ("<", ">", "<=", ">="):
            if kind != "bare" or _number(raw) is None:
                raise PatternError(f"Invalid metric filter pattern: {op} needs a number, got {raw}")
            self.number = float(raw)
            return
        if kind == "regex":
            try:
                self.regex = re.compile(raw[1:-1])
            except re.error as e:
                raise PatternError(f"Invalid metric filter pattern: bad regular expression {raw}: {e}")
            self.match = lambda s: self.regex.search(s) is not None
            self.number = None  # a regex compares text only (without this, `_one` read an unset attribute and crashed)
            return
        text = json.loads(raw) if kind == "str" else raw
        self.number = _number(text) if kind == "bare" and "*" not in text else None
        self.match = _wildcard(text)

    def _one(self, v: Any) -> bool:
        op = self.op
        if op in ("<", ">", "<=", ">="):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                n = _number(v) if isinstance(v, str) else None
                if n is None:
                    return False
                v = n
            return {"<": v < self.number, ">": v > self.number, "<=": v <= self.number, ">=": v >= self.number}[op]
        if self.number is not None and isinstance(v, (int, float)) and not isinstance(v, bool):
            equal = float(v) == self.number
        else:
            s = _text(v)
            if s is None:
                return False
            equal = self.match(s)
        return equal if op == "=" else not equal

    def evaluate(self, doc: Any) -> bool:
        values = _resolve(doc, self.parts)
        if self.op == "NOT EXISTS":
            return not values
        if self.op == "EXISTS":
            return bool(values)
        if self.op == "IS NULL":
            return any(v is None for v in values)
        if self.op == "IS TRUE":
            return any(v is True for v in values)
        if self.op == "IS FALSE":
            return any(v is False for v in values)
        return any(self._one(v) for v in values)



class _Bool:
    def __init__(self, op: str, left: Any, right: Any):
        self.op, self.left, self.right = op, left, right

    def evaluate(self, doc: Any) -> bool:
        if self.op == "&&":
            return self.left.evaluate(doc) and self.right.evaluate(doc)
        return self.left.evaluate(doc) or self.right.evaluate(doc)


class _Parser:
    def __init__(self, tokens: List[Tuple[str, str]]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> Optional[Tuple[str, str]]:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: Optional[str] = None) -> Tuple[str, str]:
        tok = self.peek()
        if tok is None or (kind and tok[0] != kind):
            raise PatternError(f"Invalid metric filter pattern: expected {kind or 'more'}, got {tok[1] if tok else 'end of pattern'}")
        self.i += 1
        return tok

    def expr(self) -> Any:
        # `&&` binds tighter than `||`; parentheses group.
        node = self.conj()
        while self.peek() and self.peek()[0] == "or":
            self.take()
            node = _Bool("||", node, self.conj())
        return node

    def conj(self) -> Any:
        node = self.term()
        while self.peek() and self.peek()[0] == "and":
            self.take()
            node = _Bool("&&", node, self.term())
        return node

    def term(self) -> Any:
        tok = self.peek()
        if tok and tok[0] == "lp":
            self.take("lp")
            node = self.expr()
            self.take("rp")
            return node
        sel = self.take("sel")[1]
        nxt = self.peek()
        if nxt and nxt[0] == "kw":
            self.take()
            return _Cmp(sel, re.sub(r"\s+", " ", nxt[1]), None)
        op = self.take("op")[1]
        val = self.peek()
        if val is None or val[0] not in ("str", "bare", "regex"):
            raise PatternError(f"Invalid metric filter pattern: {sel} {op} needs a value")
        self.take()
        return _Cmp(sel, op, val)


# --------------------------------------------------------------------------------------- term / space patterns
def _term_pattern(text: str) -> Callable[[str], Tuple[bool, Dict[str, str]]]:
    terms = re.findall(r'[?-]?"(?:[^"\\]|\\.)*"|\S+', text)
    required, optional, excluded = [], [], []
    for t in terms:
        prefix = t[0] if t[0] in "?-" and len(t) > 1 else ""
        body = t[len(prefix):]
        if body.startswith('"'):
            body = json.loads(body)
        {"?": optional, "-": excluded, "": required}[prefix].append(body)

    def match(message: str) -> Tuple[bool, Dict[str, str]]:
        ok = all(r in message for r in required) and not any(e in message for e in excluded)
        if optional:
            ok = ok and any(o in message for o in optional)
        return ok, {}

    return match


def _space_pattern(text: str) -> Callable[[str], Tuple[bool, Dict[str, str]]]:
    inner = text.strip()[1:-1]
    fields = [f.strip() for f in inner.split(",")] if inner.strip() else []
    specs = []
    for position, f in enumerate(fields, start=1):
        if f == "...":
            specs.append(("...", None, None))
            continue
        m = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)?\s*(!=|<=|>=|=|<|>)?\s*(.*)$', f)
        if not m or (m.group(2) and not m.group(3)):
            raise PatternError(f"Invalid metric filter pattern: bad field '{f}'")
        specs.append((m.group(1) or str(position), m.group(2), m.group(3) or None))

    def split(message: str) -> List[str]:
        return [a or b or c for a, b, c in re.findall(r'"([^"]*)"|\[([^\]]*)\]|(\S+)', message)]

    def cond(op: str, expected: str, actual: str) -> bool:
        if op in ("<", ">", "<=", ">="):
            a, e = _number(actual), _number(expected)
            return a is not None and e is not None and {"<": a < e, ">": a > e, "<=": a <= e, ">=": a >= e}[op]
        exp = json.loads(expected) if expected.startswith('"') else expected
        eq = _wildcard(exp)(actual)
        return eq if op == "=" else not eq

    def match(message: str) -> Tuple[bool, Dict[str, str]]:
        words = split(message)
        extracted: Dict[str, str] = {}
        if "..." not in [s[0] for s in specs] and len(words) != len(specs):
            return False, {}
        # Align: fields before an ellipsis from the left, after it from the right.
        left = specs[: [s[0] for s in specs].index("...")] if any(s[0] == "..." for s in specs) else specs
        right = specs[len(left) + 1:] if len(left) < len(specs) else []
        if len(left) + len(right) > len(words):
            return False, {}
        pairs = list(zip(left, words[: len(left)])) + list(zip(right, words[len(words) - len(right):] if right else []))
        for (name, op, expected), word in pairs:
            if op and not cond(op, expected, word):
                return False, {}
            extracted[f"${name}"] = word
        return True, extracted

    return match


# ------------------------------------------------------------------------------------------------------ public
def compile_pattern(pattern: str) -> Callable[[str], Tuple[bool, Dict[str, str]]]:
    """A matcher message -> (matched, extractedValues). Raises PatternError for an invalid pattern."""
    text = (pattern or "").strip()
    if not text:
        return lambda message: (True, {})
    if text.startswith("{"):
        if not text.endswith("}"):
            raise PatternError("Invalid metric filter pattern: a JSON pattern ends with '}'")
        parser = _Parser(_tokenize(text[1:-1]))
        tree = parser.expr()
        if parser.peek() is not None:
            raise PatternError(f"Invalid metric filter pattern: unexpected '{parser.peek()[1]}'")

        def match(message: str) -> Tuple[bool, Dict[str, str]]:
            try:
                doc = json.loads(message)
            except ValueError:
                return False, {}
            if not isinstance(doc, dict) or not tree.evaluate(doc):
                return False, {}
            extracted: Dict[str, str] = {}  # AWS extracts values only for space-delimited fields
            return True, extracted

        return match
    if text.startswith("["):
        if not text.endswith("]"):
            raise PatternError("Invalid metric filter pattern: a space-delimited pattern ends with ']'")
        return _space_pattern(text)
    if text.count('"') % 2:
        raise PatternError("Invalid metric filter pattern: unbalanced quotes")
    return _term_pattern(text)


def test_metric_filter(pattern: str, messages: List[str]) -> List[Dict[str, Any]]:
    matcher = compile_pattern(pattern)
    out = []
    for number, message in enumerate(messages, start=1):
        ok, extracted = matcher(message)
        if ok:
            out.append({"eventNumber": number, "eventMessage": message, "extractedValues": extracted})
    return out

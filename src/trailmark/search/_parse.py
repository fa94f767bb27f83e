"""Filter text -> a small tree of frozen dataclasses, with errors that say where and what.

The grammar is ``grammar.lark`` (LALR). Field names are checked here, where the
column of a mistake is known; whether a field applies to a kind is checked when the
tree is compiled.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import cast

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedToken, VisitError

from trailmark.errors import FilterSyntaxError, TrailmarkError, ValidationError
from trailmark.refs import parse_ref
from trailmark.search._tree import (
    FUNCTIONS,
    KEYED_FIELDS,
    PLAIN_FIELDS,
    And,
    Comparison,
    Field,
    InList,
    IsNull,
    Lineage,
    Node,
    Not,
    Now,
    Or,
    Value,
)
from trailmark.store import _validate

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_INT = 2**63 - 1
MAX_DEPTH = 64
MAX_LENGTH = 20_000


def parse(text: str) -> Node | None:
    """Parse a filter; None for an empty one (it matches everything).

    Raises:
        FilterSyntaxError: with ``line`` and ``column`` of the mistake.

    Example:
        >>> parse("metrics.rmse < 0.5")
        Comparison(field=Field(name='metrics', key=('rmse',), aggregate=None), op='<', value=0.5)
    """
    if not isinstance(text, str):
        raise ValidationError(f"a filter must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"the filter is {len(text)} characters long; the limit is {MAX_LENGTH}")
    tree = _run(text, "start")
    return None if tree.data == "empty" else _transform(tree, text)


def parse_order(text: str) -> tuple[Field, bool]:
    """``"metrics.rmse desc"`` -> (the field, descending?)."""
    if not isinstance(text, str):
        raise ValidationError(f"an order_by item must be text, got {type(text).__name__}")
    # The order rule has terminals only: a field and an optional direction.
    field_token, *direction = cast("list[Token]", _run(text, "order").children)
    field = _field(field_token, text)
    return field, bool(direction) and direction[0].lower() == "desc"


@cache
def _parser() -> Lark:
    grammar = Path(__file__).with_name("grammar.lark").read_text()
    return Lark(grammar, parser="lalr", start=["start", "order"], maybe_placeholders=False)


def _run(text: str, start: str) -> Tree[Token]:
    """Parse, turning lark's errors into FilterSyntaxError with a position and a hint."""
    interactive = _parser().parse_interactive(text, start=start)
    before_last: Token | None = None
    last: Token | None = None
    try:
        for token in interactive.iter_parse():
            before_last, last = last, token
        tree: Tree[Token] = interactive.feed_eof(last)  # type: ignore[no-untyped-call]  # unannotated in lark
        return tree
    except UnexpectedToken as exc:
        # The parser rejects the token it was just given; the lexer, the one after it.
        parser = exc.interactive_parser or interactive
        previous = before_last if exc.token is last else last
        expected: set[str] = parser.accepts()  # type: ignore[no-untyped-call]  # unannotated in lark
        raise _unexpected(text, exc.token, expected, previous) from None
    except UnexpectedCharacters as exc:
        raise _bad_character(text, exc) from None


_VALUES = {"STRING", "NUMBER", "DATE", "DURATION", "TRUE", "FALSE", "NOW"}
_EXPECTED = [  # (terminals that, when expected, name what is missing)
    (_VALUES, "a value"),
    ({"OP"}, "an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)"),
    ({"FIELD"}, "a field, 'not', '(' or a lineage predicate"),
    ({"_NULL"}, "NULL or NOT NULL"),
    ({"DIRECTION"}, "asc or desc"),
]
_NAMES = {"_AND": "'and'", "_OR": "'or'", "RPAR": "')'", "LPAR": "'('", "COMMA": "','", "$END": "the end of the filter",
          "_IN": "IN", "LIKE": "LIKE", "SIGN": "'+' or '-'", "STRING": "a 'quoted string'"}


def _unexpected(text: str, token: Token, expected: set[str], previous: Token | None) -> FilterSyntaxError:
    what = "a 'quoted reference'" if expected == {"STRING"} else None
    what = what or next((name for group, name in _EXPECTED if expected & group), None)
    if what is None:
        names = sorted({_NAMES.get(t, t.lower()) for t in expected})
        what = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    after = f" after {_quote(previous)}" if previous is not None else " at the start"
    if token.type == "RPAR" and "$END" in expected:
        return _error(text, token, "unmatched ')'")
    if token.type == "$END":
        line, column = _end(text)
        found = ""
    else:
        line, column = _position(token)
        found = f", found {_quote(token)}"
        if what == "a value" and token.type == "FIELD":
            found += f" (text goes in single quotes: '{token}')"
    return FilterSyntaxError(f"expected {what}{after}{found} {_at(text, line, column)}", line=line, column=column)


def _bad_character(text: str, exc: UnexpectedCharacters) -> FilterSyntaxError:
    char = text[cast(int, exc.pos_in_stream)]  # lark declares it None on the class; set per error
    if char == "'":
        message = "unterminated string: a string opened here needs a closing '"
    elif char == '"':
        message = "strings go in single quotes, not double quotes"
    else:
        message = f"unexpected character {char!r}"
    return FilterSyntaxError(f"{message} {_at(text, exc.line, exc.column)}", line=exc.line, column=exc.column)


def _quote(token: Token) -> str:
    return f"'{token}'" if "'" not in token else f'"{token}"'


def _end(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _at(text: str, line: int, column: int) -> str:
    return f"at line {line}, column {column}" if "\n" in text.strip() else f"at column {column}"


def _position(token: Token) -> tuple[int, int]:
    """Where a token starts: lark types it optional, its lexer always sets it (1, 1 as in Field)."""
    return token.line or 1, token.column or 1


def _error(text: str, token: Token, message: str) -> FilterSyntaxError:
    line, column = _position(token)
    return FilterSyntaxError(f"{message} {_at(text, line, column)}", line=line, column=column)


def _transform(tree: Tree[Token], text: str) -> Node:
    _check_depth(tree, text)
    try:
        return _Build(text).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, TrailmarkError):
            raise exc.orig_exc from None
        raise


def _check_depth(tree: Tree[Token], text: str) -> None:
    """Refuse deep nesting before the recursive steps that follow could overflow the stack."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _error(text, _first_token(node), f"the filter nests more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _first_token(tree: Tree[Token]) -> Token:
    """The leftmost token under ``tree``, found without recursion (lark's ``scan_values`` recurses)."""
    stack: list[Tree[Token] | Token] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            return node
        if isinstance(node, Tree):
            stack.extend(reversed(node.children))
    raise ValueError("a parse tree without tokens")


_SEGMENT = re.compile(r"`([^`\n]+)`|([^.`]+)")


def _field(token: Token, text: str) -> Field:
    """Check a field name; suggest the nearest known one for a typo."""
    segments = [(quoted or plain, bool(quoted)) for quoted, plain in _SEGMENT.findall(str(token))]
    name, rest = segments[0][0].lower(), segments[1:]
    line, column = _position(token)
    if name in PLAIN_FIELDS:
        if rest:
            raise _error(text, token, f"field {name!r} has no keys: write just '{name}'")
        return Field(name, line=line, column=column)
    if name not in KEYED_FIELDS:
        raise _error(text, token, _unknown(str(token), name, rest))
    if not rest:
        raise _error(text, token, f"field {name!r} needs a key, as in {name}.KEY")
    aggregate = None
    if name == "metrics" and len(rest) > 1 and not rest[-1][1] and rest[-1][0].lower() in ("min", "max"):
        aggregate, rest = rest[-1][0].lower(), rest[:-1]
    if name in ("properties", "env"):
        if any('"' in key for key, _ in rest):
            raise _error(text, token, "a JSON key cannot contain '\"'")
        key: tuple[str | int, ...] = tuple(int(k) if k.isdigit() and not q else k for k, q in rest)
    else:
        key = (".".join(k for k, _ in rest),)
    return Field(name, key, aggregate, line=line, column=column)


def _unknown(written: str, name: str, rest: list[tuple[str, bool]]) -> str:
    choices = KEYED_FIELDS if rest else PLAIN_FIELDS + KEYED_FIELDS
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    message = f"unknown field {written!r}"
    if match:
        suggestion = ".".join([match[0], *written.split(".")[1:]])
        return f"{message}, did you mean {suggestion!r}?"
    return f"{message}: fields are {', '.join(PLAIN_FIELDS)}, or {', '.join(k + '.KEY' for k in KEYED_FIELDS)}"


@v_args(inline=True)
class _Build(Transformer[Token, Node]):
    """lark tree -> dataclasses; terminals become Python values."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def STRING(self, token: Token) -> str:
        return token[1:-1].replace("''", "'")

    def NUMBER(self, token: Token) -> int | float:
        if re.fullmatch(r"[+-]?\d+", token):
            value: int | float = int(token)
            if abs(value) > _MAX_INT:
                raise _error(self.text, token, f"number {token} is out of range")
            return value
        value = float(token)
        if value in (float("inf"), float("-inf")):
            raise _error(self.text, token, f"number {token} is out of range")
        return value

    def TRUE(self, token: Token) -> bool:
        return True

    def FALSE(self, token: Token) -> bool:
        return False

    def DATE(self, token: Token) -> date | datetime:
        try:
            return parse_datetime(str(token))
        except ValueError as exc:
            raise _error(self.text, token, f"invalid date {str(token)!r}: {exc}") from None

    def DURATION(self, token: Token) -> timedelta:
        try:
            return timedelta(seconds=float(token[:-1]) * _UNITS[token[-1].lower()])
        except OverflowError:
            raise _error(self.text, token, f"duration {token} is out of range") from None

    def now(self, _now: Token, sign: Token | None = None, offset: timedelta | None = None) -> Now:
        return Now(-offset if sign == "-" and offset is not None else offset or timedelta(0))

    def compare(self, field: Token, op: Token, value: Value) -> Comparison:
        return Comparison(_field(field, self.text), "!=" if op == "<>" else str(op), value)

    def like(self, field: Token, op: Token, value: Value, negated: bool = False) -> Comparison:
        if not isinstance(value, str):
            raise _error(self.text, op, f"{str(op).upper()} needs a 'quoted pattern'")
        return Comparison(_field(field, self.text), ("not " if negated else "") + op.lower(), value)

    def not_like(self, field: Token, op: Token, value: Value) -> Comparison:
        return self.like(field, op, value, negated=True)

    def in_(self, field: Token, *values: Value) -> InList:
        return InList(_field(field, self.text), values)

    def not_in(self, field: Token, *values: Value) -> InList:
        return InList(_field(field, self.text), values, negated=True)

    def is_null(self, field: Token) -> IsNull:
        return IsNull(_field(field, self.text))

    def is_not_null(self, field: Token) -> IsNull:
        return IsNull(_field(field, self.text), negated=True)

    def call(self, name: Token, ref: str) -> Lineage:
        function = name.lower()
        if function not in FUNCTIONS:
            match = difflib.get_close_matches(function, FUNCTIONS, n=1, cutoff=0.6)
            hint = f", did you mean {match[0]!r}?" if match else f": use {' or '.join(FUNCTIONS)}"
            raise _error(self.text, name, f"unknown function {str(name)!r}{hint}")
        try:
            parse_ref(ref)
        except ValidationError as exc:
            raise _error(self.text, name, f"{function}: {exc}") from None
        line, column = _position(name)
        return Lineage(function, ref, line=line, column=column)

    def and_(self, *items: Node) -> And:
        return And(items)

    def or_(self, *items: Node) -> Or:
        return Or(items)

    def negate(self, item: Node) -> Not:
        return Not(item)


def parse_datetime(text: str) -> date | datetime:
    """An ISO date (a ``date``) or date-time (an aware ``datetime``, UTC when no zone is given)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    value = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text))
    return _validate.instant(value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc))

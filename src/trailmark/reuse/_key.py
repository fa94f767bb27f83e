"""The cache key of a step: its type and name, its code, its params and its inputs' digests."""

from __future__ import annotations

import hashlib
import inspect
import json
import marshal
import math
import textwrap
from collections.abc import Mapping, Sequence
from types import CodeType
from typing import Any

from trailmark.hashing import PREFIX

CACHE_ENV = "TRAILMARK_CACHE"


class Undigestible(Exception):
    """An argument whose value cannot be part of a cache key."""

    def __init__(self, argument: str, value: Any) -> None:
        super().__init__(f"argument {argument!r} ({type(value).__name__}) cannot be digested for the cache key")
        self.argument = argument


def cache_disabled(environ: Mapping[str, str]) -> bool:
    """True when ``$TRAILMARK_CACHE`` turns caching off (off, 0, false, no)."""
    return environ.get(CACHE_ENV, "").strip().lower() in ("off", "0", "false", "no")


def code_digest(code: Any) -> str:
    """SHA-256 of a function's (or code object's) source; of its bytecode when there is no source."""
    target = code.__code__ if hasattr(code, "__code__") else code
    try:
        text = textwrap.dedent(inspect.getsource(target))
        return PREFIX + hashlib.sha256(text.encode()).hexdigest()
    except (OSError, TypeError):  # built in a REPL, by exec, or shipped as .pyc only
        return PREFIX + hashlib.sha256(_bytecode(target)).hexdigest()


def _bytecode(code: CodeType) -> bytes:
    """The parts of a code object that say what it does, not where it was defined."""
    parts = [code.co_code, marshal.dumps(code.co_names), marshal.dumps(code.co_varnames)]
    for const in code.co_consts:
        parts.append(_bytecode(const) if isinstance(const, CodeType) else marshal.dumps(const))
    return b"\0".join(parts)


def param_value(argument: str, value: Any) -> Any:
    """``value`` as canonical JSON data; Undigestible when it is not plain data."""
    stack: list[Any] = [value]
    while stack:  # iterative, so deep values cannot exhaust the recursion limit
        item = stack.pop()
        if item is None or isinstance(item, (bool, int, str)):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                raise Undigestible(argument, value)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict) and all(isinstance(k, str) for k in item):
            stack.extend(item.values())
        else:
            raise Undigestible(argument, value)
    return value


def cache_key(
    *, type: str, name: str, code: str, params: Mapping[str, Any], inputs: Sequence[tuple[str, str]]
) -> str:
    """The key: SHA-256 of the canonical JSON of the four parts (inputs as (argument, digest) pairs)."""
    body = {"type": type, "name": name, "code": code, "params": dict(params), "inputs": [list(i) for i in inputs]}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return PREFIX + hashlib.sha256(text.encode()).hexdigest()

"""A deterministic SHA-256 of a Python object graph, for fitted models.

Pickle bytes are not stable across processes for every estimator (memo order, set and
dict iteration, padding inside structured arrays), so the graph is walked instead and each
node fed in a canonical, tagged, length-prefixed form: numbers exactly (floats by their
hex form), strings as UTF-8, arrays as dtype, shape and contiguous bytes (structured
arrays field by field), mappings and sets sorted, classes and functions by dotted name,
plain objects by class and sorted attributes, other objects by their ``__reduce_ex__``
parts. No address or id ever reaches the hash.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Iterable, Mapping
from typing import Any


def object_digest(*objects: Any) -> str:
    """``sha256:<hex>`` of one or more objects, walked in order."""
    walker = _Walker()
    for obj in objects:
        walker.feed(obj)
    return "sha256:" + walker.sha.hexdigest()


class _Walker:
    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self._active: set[int] = set()

    def _put(self, tag: bytes, payload: bytes | memoryview = b"") -> None:
        self.sha.update(tag + len(payload).to_bytes(8, "little"))
        self.sha.update(payload)

    def feed(self, obj: Any) -> None:
        if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes, bytearray)):
            self._scalar(obj)
        elif isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
            self._put(b"name", _dotted(obj).encode())
        elif type(obj).__module__ == "numpy":
            self._numpy(obj)
        else:
            self._container_or_object(obj)

    def _scalar(self, obj: Any) -> None:
        if obj is None:
            self._put(b"none")
        elif isinstance(obj, bool):
            self._put(b"bool", b"1" if obj else b"0")
        elif isinstance(obj, int):
            self._put(b"int", str(int(obj)).encode())
        elif isinstance(obj, float):
            self._put(b"float", float(obj).hex().encode())
        elif isinstance(obj, complex):
            self._put(b"complex", f"{obj.real.hex()},{obj.imag.hex()}".encode())
        elif isinstance(obj, str):
            self._put(b"str", str(obj).encode("utf-8", "surrogatepass"))
        else:
            self._put(b"bytes", bytes(obj))

    def _numpy(self, obj: Any) -> None:
        import numpy as np

        if isinstance(obj, np.generic):
            self.feed(obj.item())
        elif isinstance(obj, np.ndarray):
            self._put(b"array", f"{obj.dtype.str}{obj.shape}".encode())
            if obj.dtype.names:
                for name in obj.dtype.names:
                    self.feed(name)
                    self.feed(np.ascontiguousarray(obj[name]))
            elif obj.dtype.hasobject:
                self._items(b"objects", obj.ravel().tolist())
            else:
                self._put(b"data", np.ascontiguousarray(obj).reshape(-1).view(np.uint8).data)
        else:
            self._container_or_object(obj)

    def _container_or_object(self, obj: Any) -> None:
        key = id(obj)
        if key in self._active:
            self._put(b"cycle")
            return
        self._active.add(key)
        try:
            if isinstance(obj, Mapping):
                self._put(b"map", _dotted(type(obj)).encode())
                self._items(b"pairs", sorted(obj.items(), key=lambda kv: _order(kv[0])))
            elif isinstance(obj, (list, tuple)):
                self._items(b"list" if isinstance(obj, list) else b"tuple", obj)
            elif isinstance(obj, (set, frozenset)):
                self._items(b"set", sorted(obj, key=_order))
            else:
                self._object(obj)
        finally:
            self._active.discard(key)

    def _object(self, obj: Any) -> None:
        cls = type(obj)
        self._put(b"object", _dotted(cls).encode())
        # As objects: mypy reads these as bound to a type object; they are the class's functions.
        reduce_ex: object = cls.__reduce_ex__
        reduce: object = cls.__reduce__
        if reduce_ex is object.__reduce_ex__ and reduce is object.__reduce__:
            state = _state(obj)
            if state is not None:
                self.feed(state)
                return
        reduced = obj.__reduce_ex__(4)
        if isinstance(reduced, str):
            self._put(b"global", reduced.encode())
            return
        parts = list(reduced) + [None] * (5 - len(reduced))
        self.feed(parts[0])
        self.feed(parts[1])
        self.feed(parts[2])
        self.feed(list(parts[3]) if parts[3] is not None else None)
        self.feed(list(parts[4]) if parts[4] is not None else None)

    def _items(self, tag: bytes, items: Iterable[Any]) -> None:
        values = list(items)
        self._put(tag, str(len(values)).encode())
        for value in values:
            self.feed(value)


def _state(obj: Any) -> Any:
    """What pickle would save of a plain object: its ``__getstate__``, else its attributes.

    scikit-learn adds its own version to that state; it is left out (the version is
    recorded beside the digest), so a model's digest is its configuration and fit alone.
    """
    getstate = getattr(type(obj), "__getstate__", None)
    if getstate is not None and getstate is not getattr(object, "__getstate__", None):
        state = obj.__getstate__()
    elif hasattr(obj, "__dict__"):
        state = vars(obj)
    else:
        return None
    if isinstance(state, dict) and "_sklearn_version" in state:
        state = {k: v for k, v in state.items() if k != "_sklearn_version"}
    return state


def _dotted(obj: Any) -> str:
    return f"{getattr(obj, '__module__', None) or ''}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def _order(key: Any) -> tuple[str, str]:
    return type(key).__qualname__, repr(key)

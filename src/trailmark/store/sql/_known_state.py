"""The node states this process last recorded in the audit log, per engine, for the next write to build on.

A write that updates a node (ends an execution, links it, tags it) records the node's whole
state; built from the state recorded before plus the values written, it needs no reads.
That prior state is only trusted while the chain's head is the entry this process appended
last: another writer, a rolled-back transaction or a write that may touch nodes other than
its target (any entry without a state built from values) drops what is known.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from sqlalchemy import Engine

from trailmark.store.sql._state import State

_LIMIT = 4096  # nodes remembered per engine
Head = tuple[int, str] | None  # (seq, hash) of the chain's newest entry, None for an empty log


class KnownStates:
    """The states recorded by this process's latest entries, valid while the log's head is its last entry."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._head: Head = None
        self._states: OrderedDict[int, State] = OrderedDict()

    def prior(self, head: Head, node: int) -> State | None:
        """The node's state after the entry ``head``, if this process recorded it and nothing came after."""
        with self._lock:
            return self._states.get(node) if head is not None and head == self._head else None

    def appended(self, head: Head, entry: tuple[int, str], node: int | None, state: State | None, *,
                 isolated: bool) -> None:
        """After appending ``entry`` on top of ``head``: remember ``state`` for ``node``.

        ``isolated``: the write changed no node's state but its target's (else the rest is forgotten).
        """
        with self._lock:
            if head is None or head != self._head or not isolated:
                self._states.clear()
            if node is not None:
                if state is None:
                    self._states.pop(node, None)
                else:
                    self._states[node] = state
                    self._states.move_to_end(node)
                    if len(self._states) > _LIMIT:
                        self._states.popitem(last=False)
            self._head = entry


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, KnownStates] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def of(engine: Engine) -> KnownStates:
    with _GUARD:
        found = _BY_ENGINE.get(engine)
        if found is None:
            found = _BY_ENGINE[engine] = KnownStates()
        return found

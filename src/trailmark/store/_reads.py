"""Audited reads gathered into one ``read`` entry per request.

A read of labelled nodes is audited (``store.audit.usage``). A request that reads through
several store calls (a leaderboard reads each ranked run's metrics; Marquez's lineage walks
and then loads nodes) would otherwise append one entry per call. Inside ``gathering()`` the
reads are held and written as one entry per project and actor when the gathering ends (or
when ``flush()`` is called: the server flushes before the response leaves). Outside one, each
read is written at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

# write(node_ids, target, what): append one ``read`` entry naming ``node_ids``
Writer = Callable[[list[int], str, str], None]


@dataclass
class _Held:
    writer: Writer
    ids: dict[int, None] = field(default_factory=dict)  # ordered, without repeats
    targets: dict[str, None] = field(default_factory=dict)
    whats: dict[str, None] = field(default_factory=dict)


class Gathering:
    """Reads held until ``flush``: one entry per (project, actor) for all of them."""

    def __init__(self) -> None:
        self._held: dict[tuple[str, str], _Held] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._held)

    def add(self, key: tuple[str, str], writer: Writer, ids: list[int], target: str, what: str) -> None:
        with self._lock:
            held = self._held.setdefault(key, _Held(writer))
            held.ids.update(dict.fromkeys(ids))
            held.targets[target] = None
            held.whats[what] = None

    def flush(self) -> None:
        """Write what is held, one entry per (project, actor)."""
        with self._lock:
            held, self._held = list(self._held.values()), {}
        for entry in held:
            ids = list(entry.ids)
            target = next(iter(entry.targets)) if len(entry.targets) == 1 else f"request:{len(ids)} nodes"
            entry.writer(ids, target, "+".join(entry.whats))


_current: ContextVar[Gathering | None] = ContextVar("trailmark_gathered_reads", default=None)


def record(key: tuple[str, str], writer: Writer, ids: list[int], target: str, what: str) -> None:
    """Audit a read now, or hold it for the gathering in progress."""
    gathering = _current.get()
    if gathering is None:
        writer(ids, target, what)
    else:
        gathering.add(key, writer, ids, target, what)


@contextmanager
def gathering() -> Iterator[Gathering]:
    """Hold the reads audited inside, and write them as one entry at the end.

    Nested gatherings join the outer one, which writes."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    held = Gathering()
    token = _current.set(held)
    try:
        yield held
    finally:
        _current.reset(token)
        held.flush()  # what was read before an error is audited too, as it would be without gathering

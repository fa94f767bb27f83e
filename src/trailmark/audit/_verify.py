"""Walk the log in ``seq`` order and find the first entry that breaks the chain."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from trailmark.audit._chain import GENESIS, AuditEntry, expected_hash


@dataclasses.dataclass(frozen=True)
class AuditReport:
    """The outcome of :func:`verify`.

    ``first_bad`` is the first seq that is missing, altered or out of place (None when
    ``ok``); ``head_seq`` / ``head_hash`` name the last entry checked, to keep outside the
    store so that a rewrite of the whole tail can be caught too.
    """

    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str | None = None
    head_seq: int | None = None
    head_hash: str | None = None


def verify(entries: Iterable[AuditEntry]) -> AuditReport:
    """Check seqs run 1, 2, 3..., each hash matches its entry and links to the one before."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        checked += 1
        if entry.seq != expected_seq:
            problem = "is missing" if entry.seq > expected_seq else f"is out of order (found {entry.seq})"
            return _broken(checked, expected_seq, f"entry {expected_seq} {problem}")
        if entry.prev_hash != prev_hash:
            return _broken(checked, entry.seq, f"entry {entry.seq} does not link to the entry before it")
        if entry.hash != expected_hash(entry):
            return _broken(checked, entry.seq, f"entry {entry.seq} was altered (its hash does not match)")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    if not checked:
        return AuditReport(ok=True, checked=0)
    return AuditReport(ok=True, checked=checked, head_seq=expected_seq - 1, head_hash=prev_hash)


def _broken(checked: int, seq: int, reason: str) -> AuditReport:
    return AuditReport(ok=False, checked=checked, first_bad=seq, reason=reason)

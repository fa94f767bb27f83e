"""Walk the log in ``seq`` order and find the first entry that breaks the chain."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from trailmark.audit._chain import GENESIS, AuditEntry, expected_hash
from trailmark.errors import ValidationError

_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclasses.dataclass(frozen=True)
class AuditReport:
    """The outcome of :func:`verify`.

    ``first_bad`` is the first seq that is missing, altered or out of place, or whose
    recorded row state no longer matches (None when ``ok``); ``head_seq`` / ``head_hash``
    name the last entry checked, to keep outside the store so that a rewrite of the whole
    tail can be caught too; ``rows`` counts the nodes a deep verification re-hashed.
    """

    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    rows: int | None = None


def parse_anchor(text: str) -> tuple[int, str]:
    """``"SEQ:HASH"`` (as ``trailmark audit verify`` prints the head) -> ``(seq, hash)``."""
    seq, _, digest = str(text).strip().partition(":")
    if not seq.isdigit() or int(seq) < 1 or not _HEX.match(digest):
        raise ValidationError(f"invalid anchor {text!r}: expected SEQ:HASH, such as 42:{'ab' * 32}")
    return int(seq), digest


def verify(entries: Iterable[AuditEntry], *, anchor: tuple[int, str] | None = None) -> AuditReport:
    """Check seqs run 1, 2, 3..., each hash matches its entry and links to the one before.

    With ``anchor`` (a seq and hash kept outside the store), entry ``seq`` must still exist
    and have that hash: this catches a tail rewritten with fresh hashes, or cut off.
    """
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
        if anchor is not None and entry.seq == anchor[0] and entry.hash != anchor[1]:
            return _broken(checked, entry.seq, f"entry {entry.seq} is not the anchored one (the log was rewritten)")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    if anchor is not None and anchor[0] >= expected_seq:
        reason = f"the log ends at entry {expected_seq - 1}, before the anchored entry {anchor[0]} (it was cut)"
        return _broken(checked, expected_seq, reason)
    if not checked:
        return AuditReport(ok=True, checked=0)
    return AuditReport(ok=True, checked=checked, head_seq=expected_seq - 1, head_hash=prev_hash)


def _broken(checked: int, seq: int, reason: str) -> AuditReport:
    return AuditReport(ok=False, checked=checked, first_bad=seq, reason=reason)

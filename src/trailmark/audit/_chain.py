"""The hash chain: how one audit entry's hash covers the entry before it.

``hash = sha256(canonical JSON of [prev_hash, seq, time, project, actor, action, target,
change(, state)])``, where ``change`` is the digest of the write's payload, ``state`` (when
recorded) the digest of the target node's rows after the write, and the first entry's
``prev_hash`` is :data:`GENESIS`. Changing, removing, inserting or reordering an entry
breaks the hash of that entry or the ``prev_hash`` link of the next one.

Digests are keyed (``hmac:<hex>``, HMAC-SHA256 under the store's audit key), so a digest
kept after a purge cannot confirm a guess of the erased content; entries written before
keyed digests hold ``sha256:<hex>``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from datetime import datetime, timezone
from typing import Any

GENESIS = "0" * 64


@dataclasses.dataclass(frozen=True)
class AuditEntry:
    """One record of the append-only audit log."""

    seq: int
    time: datetime
    project: str | None
    actor: str
    action: str
    target: str
    change: str
    prev_hash: str
    hash: str
    state: str | None = None


def canonical_json(payload: Any) -> bytes:
    """Sorted keys, no spaces, datetimes as ISO 8601: the bytes every digest is taken over."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return text.encode()


def change_digest(payload: Any, key: bytes | None = None) -> str:
    """``hmac:<hex>`` of a write's payload under ``key``, or ``sha256:<hex>`` without one."""
    data = canonical_json(payload)
    if key is None:
        return "sha256:" + hashlib.sha256(data).hexdigest()
    return "hmac:" + hmac.new(key, data, hashlib.sha256).hexdigest()


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    time: datetime,
    project: str | None,
    actor: str,
    action: str,
    target: str,
    change: str,
    state: str | None = None,
) -> str:
    """The hash of an entry, over its fields and the previous entry's hash."""
    fields: list[Any] = [prev_hash, seq, canonical_time(time), project, actor, action, target, change]
    if state is not None:
        fields.append(state)
    text = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def expected_hash(entry: AuditEntry) -> str:
    """What ``entry.hash`` must be, recomputed from its other fields."""
    return entry_hash(
        prev_hash=entry.prev_hash, seq=entry.seq, time=entry.time, project=entry.project, actor=entry.actor,
        action=entry.action, target=entry.target, change=entry.change, state=entry.state,
    )


def canonical_time(value: datetime) -> str:
    """UTC, microseconds: the precision both SQLite and PostgreSQL keep."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return canonical_time(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)

"""The audit log for the web UI: the newest entries first, and whether the hash chain verifies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trailmark.entities import to_dict

if TYPE_CHECKING:
    from trailmark.store import Store


def audit(store: Store, *, limit: int) -> dict[str, Any]:
    """``available`` is False while the store has no audit log, so the page can say so."""
    log = getattr(store, "audit", None)
    if log is None:
        return {"available": False, "message": "this store keeps no audit log", "verify": None, "entries": []}
    report = log.verify()
    entries = log.log(limit=limit)
    return {
        "available": True,
        "verify": {"ok": report.ok, "checked": report.checked, "first_bad": report.first_bad, "reason": report.reason},
        "entries": [to_dict(entry) for entry in reversed(entries)],
    }

"""Facets over a run's events, and the identity of a dataset version.

Facets accumulate: a later event's facet replaces the one of the same name, a facet sent
as ``{"_deleted": true}`` removes it, and facets not mentioned are kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from trailmark.errors import ValidationError

Json = dict[str, Any]


def merge(current: Mapping[str, Any] | None, update: Mapping[str, Any] | None) -> Json:
    """``current`` with the facets of ``update`` applied (later values win, ``_deleted`` removes)."""
    merged = dict(current or {})
    for name, facet in (update or {}).items():
        if isinstance(facet, Mapping) and facet.get("_deleted") is True:
            merged.pop(name, None)
        else:
            merged[name] = facet
    return merged


def version_label(facets: Mapping[str, Any] | None) -> str | None:
    """The ``version`` facet's datasetVersion, if the mention names one."""
    facet = (facets or {}).get("version")
    if isinstance(facet, Mapping) and not facet.get("_deleted") and isinstance(facet.get("datasetVersion"), str):
        return str(facet["datasetVersion"])
    return None


def version_digest(namespace: str, name: str, *, label: str | None = None, run_id: str | None = None) -> str:
    """The digest of one version: by its label when it has one, else by the run that wrote it.

    With neither (the first mention of a dataset only read so far) it names the dataset's
    first version.
    """
    basis = ["label", label] if label is not None else ["run", run_id] if run_id is not None else ["first"]
    text = json.dumps([namespace, name, *basis], separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def event_time(event: Mapping[str, Any], default: datetime) -> datetime:
    """The event's ``eventTime`` as an aware datetime (``default`` when it has none)."""
    text = event.get("eventTime")
    if not isinstance(text, str):
        return default
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError as exc:
        raise ValidationError(f"eventTime must be an ISO 8601 date and time, got {text!r}") from exc
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)

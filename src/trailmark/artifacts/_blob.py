"""What a store answers when it keeps bytes, and where an artifact's kept bytes are named."""

from __future__ import annotations

import dataclasses
from typing import Any

from trailmark.entities import Artifact
from trailmark.errors import NotFoundError

STORED = "stored"
"""The property of an artifact whose bytes are kept: ``{"digest", "size", ...}``."""


@dataclasses.dataclass(frozen=True)
class Blob:
    """Bytes kept in an artifact root: their digest, the URL naming them, their size."""

    digest: str
    uri: str
    size: int


def stored_properties(blob: Blob, **more: Any) -> dict[str, Any]:
    """The ``stored`` property recording ``blob`` (and e.g. a model's ``format``) on an artifact."""
    return {STORED: {"digest": blob.digest, "size": blob.size, **more}}


def stored_digest(node: Any) -> str:
    """The digest of the kept bytes of an artifact; NotFoundError when it has none."""
    if not isinstance(node, Artifact):
        raise NotFoundError(f"{node.ref} is an execution: only artifacts have kept bytes")
    stored = node.properties.get(STORED)
    if isinstance(stored, dict) and isinstance(stored.get("digest"), str):
        return str(stored["digest"])
    raise NotFoundError(
        f"{node.ref} has no kept bytes (its uri {node.uri!r} is only a pointer): log it with run.log_file or "
        "run.log_model(..., save=True)"
    )

"""What a capture returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Description:
    """The captured metadata of one object.

    ``digest`` is ``sha256:<64 hex>`` over the object's content; ``properties`` holds only
    JSON-serialisable plain Python values; ``uri`` is set when the object was a path or URI.
    """

    digest: str
    properties: dict[str, Any] = field(default_factory=dict)
    uri: str | None = None

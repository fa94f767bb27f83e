"""How a logged artifact gets its uri and digest when the caller gives no digest.

The HTTP client runs :func:`artifact_digest` with ``read=True`` (the files are on the
caller's machine); the server runs it with ``read=False``, so a request can never make
the server read its own files or fetch a URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trailmark import hashing
from trailmark.governance._sensitive import fingerprint


def normalise_uri(uri: str | None) -> str | None:
    """Plain local paths become absolute ``file://`` URIs; other URIs pass unchanged."""
    if uri is None or "://" in uri:
        return uri
    return Path(uri).expanduser().resolve().as_uri()


def metadata_digest(uri: str | None, properties: dict[str, Any]) -> str | None:
    """Digest of an artifact known only by its uri and properties.

    Sensitive values count by their keyed fingerprint, never their text; without the key
    (a client) the digest is None, left to the server.
    """
    form = fingerprint(properties, "properties")
    if form is None:
        return None
    return hashing.digest_bytes(json.dumps({"uri": uri, "properties": form}, sort_keys=True).encode())


def artifact_digest(uri: str | None, properties: dict[str, Any], *, read: bool) -> str | None:
    """The content digest of ``uri`` if ``read`` and readable, else :func:`metadata_digest`."""
    found = hashing.digest_uri(uri) if read and uri else None
    return found or metadata_digest(uri, properties)

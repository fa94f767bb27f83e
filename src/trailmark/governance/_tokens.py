"""API tokens: ``tm_<id>_<secret>``, shown once; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import re
import secrets

_TOKEN = re.compile(r"^tm_([0-9a-f]{12})_([A-Za-z0-9_\-]{43})$")


def new_token() -> tuple[str, str]:
    """A fresh ``(token id, token)``; the id is public, the token is the secret."""
    token_id = secrets.token_hex(6)
    return token_id, f"tm_{token_id}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_id_of(token: str) -> str | None:
    """The id part of a well-formed token, or None for anything else."""
    found = _TOKEN.match(token)
    return found.group(1) if found else None

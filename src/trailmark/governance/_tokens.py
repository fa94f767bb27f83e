"""API tokens: ``tm_<id>_<secret>``, shown once; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh ``(token id, token)``; the id is public (to list and revoke it), the token is the secret."""
    token_id = secrets.token_hex(6)
    return token_id, f"tm_{token_id}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()

"""Governance: roles and principals, tokens, sensitive values, durations, and their records."""

from trailmark.governance._durations import parse_duration, since_time
from trailmark.governance._entities import (
    Classification,
    IssuedToken,
    Member,
    Restriction,
    TokenInfo,
    Tombstone,
    Usage,
    User,
)
from trailmark.governance._roles import Principal, Role, authorize
from trailmark.governance._sensitive import MASK, Keyring, Sensitive, new_key
from trailmark.governance._tokens import new_token, token_hash

__all__ = [
    "MASK",
    "Classification",
    "IssuedToken",
    "Keyring",
    "Member",
    "Principal",
    "Restriction",
    "Role",
    "Sensitive",
    "Tombstone",
    "TokenInfo",
    "Usage",
    "User",
    "authorize",
    "new_key",
    "new_token",
    "parse_duration",
    "since_time",
    "token_hash",
]

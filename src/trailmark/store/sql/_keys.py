"""The key of the audit log's digests: derived from the store's secret, else one random key per store.

With ``TRAILMARK_SECRET_KEY`` (or ``TRAILMARK_SECRET_KEYS``) set, every key of the keyring
gives an audit key (HMAC-SHA256 of a fixed label under it): a digest in the log cannot be
confirmed by guessing the content without the secret. A store with no secret makes one
random key at its first write and keeps it in ``audit_keys``: guesses cannot be checked
over the API, but anyone who can read the database can (docs/security.md).

A key is named by a short tag (the first 8 hex digits of a hash of the key), written with
each row-state digest, so a later check picks the key that made it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import weakref
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Connection, Engine, select

from trailmark.governance import Keyring
from trailmark.store.sql import _txn
from trailmark.store.sql._tables import audit_keys
from trailmark.store.sql._upsert import upsert

_LABEL = b"trailmark-audit-digests"
_CACHE: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()
_STORE_KEY = "store"
_NAMES = ("TRAILMARK_SECRET_KEY", "TRAILMARK_SECRET_KEYS", "TRAILMARK_SECRET_KEY_ID")


def _tag(key: bytes) -> str:
    return hashlib.sha256(b"trailmark-key-tag:" + key).hexdigest()[:8]


def _derive(secret: bytes) -> bytes:
    return hmac.new(secret, _LABEL, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _from_secrets(env: tuple[str, str, str]) -> tuple[tuple[str, bytes], dict[str, bytes]] | None:
    keyring = Keyring.from_env(dict(zip(_NAMES, env, strict=True)))
    if keyring is None:
        return None
    derived = {kid: _derive(key) for kid, key in keyring.keys.items()}
    current = derived[keyring.current]
    return (_tag(current), current), {_tag(k): k for k in derived.values()}


def _env() -> tuple[str, str, str]:
    key, keys, current = (os.environ.get(name, "") for name in _NAMES)
    return key, keys, current


def current(conn: Connection, now: datetime) -> tuple[str, bytes]:
    """``(tag, key)`` that new digests are made with (in a write: may create the store's own key).

    Once per write transaction: the environment is read at its first entry, not at each.
    """
    tx = _txn.of(conn)
    if tx is None:
        return _current(conn, now)
    return tx.once(_CURRENT, lambda: _current(conn, now))


_CURRENT = ("audit key",)


def _current(conn: Connection, now: datetime) -> tuple[str, bytes]:
    found = _from_secrets(_env())
    if found is not None:
        return found[0]
    key = _store_key(conn)
    if key is None:  # made in this transaction: not cached until committed and read back
        upsert(conn, audit_keys, {"id": _STORE_KEY, "key": secrets.token_hex(32), "created_at": now}, keys=["id"])
        key = bytes.fromhex(conn.execute(select(audit_keys.c.key).where(audit_keys.c.id == _STORE_KEY)).scalar_one())
    return _tag(key), key


def signing(conn: Connection) -> bytes:
    """A key for signing values handed out and read back (page tokens), without writing in a read.

    The secret's derived key, else the store's own; a store that has written nothing yet has
    neither, and signs with a fixed label (a forged token is then caught only as malformed).
    """
    found = _from_secrets(_env())
    if found is not None:
        return found[0][1]
    return _store_key(conn) or _LABEL


def known(conn: Connection) -> dict[str, bytes]:
    """Every key a digest may have been made with, by tag."""
    found = _from_secrets(_env())
    keys = dict(found[1]) if found is not None else {}
    own = _store_key(conn)
    if own is not None:
        keys[_tag(own)] = own
    return keys


def _store_key(conn: Connection) -> bytes | None:
    """The store's own key; read once per engine (it never changes once made)."""
    cached = _CACHE.get(conn.engine)
    if cached is not None:
        return cached
    text = conn.execute(select(audit_keys.c.key).where(audit_keys.c.id == _STORE_KEY)).scalar()
    if not text:
        return None
    key = _CACHE[conn.engine] = bytes.fromhex(text)
    return key

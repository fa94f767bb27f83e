"""Sensitive values: encrypted at rest with AES-GCM, masked when read.

A value wrapped in :class:`Sensitive` (or given as ``{"$sensitive": {"value": v}}``, its
wire form) is stored as ``{"$sensitive": {"kid", "nonce", "ct"}}``. Keys come from the
environment: ``TRAILMARK_SECRET_KEY`` (base64 of 32 bytes, key id ``default``), or
``TRAILMARK_SECRET_KEYS=id1:key1,id2:key2`` with ``TRAILMARK_SECRET_KEY_ID`` naming the
key that encrypts new values; older keys stay listed so older values still decrypt.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from typing import Any

from trailmark.errors import PermissionDeniedError, ValidationError

MARKER = "$sensitive"
MASK = "***"


class Sensitive:
    """A property or param value to encrypt at rest and show masked.

    Example:
        >>> store.log_artifact("Dataset", "patients", properties={"db_password": tm.Sensitive("s3cret")})
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Sensitive({MASK!r})"

    def to_json(self) -> dict[str, Any]:
        """The wire form, for sending to a server that encrypts it."""
        return {MARKER: {"value": self.value}}


@dataclasses.dataclass(frozen=True)
class Keyring:
    """Encryption keys by id, and the id of the one that encrypts new values."""

    keys: Mapping[str, bytes]
    current: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Keyring | None:
        """The keys configured in the environment, or None when there are none."""
        env = os.environ if environ is None else environ
        keys: dict[str, bytes] = {}
        for item in filter(None, (part.strip() for part in env.get("TRAILMARK_SECRET_KEYS", "").split(","))):
            kid, sep, encoded = item.partition(":")
            if not sep or not kid:
                raise ValidationError(f"TRAILMARK_SECRET_KEYS entries are id:base64key, got {kid!r}")
            keys[kid] = _decode_key(encoded, kid)
        if env.get("TRAILMARK_SECRET_KEY"):
            keys.setdefault("default", _decode_key(env["TRAILMARK_SECRET_KEY"], "default"))
        if not keys:
            return None
        current = env.get("TRAILMARK_SECRET_KEY_ID") or ("default" if "default" in keys else list(keys)[-1])
        if current not in keys:
            raise ValidationError(f"TRAILMARK_SECRET_KEY_ID={current!r} names no key in TRAILMARK_SECRET_KEYS")
        return cls(keys=keys, current=current)


def new_key() -> str:
    """A fresh key, base64-encoded, for ``TRAILMARK_SECRET_KEY``."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def seal(data: Any, what: str, keyring: Keyring | None = None) -> tuple[Any, Any]:
    """Encrypt every Sensitive value in ``data`` (with ``keyring``, else the environment's keys).

    Returns the form to store and a deterministic form (keyed fingerprints in place of
    values) to compute digests over. Without a key, a Sensitive value is a ValidationError:
    it is never stored in plain text.
    """
    if not _has_sensitive(data, what):
        return data, data
    keyring = keyring or Keyring.from_env()

    def walk(value: Any) -> tuple[Any, Any]:
        if isinstance(value, Sensitive) or _is_wire(value):
            plain = value.value if isinstance(value, Sensitive) else value[MARKER]["value"]
            if keyring is None:
                raise ValidationError(
                    f"{what} holds a Sensitive value but no encryption key is set: set TRAILMARK_SECRET_KEY "
                    "(base64 of 32 bytes, e.g. from `python -c \"import trailmark.governance as g; "
                    "print(g.new_key())\"`)"
                )
            return _encrypt(plain, keyring, what), {MARKER: _fingerprint(plain, keyring)}
        if isinstance(value, Mapping):
            pairs = {k: walk(v) for k, v in value.items()}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        if isinstance(value, (list, tuple)):
            items = [walk(v) for v in value]
            return [p[0] for p in items], [p[1] for p in items]
        return value, value

    return walk(data)


def fingerprint(data: Any, what: str) -> Any | None:
    """The deterministic form of ``data`` for digests (see :func:`seal`).

    None when ``data`` holds a Sensitive value and no key is set here: a client without the
    key leaves the digest to the server, which has it.
    """
    if not _has_sensitive(data, what):
        return data
    keyring = Keyring.from_env()
    return None if keyring is None else seal(data, what, keyring)[1]


def mask(data: Any) -> Any:
    """``data`` with every encrypted value shown as ``"***"``."""
    if is_sealed(data):
        return MASK
    if isinstance(data, dict):
        return {k: mask(v) for k, v in data.items()}
    if isinstance(data, list):
        return [mask(v) for v in data]
    return data


def is_sealed(value: Any) -> bool:
    """Whether ``value`` is an encrypted value as stored."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(MARKER), dict) and "ct" in value[MARKER]


def unseal(value: Any, keyring: Keyring | None) -> Any:
    """The plain value of a stored encrypted value."""
    if not is_sealed(value):
        raise ValidationError("that value is not an encrypted (Sensitive) value")
    box = value[MARKER]
    if keyring is None or box.get("kid") not in keyring.keys:
        raise PermissionDeniedError(
            f"the key {box.get('kid')!r} that encrypted this value is not configured: "
            "set TRAILMARK_SECRET_KEY or list it in TRAILMARK_SECRET_KEYS"
        )
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        plain = AESGCM(keyring.keys[box["kid"]]).decrypt(
            base64.b64decode(box["nonce"]), base64.b64decode(box["ct"]), _aad(box["kid"])
        )
    except (InvalidTag, binascii.Error, KeyError) as exc:
        raise PermissionDeniedError(
            f"cannot decrypt the value with key {box['kid']!r}: wrong key or altered data"
        ) from exc
    return json.loads(plain)


def _encrypt(plain: Any, keyring: Keyring, what: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        text = json.dumps(plain, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"a Sensitive value in {what} must be JSON-serialisable: {exc}") from exc
    nonce = secrets.token_bytes(12)
    ct = AESGCM(keyring.keys[keyring.current]).encrypt(nonce, text, _aad(keyring.current))
    box = {"kid": keyring.current, "nonce": base64.b64encode(nonce).decode(), "ct": base64.b64encode(ct).decode()}
    return {MARKER: box}


def _fingerprint(plain: Any, keyring: Keyring) -> str:
    text = json.dumps(plain, sort_keys=True, default=str).encode()
    return hmac.new(keyring.keys[keyring.current], text, hashlib.sha256).hexdigest()


def _aad(kid: str) -> bytes:
    return b"trailmark-sensitive:" + kid.encode()


def _is_wire(value: Any) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and isinstance(value.get(MARKER), Mapping) and (
        set(value[MARKER]) == {"value"}
    )


def _has_sensitive(value: Any, what: str) -> bool:
    """Whether ``value`` holds a Sensitive; an already-encrypted form given as input is refused."""
    if isinstance(value, Sensitive) or _is_wire(value):
        return True
    if isinstance(value, Mapping):
        if MARKER in value:
            raise ValidationError(f"{what} may not contain the reserved key {MARKER!r}: wrap the value in tm.Sensitive")
        return any([_has_sensitive(v, what) for v in value.values()])
    if isinstance(value, (list, tuple)):
        return any([_has_sensitive(v, what) for v in value])
    return False


def _decode_key(encoded: str, kid: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != 32:
        where = "TRAILMARK_SECRET_KEY" if kid == "default" else f"key {kid!r} of TRAILMARK_SECRET_KEYS"
        raise ValidationError(
            f"{where} must be base64 of exactly 32 bytes: make one with "
            "`python -c \"import trailmark.governance as g; print(g.new_key())\"` (see docs/security.md)"
        )
    return key

"""References: one text form for every node, alike in the API, the CLI, REST and the UI.

``dataset:housing-raw@3`` (a version), ``dataset:housing-raw`` (the latest),
``model:house-price-rf@production`` (an alias), ``exec:42``, ``sha256:1a2b3c4d`` (a digest
prefix of 8 or more hex digits), a bare id such as ``42``, and a run's uid: ``run:<uid>`` or
the bare 32 hex digits.
"""

from __future__ import annotations

import dataclasses
import re

from trailmark.errors import ValidationError

_HEX = re.compile(r"^[0-9a-f]+$")
_UID = re.compile(r"^[0-9a-fA-F]{32}$")
_NAME = re.compile(r"^[^\s@]+$")
_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
MIN_DIGEST_PREFIX = 8
MAX_ID = 2**63 - 1  # ids are BIGINT
MAX_VERSION = 2**31 - 1  # versions are INTEGER

_FORMS = "TYPE:NAME[@VERSION|@ALIAS], exec:ID, run:UID, sha256:HEX (8+ digits), a bare id or a bare uid"


@dataclasses.dataclass(frozen=True)
class ArtifactRef:
    """``type:name`` with an optional version number or alias."""

    type: str
    name: str
    version: int | None = None
    alias: str | None = None

    def __str__(self) -> str:
        suffix = f"@{self.version}" if self.version is not None else f"@{self.alias}" if self.alias else ""
        return f"{self.type}:{self.name}{suffix}"


@dataclasses.dataclass(frozen=True)
class ExecutionRef:
    id: int

    def __str__(self) -> str:
        return f"exec:{self.id}"


@dataclasses.dataclass(frozen=True)
class DigestRef:
    prefix: str

    def __str__(self) -> str:
        return f"sha256:{self.prefix}"


@dataclasses.dataclass(frozen=True)
class IdRef:
    id: int

    def __str__(self) -> str:
        return str(self.id)


@dataclasses.dataclass(frozen=True)
class UidRef:
    """A run by its uid (``execution.uid``): 32 lower-case hex digits."""

    uid: str

    def __str__(self) -> str:
        return f"run:{self.uid}"


Reference = ArtifactRef | ExecutionRef | DigestRef | IdRef | UidRef


def parse_ref(text: str) -> Reference:
    """Parse a reference; raise ValidationError saying which forms are accepted.

    Example:
        >>> parse_ref("model:house-price-rf@production")
        ArtifactRef(type='model', name='house-price-rf', version=None, alias='production')
    """
    if not isinstance(text, str):
        raise ValidationError(f"a reference must be text, got {type(text).__name__}")
    text = text.strip()
    if _UID.match(text):  # before ids: 32 digits are past any id, so they can only be a uid
        return UidRef(text.lower())
    if _digits(text):
        return IdRef(_whole(text, MAX_ID, text, "an id"))
    head, sep, rest = text.partition(":")
    if not sep or not rest:
        raise ValidationError(f"cannot read reference {text!r}: expected {_FORMS}")
    kind = head.lower()
    if kind in ("exec", "execution"):
        if not _digits(rest):
            raise ValidationError(f"cannot read reference {text!r}: an execution id is a number, as in exec:42")
        return ExecutionRef(_whole(rest, MAX_ID, text, "an execution id"))
    if kind == "run" and _UID.match(rest):
        return UidRef(rest.lower())
    if kind == "sha256":
        prefix = rest.lower()
        if not _HEX.match(prefix) or len(prefix) < MIN_DIGEST_PREFIX or len(prefix) > 64:
            raise ValidationError(
                f"cannot read reference {text!r}: a digest reference needs {MIN_DIGEST_PREFIX} to 64 hex digits"
            )
        return DigestRef(prefix)
    if not _TYPE.match(head):
        raise ValidationError(f"cannot read reference {text!r}: {head!r} is not a type name; expected {_FORMS}")
    name, at, selector = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if not name or not _NAME.match(name) or (at and not selector):
        raise ValidationError(f"cannot read reference {text!r}: expected {_FORMS}")
    if not at:
        return ArtifactRef(kind, name)
    if _digits(selector):
        return ArtifactRef(kind, name, version=_whole(selector, MAX_VERSION, text, "a version"))
    return ArtifactRef(kind, name, alias=selector)


def _digits(text: str) -> bool:
    """Only ASCII digits (``str.isdigit`` also accepts ``²``, which ``int`` refuses)."""
    return text.isascii() and text.isdigit()


def _whole(digits: str, limit: int, text: str, what: str) -> int:
    # Length first: int() refuses texts of over 4,300 digits with a plain ValueError.
    if len(digits.lstrip("0")) > len(str(limit)) or int(digits) > limit:
        raise ValidationError(f"cannot read reference {text[:40]!r}: {what} is at most {limit}")
    return int(digits)


def format_ref(type: str, name: str, version: int | None = None) -> str:
    """``format_ref("Dataset", "raw", 3)`` -> ``"dataset:raw@3"``."""
    base = f"{type.lower()}:{name}"
    return base if version is None else f"{base}@{version}"

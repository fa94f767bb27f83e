"""OpenLineage text to Trailmark names and types, and the uri of a dataset."""

from __future__ import annotations

import hashlib
import re

from trailmark.store._validate import MAX_NAME

_NOT_IN_NAME = re.compile(r"[\s@\x00]+")
_NOT_IN_TYPE = re.compile(r"[^A-Za-z0-9_\-]+")
MAX_TYPE = 100


def node_name(text: str) -> str:
    """A valid node name: spaces, NUL and '@' become '_', no leading ':' or '/', long names shortened.

    A shortened name keeps a digest of the whole text, so two long names stay apart.
    """
    name = _NOT_IN_NAME.sub("_", text).lstrip(":/") or "unnamed"
    if len(name) > MAX_NAME:
        suffix = "~" + hashlib.sha256(text.encode()).hexdigest()[:12]
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


def type_name(text: str, default: str = "Job") -> str:
    """A valid type: ``QUERY`` -> ``Query``, ``dbt model`` -> ``dbt_model``, nothing usable -> ``default``."""
    cleaned = _NOT_IN_TYPE.sub("_", text.strip()).strip("_")[:MAX_TYPE]
    if not cleaned or not cleaned[0].isalpha():
        return default
    return cleaned.capitalize() if cleaned.isupper() else cleaned


def dataset_uri(namespace: str, name: str) -> str:
    """``namespace/name``; a namespace without a scheme becomes one (``file`` + ``/x.csv`` -> ``file:///x.csv``)."""
    if "://" in namespace:
        return f"{namespace.rstrip('/')}/{name.lstrip('/')}"
    return f"{namespace}://{name}"

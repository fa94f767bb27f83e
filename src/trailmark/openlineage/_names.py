"""OpenLineage text to Trailmark names and types, and the uri of a dataset."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

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


def dataset_identity(project: str, name: str, uri: str | None, properties: dict[str, object]) -> tuple[str, str]:
    """The OpenLineage (namespace, name) of an artifact.

    One that came in through OpenLineage keeps its own; any other is named by its location
    (``s3://bucket/a/b.csv`` -> ``s3://bucket``, ``a/b.csv``; ``file:///data/x`` -> ``file``,
    ``/data/x``), and one without a location by ``trailmark://PROJECT`` and its name.
    """
    origin = properties.get("openlineage")
    if isinstance(origin, dict) and isinstance(origin.get("namespace"), str) and isinstance(origin.get("name"), str):
        return origin["namespace"], origin["name"]
    if uri and "://" in uri:
        parts = urlsplit(uri)
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}", parts.path.lstrip("/") or name
        if parts.path:
            return parts.scheme, parts.path
    return f"trailmark://{project}", name

"""Artifacts: log a version, list a series."""

from __future__ import annotations

from typing import Any

from trailmark.entities import to_dict
from trailmark.errors import ValidationError
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.server.schemas import ArtifactIn, ArtifactOut
from trailmark.store import _validate
from trailmark.store._digests import artifact_digest

router = api_router("artifacts")


@router.post("/artifacts", response_model=ArtifactOut)
def log_artifact(body: ArtifactIn, store: Writer) -> dict[str, Any]:
    """Log a version of an artifact; known content returns the version already stored.

    The server never reads ``uri``: without ``digest``, the version is identified by a
    digest of the uri and properties (the Python client hashes local files itself).
    """
    properties = _validate.json_object(body.properties, "properties")
    digest = server_digest(body.uri, body.digest, properties)
    return to_dict(store.log_artifact(body.type, body.name, body.uri, digest=digest, properties=properties))


def server_digest(uri: str | None, digest: str | None, properties: dict[str, Any]) -> str | None:
    """The digest of an artifact sent to the server, which never reads ``uri``."""
    if uri is not None and "://" not in uri:
        raise ValidationError(f"uri {uri!r} has no scheme: send file:///ABSOLUTE/PATH, s3://... and so on")
    return digest or artifact_digest(uri, properties, read=False)


@router.get("/series/{type}/{name:path}", response_model=list[ArtifactOut])
def versions(type: str, name: str, store: Reader) -> list[dict[str, Any]]:
    """Every version of the ``type``/``name`` series, oldest first (a model's versions: type ``Model``)."""
    return [to_dict(a) for a in store.versions(type, name)]

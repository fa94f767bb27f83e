"""Keep the meta-feature vector of every profiled dataset, written with the artifact itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from trailmark.reuse._features import features, has_profile
from trailmark.store.sql._tables import dataset_features
from trailmark.store.sql._upsert import upsert


def index_features(conn: Connection, *, artifact_id: int, project_id: int, properties: Mapping[str, Any]) -> None:
    """Store the vector of ``properties`` when they hold a dataset profile (see ``trailmark.reuse``)."""
    if not has_profile(properties):
        return
    row = {"artifact_id": artifact_id, "project_id": project_id, "vector": features(properties).pack()}
    upsert(conn, dataset_features, row, keys=["artifact_id"], update=["vector"])

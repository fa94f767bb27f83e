"""Datasets and models for the web UI: series, versions, aliases and deployments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, to_dict
from trailmark.server.ui._runs import producer_of

if TYPE_CHECKING:
    from trailmark.store import Store

MAX_LISTED = 1000


def datasets(store: Store) -> dict[str, Any]:
    """Every Dataset series (newest first) with its latest version's shape."""
    page = store.search("type = 'Dataset'", kind="artifacts", order_by=["created desc"], limit=MAX_LISTED)
    series: dict[str, dict[str, Any]] = {}
    for artifact in page:
        entry = series.get(artifact.name)
        if entry is None:
            series[artifact.name] = {**_shape(artifact), "latest": to_dict(artifact), "versions": 1}
        else:
            entry["versions"] += 1
    return {"items": list(series.values()), "truncated": page.next_page_token is not None}


def dataset_versions(store: Store, name: str, type: str = "Dataset") -> dict[str, Any]:
    """Every version of one dataset, oldest first, each with what produced it."""
    versions = store.versions(type, name)
    items = []
    for artifact in versions:
        producer = producer_of(store, artifact)
        items.append({**to_dict(artifact), **_shape(artifact), "producer": to_dict(producer) if producer else None})
    return {"name": name, "type": type, "versions": items}


def models(store: Store) -> dict[str, Any]:
    """The registry: each model's versions (with their run's metrics), aliases, moves and deployments."""
    page = store.search("", kind="models", order_by=["created desc"], limit=MAX_LISTED)
    names = sorted({m.name for m in page})
    deployments = _deployments(store)
    return {
        "items": [_model(store, name, deployments.get(name, [])) for name in names],
        "truncated": page.next_page_token is not None,
    }


def _model(store: Store, name: str, deployments: list[dict[str, Any]]) -> dict[str, Any]:
    aliases = store.models.aliases(name)
    versions = []
    for artifact in store.models.versions(name):
        producer = producer_of(store, artifact)
        versions.append({
            **to_dict(artifact),
            "aliases": sorted(a for a, v in aliases.items() if v == artifact.version),
            "run": to_dict(producer) if producer else None,
            "metrics": store.latest_metrics(producer) if producer else {},
        })
    return {
        "name": name,
        "aliases": aliases,
        "versions": versions,
        "alias_history": [to_dict(move) for move in store.alias_history(name)],
        "deployments": deployments,
    }


def _deployments(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Deployment artifacts grouped by the model series they serve, newest first."""
    page = store.search("type = 'Deployment'", kind="artifacts", order_by=["created desc"], limit=MAX_LISTED)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for deployment in page:
        model = str(deployment.properties.get("model", ""))
        name = model.split(":", 1)[-1].rsplit("@", 1)[0] if model else deployment.name
        grouped.setdefault(name, []).append(to_dict(deployment))
    return grouped


def _shape(artifact: Artifact) -> dict[str, Any]:
    """Rows and columns of a captured dataset, when its properties say."""
    props = artifact.properties
    columns = props.get("columns", props.get("schema"))
    return {"rows": props.get("rows"), "columns": _count(columns)}


def _count(columns: Any) -> int | None:
    if isinstance(columns, int) and not isinstance(columns, bool):
        return columns
    if isinstance(columns, (dict, list)):
        return len(columns)
    if isinstance(columns, Iterable) and not isinstance(columns, str):
        return len(list(columns))
    return None

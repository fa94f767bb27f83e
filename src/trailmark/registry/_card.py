"""A model card: how a Model artifact was built, read back from what capture recorded.

Built only on Store protocol calls (``get``, ``lineage``, ``metrics``), so it reads the
same on every backend. Nothing here is typed in by the user: the preprocessing comes
from the model's captured ``steps`` (``describe_model``), the data versions from the
producing run's inputs, the metrics from that run and the Evaluate runs that read the
model, the deployment from the Deployment artifacts downstream.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, EdgeKind, Execution
from trailmark.errors import ValidationError

if TYPE_CHECKING:
    from trailmark.lineage import Lineage
    from trailmark.store import Store
    from trailmark.store._protocol import NodeLike

# Scalers: the fitted attributes holding location and spread, as (name in the card, attribute).
_SCALERS: dict[str, tuple[tuple[str, str], ...]] = {
    "StandardScaler": (("mean", "mean"), ("std", "scale")),
    "RobustScaler": (("center", "center"), ("scale", "scale")),
    "MinMaxScaler": (("min", "data_min"), ("max", "data_max")),
    "MaxAbsScaler": (("max_abs", "max_abs"),),
}
_ENCODERS = ("OneHotEncoder", "OrdinalEncoder", "TargetEncoder")


def model_card(store: Store, ref: NodeLike) -> dict[str, Any]:
    """How a model was built: data version, preprocessing, hyperparameters, metrics, deployment.

    Shaped like a ``metadata.json``: ``model``, ``dataset_version`` (the training data's
    ref and digest; ``inputs`` lists every input), ``preprocessing_details`` (imputation
    fill values, scaling parameters and encoder categories per column, added features),
    ``hyperparameters`` (of the final estimator), ``evaluation_metrics`` (latest values of
    the producing run, then of each Evaluate run that read the model), ``deployed_on``
    and ``endpoint_url`` (the latest deployment, None if never deployed).

    Raises:
        ValidationError: ``ref`` is not a Model artifact.

    Example:
        >>> card = model_card(store, "model:house-price-rf@production")
        >>> card["preprocessing_details"]["imputation"]["bedrooms"]
        {'strategy': 'median', 'value': 3.0}
    """
    model = store.get(ref)
    if not isinstance(model, Artifact) or model.type != "Model":
        raise ValidationError(f"{model.ref} is not a model: a model card describes a Model artifact")
    upstream = store.lineage(model, direction="upstream", depth=2)
    producer = _producer(upstream, model)
    inputs = _inputs(upstream, producer) if producer is not None else []
    downstream = store.lineage(model, direction="downstream", depth=2)
    evaluations = sorted(downstream.executions("Evaluate"), key=lambda e: e.id)
    deployments = sorted(downstream.artifacts("Deployment"), key=lambda a: a.id)

    metrics: dict[str, float] = {}
    by_run: dict[str, dict[str, float]] = {}
    for execution in ([producer] if producer is not None else []) + evaluations:
        latest = _latest(store, execution)
        if latest:
            by_run[execution.ref] = latest
            metrics.update(latest)
    props = model.properties
    deployed = deployments[-1].properties if deployments else {}
    return {
        "model": {"ref": model.ref, "digest": model.digest, "class": props.get("class"),
                  "framework": props.get("framework"), "library_version": props.get("library_version")},
        "trained_by": producer.ref if producer is not None else None,
        "dataset_version": _training_data(inputs),
        "inputs": inputs,
        "preprocessing_details": preprocessing_details(props),
        "hyperparameters": final_hyperparameters(props),
        "evaluation_metrics": metrics,
        "metrics_by_run": by_run,
        "deployed_on": deployed.get("deployed_at"),
        "endpoint_url": deployed.get("endpoint"),
        "deployments": [{"ref": d.ref, "endpoint": d.properties.get("endpoint"),
                         "deployed_at": d.properties.get("deployed_at"), "health": d.properties.get("health")}
                        for d in deployments],
    }


def preprocessing_details(properties: dict[str, Any]) -> dict[str, Any]:
    """Imputation, scaling, encoding and added features, per column, from captured ``steps``."""
    details: dict[str, dict[str, Any]] = {"imputation": {}, "scaling": {}, "encoding": {}, "added_features": {}}
    for step in _walk(properties.get("steps") or []):
        kind = str(step.get("class") or "").rsplit(".", 1)[-1]
        fitted, params = step.get("fitted") or {}, step.get("params") or {}
        if kind.endswith("Imputer"):
            values = fitted.get("statistics")
            if isinstance(values, dict):
                for column, value in values.items():
                    details["imputation"][column] = {"strategy": params.get("strategy", kind), "value": value}
        elif kind in _SCALERS:
            method = _snake(kind)
            for column in step.get("columns_in") or []:
                entry: dict[str, Any] = {"method": method}
                for label, attribute in _SCALERS[kind]:
                    values = fitted.get(attribute)
                    if isinstance(values, dict) and column in values:
                        entry[label] = values[column]
                details["scaling"][column] = entry
        elif kind in _ENCODERS:
            categories = fitted.get("categories")
            if isinstance(categories, dict):
                for column, values in categories.items():
                    details["encoding"][column] = {"method": _snake(kind), "categories": values}
        elif kind == "FunctionTransformer" and params.get("func"):
            added = [c for c in step.get("columns_out") or [] if c not in (step.get("columns_in") or [])]
            for column in added:
                details["added_features"][column] = {"function": params["func"]}
    return {key: value for key, value in details.items() if value}


def final_hyperparameters(properties: dict[str, Any]) -> dict[str, Any]:
    """Hyperparameters of the estimator at the end of a pipeline, or of the model itself."""
    steps = properties.get("steps")
    if steps:
        return dict(steps[-1].get("params") or {})
    return dict(properties.get("hyperparameters") or {})


def _walk(steps: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for step in steps:
        yield step
        yield from _walk(step.get("steps") or [])
        yield from _walk(step.get("transformers") or [])


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _latest(store: Store, execution: Execution) -> dict[str, float]:
    latest: dict[str, tuple[int, float]] = {}
    for point in store.metrics(execution):
        if point.key not in latest or point.step >= latest[point.key][0]:
            latest[point.key] = (point.step, point.value)
    return {key: value for key, (_, value) in sorted(latest.items())}


def _producer(graph: Lineage, artifact: Artifact) -> Execution | None:
    """The latest execution that wrote ``artifact``."""
    writers = [graph.node(e.source) for e in graph.edges if e.kind is EdgeKind.OUTPUT and e.target == artifact.id]
    executions = [w for w in writers if isinstance(w, Execution)]
    return max(executions, key=lambda e: e.id) if executions else None


def _inputs(graph: Lineage, execution: Execution) -> list[dict[str, Any]]:
    """Artifacts ``execution`` read, with their role, in the order of their ids."""
    out = []
    for edge in sorted(graph.edges, key=lambda e: e.source):
        if edge.kind is EdgeKind.INPUT and edge.target == execution.id:
            node = graph.node(edge.source)
            if isinstance(node, Artifact):
                out.append({"ref": node.ref, "type": node.type, "digest": node.digest, "uri": node.uri,
                            "role": edge.role})
    return out


def _training_data(inputs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The input with role ``train``, else the first Dataset input."""
    datasets = [i for i in inputs if i["type"] == "Dataset"]
    for item in datasets:
        if item["role"] == "train":
            return item
    return datasets[0] if datasets else None

"""``store.monitor``: production data against the training data of the deployed model.

Built on the Store protocol: the batch is profiled here (a ``ProductionBatch`` dataset),
the training data is found through lineage (deployment <- Deploy <- model <- its run's
input datasets), the two stored profiles are compared (see ``_drift``), and a
``Monitor`` execution records a ``DriftReport``; a drifted report fires ``drift.detected``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trailmark.automation import _drift
from trailmark.automation._entities import DriftReport
from trailmark.entities import Artifact, EdgeKind
from trailmark.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from trailmark.store import NodeLike, Store

DEPLOYMENT, REPORT, BATCH = "Deployment", "DriftReport", "ProductionBatch"


def deployment_of(store: Store, ref: NodeLike) -> Artifact:
    """The Deployment artifact ``ref`` names (a bare name means ``deployment:NAME``)."""
    if isinstance(ref, str) and ":" not in ref and not ref.isdigit():
        ref = f"deployment:{ref}"
    found = store.get(ref)
    if not isinstance(found, Artifact) or found.type != DEPLOYMENT:
        raise ValidationError(f"{ref} is not a deployment: monitor a Deployment artifact (deployment:NAME)")
    return found


def monitor(store: Store, deployment: NodeLike, data: Any, *, name: str | None = None) -> DriftReport:
    """Profile ``data``, compare it with the deployed model's training data, record and return the report."""
    from trailmark.capture import describe_dataset

    target = deployment_of(store, deployment)
    model, training = training_data(store, target)
    limits = _drift.thresholds(store.drift_thresholds(target))
    described = describe_dataset(data)
    columns, schema = _drift.compare_profiles(training.properties, described.properties, limits,
                                              training_ref=training.ref)  # refused before anything is written
    batch = store.log_artifact(BATCH, name or target.name, uri=described.uri, digest=described.digest,
                               properties=described.properties)
    execution = store.start_execution("Monitor", f"monitor-{target.name}",
                                      params={"deployment": target.ref, "thresholds": limits})
    store.link(execution, inputs=[target, training, batch],
               roles={target.id: "deployment", training.id: "train", batch.id: "production"})
    drifted = any(c["drifted"] for c in columns.values())
    properties = {"drifted": drifted, "columns": columns, "schema": schema, "deployment": target.ref,
                  "model": model.ref, "training": training.ref, "batch": batch.ref, "execution": execution.ref}
    report = store.log_artifact(REPORT, target.name, properties=properties)
    store.link(execution, outputs=[report])
    store.end_execution(execution, status="COMPLETE")
    return report_of(report)


def training_data(store: Store, deployment: Artifact) -> tuple[Artifact, Artifact]:
    """(model, training dataset) of a deployment: the profiled dataset its model's run read (role train first)."""
    graph = store.lineage(deployment, direction="upstream", depth=4)
    by_id = {n.id: n for n in graph.nodes}
    inputs: dict[int, list[tuple[int, str | None]]] = {}
    producer: dict[int, int] = {}
    for edge in graph.edges:
        if str(edge.kind) == EdgeKind.INPUT.value:
            inputs.setdefault(edge.target, []).append((edge.source, edge.role))
        else:
            producer[edge.target] = edge.source
    deploys = [producer[deployment.id]] if deployment.id in producer else []
    models = [by_id[a] for d in deploys for a, _ in inputs.get(d, []) if getattr(by_id[a], "type", None) == "Model"]
    if not models:
        raise NotFoundError(f"{deployment.ref} has no model in its lineage: deploy with store.models.deploy(MODEL)")
    model = models[0]
    assert isinstance(model, Artifact)  # a node of type Model is an artifact
    run = producer.get(model.id)
    read = sorted(inputs.get(run, []) if run is not None else [], key=lambda item: item[1] != "train")
    for node_id, _ in read:
        node = by_id[node_id]
        if isinstance(node, Artifact) and _profiled(node):
            return model, node
    raise NotFoundError(f"no profiled training data for {model.ref}: log its training DataFrame with run.log_input(df)")


def _profiled(artifact: Artifact) -> bool:
    props = artifact.properties
    return bool(props.get("stats") or props.get("categorical")) and "schema" in props


def report_of(artifact: Artifact) -> DriftReport:
    """The DriftReport a DriftReport artifact holds."""
    p = artifact.properties
    return DriftReport(drifted=bool(p.get("drifted")), columns=dict(p.get("columns") or {}),
                       deployment=str(p.get("deployment")), model=p.get("model"), training=p.get("training"),
                       batch=p.get("batch"), schema=dict(p.get("schema") or {}), created_at=artifact.created_at,
                       ref=artifact.ref, execution=p.get("execution"))


def drift_history(store: Store, deployment: NodeLike) -> list[DriftReport]:
    """Every drift report of a deployment, oldest first."""
    target = deployment_of(store, deployment)
    return [report_of(a) for a in store.versions(REPORT, target.name)]

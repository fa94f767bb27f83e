"""The events webhooks subscribe to, and how a write's audit change turns into them.

Every write of a store names what it did in an audit change (action, target, payload);
the outbox maps the few actions that matter to events, in the write's own transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from trailmark.entities import AliasMove, Artifact, Execution
from trailmark.errors import ValidationError
from trailmark.refs import MAX_ID

EVENTS = (
    "run.completed",
    "run.failed",
    "model.version.created",
    "alias.moved",
    "gate.failed",
    "drift.detected",
    "validation.failed",
    "node.classified",
)

# The audit actions that can cause an event; any other write never looks for webhooks.
# A gate's verdict and a drift report are artifacts (a Report, a DriftReport): logging them fires the event.
ACTIONS = frozenset({"execution.end", "artifact.create", "alias.move", "classify"})


@dataclasses.dataclass(frozen=True)
class Occurrence:
    """An event about to be queued: its name, the reference it is about, and its data."""

    event: str
    subject: str
    data: dict[str, Any]


def event_names(events: Sequence[str]) -> list[str]:
    """The events a hook subscribes to, checked: unknown names are refused, repeats dropped."""
    if isinstance(events, str) or not events:
        raise ValidationError(f"a webhook needs a list of events, from: {', '.join(EVENTS)}")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError(f"unknown webhook event {unknown[0]!r}: expected one of {', '.join(EVENTS)}")
    return list(dict.fromkeys(events))


def webhook_id(value: Any) -> int:
    """A webhook's id, checked: a whole number in the range ids take."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValidationError(f"a webhook id is a whole number from 1 to {MAX_ID}, not {value!r}")
    return value


def occurrences(action: str, target: str, payload: Any, result: Any = None) -> list[Occurrence]:
    """The events a write with this audit change causes (usually none); ``result`` is what the write returned."""
    if action not in ACTIONS or not isinstance(payload, dict):
        return []
    payload = {**payload, **_described(result)}
    if action == "execution.end":
        status = payload.get("status")
        found = [Occurrence("run.completed" if status == "COMPLETE" else "run.failed", target, payload)]
        if status == "FAILED" and payload.get("type") == "Validate":
            found.append(Occurrence("validation.failed", target, payload))
        return found if status in ("COMPLETE", "FAILED") else []
    if action == "artifact.create":
        return _created(target, payload)
    if action == "alias.move":
        return [Occurrence("alias.moved", target, payload)]
    return [Occurrence("node.classified", target, payload)]


def _created(target: str, payload: dict[str, Any]) -> list[Occurrence]:
    kind, properties = payload.get("type"), payload.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    if kind == "Model":
        return [Occurrence("model.version.created", target, {k: v for k, v in payload.items() if k != "properties"})]
    verdict = properties.get("gate")
    if kind == "Report" and isinstance(verdict, dict) and verdict.get("passed") is False:
        return [Occurrence("gate.failed", str(verdict.get("candidate_ref") or target), {**verdict, "report": target})]
    if kind == "DriftReport" and properties.get("drifted") is True:
        drifted = {n: c for n, c in (properties.get("columns") or {}).items() if c.get("drifted")}
        data = {k: properties.get(k) for k in ("deployment", "model", "training", "batch", "execution")}
        return [Occurrence("drift.detected", str(properties.get("deployment") or target),
                           {**data, "report": target, "columns": drifted})]
    return []


def _described(result: Any) -> dict[str, Any]:
    """What an event's data says of the entity a write returned (an execution, an alias move...)."""
    if isinstance(result, tuple) and result:
        result = result[0]
    if isinstance(result, Execution):
        return {"type": result.type, "name": result.name, "execution": result.ref, "uid": result.uid or None}
    if isinstance(result, Artifact):
        return {"type": result.type, "name": result.name, "version": result.version, "digest": result.digest,
                "artifact": result.ref}
    if isinstance(result, AliasMove):
        return {"model": result.model, "alias": result.alias, "version": result.version, "set_by": result.set_by}
    return {}

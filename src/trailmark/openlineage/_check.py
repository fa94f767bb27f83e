"""The shape of an OpenLineage event, checked before anything is written.

A RunEvent has ``run`` and ``job``, a DatasetEvent ``dataset``, a JobEvent ``job`` only
(OpenLineage 2-0-2). Every mistake is a ValidationError naming where it is
(``run.facets.parent.run.runId must be text, got int``), so the server answers 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trailmark.errors import ValidationError
from trailmark.store import _validate

EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")
MAX_DEPTH = 64
MAX_TEXT = 10_000

Json = dict[str, Any]

# Facets whose meaning Trailmark reads: (path inside the facet, expected type).
_KNOWN: dict[str, tuple[tuple[tuple[str, ...], type | tuple[type, ...]], ...]] = {
    "parent": ((("run",), dict), (("run", "runId"), str), (("job",), dict), (("job", "namespace"), str),
               (("job", "name"), str)),
    "errorMessage": ((("message",), str),),
    "jobType": ((("jobType",), str),),
    "version": ((("datasetVersion",), str),),
    "schema": ((("fields",), list),),
    "columnLineage": ((("fields",), dict),),
}


def event_kind(event: Any) -> str:
    """``RunEvent``, ``DatasetEvent`` or ``JobEvent``, after checking the whole event.

    Raises:
        ValidationError: naming the first field that is missing or of the wrong type.
    """
    if not isinstance(event, Mapping):
        raise ValidationError(f"an OpenLineage event must be a JSON object, got {type(event).__name__}")
    _check_depth(event)
    _validate.json_object(event, "the event")  # NUL characters, keys
    if "run" in event:
        kind = "RunEvent"
        run = _object(event, "run", "run")
        _text(run, "runId", "run.runId")
        _facets(run, "run.facets")
        _job(event)
        if event.get("eventType") is not None and event["eventType"] not in EVENT_TYPES:
            raise ValidationError(f"eventType must be one of {', '.join(EVENT_TYPES)}, got {event['eventType']!r}")
    elif event.get("eventType") is not None:
        raise ValidationError(f"run: a RunEvent (eventType {event['eventType']!r}) needs run.runId")
    elif "dataset" in event:
        kind = "DatasetEvent"
        _dataset(_object(event, "dataset", "dataset"), "dataset")
    elif "job" in event:
        kind = "JobEvent"
        _job(event)
    else:
        raise ValidationError("an OpenLineage event needs 'run' and 'job' (RunEvent), 'dataset' or 'job'")
    for side in ("inputs", "outputs"):
        found = event.get(side)
        if found is None:
            continue
        if not isinstance(found, list):
            raise ValidationError(f"{side} must be a list, got {type(found).__name__}")
        for index, dataset in enumerate(found):
            where = f"{side}[{index}]"
            if not isinstance(dataset, Mapping):
                raise ValidationError(f"{where} must be an object, got {type(dataset).__name__}")
            _dataset(dataset, where)
            _facets(dataset, f"{where}.{'inputFacets' if side == 'inputs' else 'outputFacets'}",
                    key="inputFacets" if side == "inputs" else "outputFacets")
    for key in ("eventTime", "producer", "schemaURL"):
        if event.get(key) is not None and not isinstance(event[key], str):
            raise ValidationError(f"{key} must be text, got {type(event[key]).__name__}")
    return kind


def _job(event: Mapping[str, Any]) -> None:
    job = _object(event, "job", "job")
    _text(job, "namespace", "job.namespace")
    _text(job, "name", "job.name")
    _facets(job, "job.facets")


def _dataset(dataset: Mapping[str, Any], where: str) -> None:
    _text(dataset, "namespace", f"{where}.namespace")
    _text(dataset, "name", f"{where}.name")
    _facets(dataset, f"{where}.facets")


def _object(parent: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = parent.get(key)
    if not isinstance(value, Mapping):
        raise ValidationError(f"{where} must be an object, got {_type(value)}")
    return value


def _text(parent: Mapping[str, Any], key: str, where: str) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where} must be non-empty text, got {_type(value)}")
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{where} is {len(value)} characters long; at most {MAX_TEXT}")
    return value


def _facets(parent: Mapping[str, Any], where: str, *, key: str = "facets") -> None:
    facets = parent.get(key)
    if facets is None:
        return
    if not isinstance(facets, Mapping):
        raise ValidationError(f"{where} must be an object of facets, got {_type(facets)}")
    for name, facet in facets.items():
        if not isinstance(facet, Mapping):
            raise ValidationError(f"facet {where}.{name} must be an object, got {_type(facet)}")
        if "_deleted" in facet and not isinstance(facet["_deleted"], bool):
            raise ValidationError(f"facet {where}.{name}._deleted must be true or false")
        if facet.get("_deleted"):
            continue
        for path, expected in _KNOWN.get(name, ()):
            value: Any = facet
            for step in path:
                value = value.get(step) if isinstance(value, Mapping) else None
            if value is not None and not isinstance(value, expected):
                names = expected.__name__ if isinstance(expected, type) else "/".join(t.__name__ for t in expected)
                raise ValidationError(
                    f"facet {where}.{name}: {'.'.join(path)} must be {_ARTICLE.get(names, names)}, got {_type(value)}"
                )
        if name == "parent" and not isinstance(facet.get("run"), Mapping):
            raise ValidationError(f"facet {where}.parent needs run.runId")
        if name == "columnLineage":
            _column_lineage(facet, f"{where}.{name}")


_ARTICLE = {"str": "text", "dict": "an object", "list": "a list"}


def _column_lineage(facet: Mapping[str, Any], where: str) -> None:
    for column, field in (facet.get("fields") or {}).items():
        if not isinstance(field, Mapping) or not isinstance(field.get("inputFields", []), list):
            raise ValidationError(f"facet {where}: fields.{column} must be an object with a list of inputFields")
        for index, source in enumerate(field.get("inputFields", [])):
            if not isinstance(source, Mapping) or not all(
                isinstance(source.get(k), str) and source.get(k) for k in ("namespace", "name", "field")
            ):
                raise ValidationError(
                    f"facet {where}: fields.{column}.inputFields[{index}] needs namespace, name and field as text"
                )


def _check_depth(event: Mapping[str, Any]) -> None:
    """At most MAX_DEPTH levels of nesting, checked without recursion."""
    stack: list[tuple[Any, int]] = [(event, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValidationError(f"the event nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (Mapping, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (Mapping, list)))


def _type(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__

"""MLflow's model registry routes and MLflow 3 logged models."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from trailmark.mlflow import _logged, _registry, _runs, _screen
from trailmark.mlflow._errors import invalid
from trailmark.mlflow._json import page, tag_dict
from trailmark.server.mlflow._route import MlflowRoutes
from trailmark.server.mlflow._tracking import _required
from trailmark.store.sql import SqlStore

Body = dict[str, Any]


def create_model(store: SqlStore, body: Body, _: Request) -> Body:
    return {"registered_model": _registry.create(store, body)}


def get_model(store: SqlStore, body: Body, _: Request) -> Body:
    name = _screen.models(store, [_required(body, "name")], refuse=True)[0]
    return {"registered_model": _registry.model_json(store, name)}


def update_model(store: SqlStore, body: Body, _: Request) -> Body:
    name = _required(body, "name")
    _registry.update(store, name, description=body.get("description"))
    return {"registered_model": _registry.model_json(store, name)}


def rename_model(store: SqlStore, body: Body, _: Request) -> Body:
    raise invalid("Trailmark keeps a model series' name for good (its versions are immutable artifacts): register "
                  "the versions under the new name instead")


def delete_model(store: SqlStore, body: Body, _: Request) -> Body:
    _registry.delete_model(store, _required(body, "name"))
    return {}


def search_models(store: SqlStore, body: Body, _: Request) -> Body:
    names = _screen.models(store, _registry.search_models(store, body.get("filter")), refuse=False)
    chosen, token = page(names, body.get("page_token"), int(body.get("max_results") or 100))
    return {"registered_models": [_registry.model_json(store, n) for n in chosen],
            **({"next_page_token": token} if token else {})}


def latest_versions(store: SqlStore, body: Body, _: Request) -> Body:
    name = _required(body, "name")
    _registry.model_json(store, name)  # RESOURCE_DOES_NOT_EXIST for an unknown model
    stages = body.get("stages") or []
    latest: dict[str, Any] = {}
    for artifact in _registry.versions(store, name):
        found = _registry.version_json(store, artifact)
        latest[found["current_stage"]] = found
    return {"model_versions": [v for s, v in latest.items() if not stages or s in stages or s.lower() in stages]}


def set_model_tag(store: SqlStore, body: Body, _: Request) -> Body:
    _registry.set_tag(store, _required(body, "name"), _required(body, "key"), str(body.get("value", "")))
    return {}


def delete_model_tag(store: SqlStore, body: Body, _: Request) -> Body:
    _registry.set_tag(store, _required(body, "name"), _required(body, "key"), None)
    return {}


def set_alias(store: SqlStore, body: Body, _: Request) -> Body:
    _registry.set_alias(store, body.get("name"), body.get("alias"), _required(body, "version"))
    return {}


def delete_alias(store: SqlStore, body: Body, _: Request) -> Body:
    _registry.delete_alias(store, body.get("name"), body.get("alias"))
    return {}


def get_by_alias(store: SqlStore, body: Body, _: Request) -> Body:
    return {"model_version": _registry.version_json(store, _registry.by_alias(store, body.get("name"),
                                                                                body.get("alias")))}


def create_version(store: SqlStore, body: Body, _: Request) -> Body:
    return {"model_version": _registry.create_version(store, body, _runs.run_id_of)}


def get_version(store: SqlStore, body: Body, _: Request) -> Body:
    return {"model_version": _registry.version_json(store, _registry.version(store, body.get("name"),
                                                                               _required(body, "version")))}


def update_version(store: SqlStore, body: Body, _: Request) -> Body:
    artifact = _registry.version(store, body.get("name"), _required(body, "version"))
    if body.get("description") is not None:
        store.set_description(artifact.id, str(body["description"]))
    return {"model_version": _registry.version_json(store, _registry.version(store, artifact.name, artifact.version))}


def delete_version(store: SqlStore, body: Body, _: Request) -> Body:
    store.delete(_registry.version(store, body.get("name"), _required(body, "version")).id)
    return {}


def search_versions(store: SqlStore, body: Body, _: Request) -> Body:
    found = _registry.search_versions(store, body.get("filter"))
    chosen, token = page(found, body.get("page_token"), int(body.get("max_results") or 10_000))
    return {"model_versions": [_registry.version_json(store, a) for a in chosen],
            **({"next_page_token": token} if token else {})}


def transition_stage(store: SqlStore, body: Body, _: Request) -> Body:
    artifact = _registry.transition(store, body)
    return {"model_version": _registry.version_json(store, artifact)}


def set_version_tag(store: SqlStore, body: Body, _: Request) -> Body:
    artifact = _registry.version(store, body.get("name"), _required(body, "version"))
    store.set_tag(artifact.id, _required(body, "key"), str(body.get("value", "")))
    return {}


def delete_version_tag(store: SqlStore, body: Body, _: Request) -> Body:
    artifact = _registry.version(store, body.get("name"), _required(body, "version"))
    store.delete_tag(artifact.id, _required(body, "key"))
    return {}


def download_uri(store: SqlStore, body: Body, _: Request) -> Body:
    artifact = _registry.version(store, body.get("name"), _required(body, "version"))
    source = (artifact.properties.get("mlflow") or {}).get("source") or artifact.uri or ""
    return {"artifact_uri": _logged.artifact_uri(store, source)}


# -- logged models ---------------------------------------------------------------------------


def create_logged(store: SqlStore, body: Body, _: Request) -> Body:
    return {"model": _logged.create(store, body, _runs.run_id_of)}


def _model_id(request: Request) -> str:
    return str(request.path_params["model_id"])


def get_logged(store: SqlStore, body: Body, request: Request) -> Body:
    row = _screen.logged(store, [_logged._get(store, _model_id(request))], refuse=True)[0]
    return {"model": _logged.to_json(store, row)}


def finalize_logged(store: SqlStore, body: Body, request: Request) -> Body:
    return {"model": _logged.update(store, _model_id(request), status=body.get("status"))}


def tag_logged(store: SqlStore, body: Body, request: Request) -> Body:
    _logged.update(store, _model_id(request), tags=tag_dict(body.get("tags")))
    return {}


def untag_logged(store: SqlStore, body: Body, request: Request) -> Body:
    _logged.update(store, _model_id(request), drop_tag=str(request.path_params["tag_key"]))
    return {}


def params_logged(store: SqlStore, body: Body, request: Request) -> Body:
    _logged.update(store, _model_id(request), params=tag_dict(body.get("params"), "params"))
    return {}


def search_logged(store: SqlStore, body: Body, _: Request) -> Body:
    return {"models": _logged.search(store, body)}


def install(routes: MlflowRoutes, prefix: str) -> None:
    for path, methods, handler, write in (
        ("/registered-models/create", ["POST"], create_model, True),
        ("/registered-models/get", ["GET"], get_model, False),
        ("/registered-models/update", ["PATCH"], update_model, True),
        ("/registered-models/rename", ["POST"], rename_model, True),
        ("/registered-models/delete", ["DELETE"], delete_model, True),
        ("/registered-models/search", ["GET"], search_models, False),
        ("/registered-models/get-latest-versions", ["POST", "GET"], latest_versions, False),
        ("/registered-models/set-tag", ["POST"], set_model_tag, True),
        ("/registered-models/delete-tag", ["DELETE"], delete_model_tag, True),
        ("/registered-models/alias", ["POST"], set_alias, True),
        ("/registered-models/alias", ["DELETE"], delete_alias, True),
        ("/registered-models/alias", ["GET"], get_by_alias, False),
        ("/model-versions/create", ["POST"], create_version, True),
        ("/model-versions/get", ["GET"], get_version, False),
        ("/model-versions/update", ["PATCH"], update_version, True),
        ("/model-versions/delete", ["DELETE"], delete_version, True),
        ("/model-versions/search", ["GET"], search_versions, False),
        ("/model-versions/transition-stage", ["POST"], transition_stage, True),
        ("/model-versions/set-tag", ["POST"], set_version_tag, True),
        ("/model-versions/delete-tag", ["DELETE"], delete_version_tag, True),
        ("/model-versions/get-download-uri", ["GET"], download_uri, False),
        ("/logged-models", ["POST"], create_logged, True),
        ("/logged-models/search", ["POST"], search_logged, False),
        ("/logged-models/{model_id}", ["GET"], get_logged, False),
        ("/logged-models/{model_id}", ["PATCH"], finalize_logged, True),
        ("/logged-models/{model_id}/tags", ["PATCH"], tag_logged, True),
        ("/logged-models/{model_id}/tags/{tag_key}", ["DELETE"], untag_logged, True),
        ("/logged-models/{model_id}/params", ["POST"], params_logged, True),
    ):
        routes.add(prefix + path, methods, handler, write=write)

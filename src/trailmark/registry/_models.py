"""``store.models``: the registry, built on the Store protocol so every backend has it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trailmark.entities import AliasMove, Artifact
from trailmark.errors import ValidationError

if TYPE_CHECKING:
    from trailmark.store import NodeLike, Store

MODEL = "Model"


class ModelRegistry:
    """Model series (the versions of a Model artifact name), aliases and deployments."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def versions(self, name: str) -> list[Artifact]:
        """Every version of a model, oldest first."""
        return self.store.versions(MODEL, name)  # type: ignore[attr-defined]

    def set_alias(self, name: str, alias: str, *, version: int) -> AliasMove:
        """Point ``alias`` (``production``, ``staging``...) at one version; the move is kept in history."""
        return self.store.set_alias(name, alias, version=version)

    def remove_alias(self, name: str, alias: str) -> AliasMove:
        return self.store.set_alias(name, alias, version=None)

    def aliases(self, name: str) -> dict[str, int]:
        """Alias -> version, as they stand now."""
        current: dict[str, int | None] = {}
        for move in self.store.alias_history(name):
            current[move.alias] = move.version
        return {alias: version for alias, version in current.items() if version is not None}

    def alias_history(self, name: str, alias: str) -> list[AliasMove]:
        """Every move of ``alias``: version, who, when (oldest first)."""
        return self.store.alias_history(name, alias)

    def deploy(
        self,
        ref: NodeLike,
        *,
        endpoint: str,
        health: str = "unknown",
        properties: Mapping[str, Any] | None = None,
    ) -> Artifact:
        """Record a deployment: a Deploy execution reads the model and writes a Deployment artifact.

        Example:
            >>> store.models.deploy("model:house-price-rf@production", endpoint="https://...", health="healthy")
        """
        model = self.store.get(ref)
        if not isinstance(model, Artifact) or model.type != MODEL:
            raise ValidationError(f"{ref} is not a model: only Model artifacts are deployed")
        deployed_at = self.store.clock.now().isoformat()
        execution = self.store.start_execution(
            "Deploy", f"deploy-{model.name}", params={"model": model.ref, "endpoint": endpoint}
        )
        deployment = self.store.log_artifact(
            "Deployment",
            model.name,
            properties={
                **dict(properties or {}),
                "endpoint": endpoint,
                "health": health,
                "model": model.ref,
                "model_digest": model.digest,
                "deployed_at": deployed_at,
            },
        )
        self.store.link(execution, inputs=[model], outputs=[deployment])
        self.store.end_execution(execution, status="COMPLETE")
        return deployment

"""``store.models``: the registry, built on the Store protocol so every backend has it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trailmark.entities import AliasMove, Artifact
from trailmark.errors import ValidationError

if TYPE_CHECKING:
    from trailmark.automation import HealthCheck, Protection
    from trailmark.store import NodeLike, Store

MODEL = "Model"


class ModelRegistry:
    """Model series (the versions of a Model artifact name), aliases and deployments."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def versions(self, name: str) -> list[Artifact]:
        """Every version of a model, oldest first."""
        return self.store.versions(MODEL, name)

    def set_alias(self, name: str, alias: str, *, version: int, force: bool = False) -> AliasMove:
        """Point ``alias`` (``production``, ``staging``...) at one version; the move is kept in history.

        A protected alias runs its gate first and raises GateFailedError for a worse version;
        ``force=True`` (admins) moves it anyway, audited with the gate's result.
        """
        return self.store.set_alias(name, alias, version=version, force=force)

    def remove_alias(self, name: str, alias: str, *, force: bool = False) -> AliasMove:
        return self.store.set_alias(name, alias, version=None, force=force)

    def protect(
        self, name: str, alias: str, *, metric: str, direction: str = "min", min_improvement: float | str = 0.0
    ) -> Protection:
        """Guard ``alias``: moving it runs a gate on ``metric`` against the version it points at.

        Example:
            >>> store.models.protect("house-price-rf", "production", metric="rmse", direction="min")
        """
        return self.store.protect_alias(name, alias, metric=metric, direction=direction,
                                        min_improvement=min_improvement)

    def protections(self, name: str) -> list[Protection]:
        return self.store.alias_protections(name)

    def record_health(
        self, deployment: NodeLike, status: str, *, latency_ms: float | None = None, detail: str | None = None
    ) -> HealthCheck:
        """Add a health check to a deployment's series (``healthy``, ``unhealthy``, ``unreachable``...)."""
        return self.store.record_health(deployment, status, latency_ms=latency_ms, detail=detail)

    def health(self, deployment: NodeLike, *, limit: int = 100) -> list[HealthCheck]:
        """A deployment's latest health checks, oldest first."""
        return self.store.health_history(deployment, limit=limit)

    def check_deployments(self) -> list[HealthCheck]:
        """Probe each deployment's health URL (``properties.health_url``, else its endpoint) once and record it."""
        from trailmark.automation._health import check_deployments

        return check_deployments(self.store)

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

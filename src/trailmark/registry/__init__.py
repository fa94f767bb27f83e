"""The model registry: named model series, aliases with history, deployments."""

from trailmark.registry._models import ModelRegistry

__all__ = ["ModelRegistry"]

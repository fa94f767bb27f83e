"""The model registry: named model series, aliases with history, deployments, model cards."""

from trailmark.registry._card import model_card
from trailmark.registry._models import ModelRegistry

__all__ = ["ModelRegistry", "model_card"]

"""What ``store.similar`` returns: a dataset, how alike it is, why, and what was trained on it."""

from __future__ import annotations

import dataclasses
from typing import Any

from trailmark.entities import Artifact, from_dict, to_dict


@dataclasses.dataclass(frozen=True)
class TrainedModel:
    """A model trained on a dataset: the model, the run that trained it, that run's latest metrics."""

    model: str
    run: str
    metrics: dict[str, float]


@dataclasses.dataclass(frozen=True)
class Similar:
    """A dataset like the one asked about: ``score`` in [0, 1] (1: alike in every meta-feature)."""

    artifact: Artifact
    score: float
    reasons: list[str]
    models: list[TrainedModel] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "artifact": to_dict(self.artifact),
            "score": self.score,
            "reasons": list(self.reasons),
            "models": [dataclasses.asdict(m) for m in self.models],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Similar:
        return cls(
            artifact=from_dict(Artifact, data["artifact"]),
            score=float(data["score"]),
            reasons=list(data["reasons"]),
            models=[TrainedModel(**m) for m in data.get("models", [])],
        )

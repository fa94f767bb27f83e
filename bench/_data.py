"""The same synthetic data for every tool, from fixed seeds."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

MODELS = ("rf", "gbm", "linear", "svm")
PARAMS = {f"param_{i}": i * 10 for i in range(10)}
TAGS = {f"tag_{i}": f"value-{i}" for i in range(5)}
METRIC_KEYS = ("loss", "accuracy", "rmse")
STEPS = 100
SEARCH_FILTER = "metrics.rmse < 0.5 and params.model = 'rf'"


@dataclass(frozen=True)
class SearchRow:
    """One execution (or run, or artifact) of the search workload."""

    index: int
    params: dict[str, Any]
    rmse: float
    mae: float


def search_rows(count: int, seed: int = 7) -> list[SearchRow]:
    """``count`` rows; a quarter have model 'rf', half have rmse < 0.5."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        params = {
            "model": MODELS[rng.randrange(len(MODELS))],
            "n_estimators": rng.choice((50, 100, 200, 400)),
            "max_depth": rng.randrange(2, 20),
            "learning_rate": round(rng.uniform(0.001, 0.3), 4),
            "seed": index,
        }
        rows.append(SearchRow(index, params, rng.random(), rng.random()))
    return rows


def metric_value(key: str, step: int) -> float:
    """A deterministic, plausible value of a metric at a step."""
    return 1.0 / (step + 1) + METRIC_KEYS.index(key) * 0.01


def frame(rows: int, seed: int = 11) -> Any:
    """A ``rows`` x 10 DataFrame: 6 float, 2 integer and 2 string columns."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {f"f{i}": rng.normal(size=rows) for i in range(6)}
    columns.update({f"i{i}": rng.integers(0, 1_000_000, size=rows) for i in range(2)})
    cities = np.array(["paris", "lyon", "lille", "nantes", "nice", "brest", "metz", "tours"])
    columns["city"] = cities[rng.integers(0, len(cities), size=rows)]
    columns["code"] = rng.integers(0, 50_000, size=rows).astype(str)
    return pd.DataFrame(columns)


def frame_bytes(df: Any) -> int:
    """The DataFrame's in-memory size, string contents included."""
    return int(df.memory_usage(deep=True, index=True).sum())

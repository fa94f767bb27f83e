"""Data and models built the same way in the test process and in subprocesses."""

from __future__ import annotations

from typing import Any


def make_frame(n: int = 1000) -> Any:
    """A mixed frame: floats with NaN, ints, strings, booleans."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "bedrooms": rng.choice([2.0, 3.0, 3.0, 4.0, np.nan], n),
        "size": rng.normal(1500, 500, n),
        "rooms": rng.integers(1, 9, n),
        "city": rng.choice(["north", "south", "east"], n),
        "flag": rng.random(n) < 0.5,
    })


def houses(n: int = 200) -> tuple[Any, Any]:
    """House features and prices: bedrooms median 3, size mean 1500 and population std 500."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    bedrooms = np.array([2.0, 3.0, 3.0, 3.0, 4.0] * (n // 5))
    bedrooms[::10] = np.nan
    frame = pd.DataFrame({
        "bedrooms": bedrooms,
        "size": np.tile([1000.0, 2000.0], n // 2),
        "city": np.resize(["north", "south", "east", "south"], n),
    })
    price = frame["size"] * 150 + np.nan_to_num(bedrooms) * 1000 + rng.normal(0, 1000, n)
    return frame, price


def house_model(n_estimators: int = 100, max_depth: int = 10) -> Any:
    """Impute, scale and encode by column, keep the 3 best features, then a random forest."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.feature_selection import SelectKBest, f_regression
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    pre = ColumnTransformer([
        ("impute", SimpleImputer(strategy="median"), ["bedrooms"]),
        ("scale", StandardScaler(), ["size"]),
        ("encode", OneHotEncoder(handle_unknown="ignore"), ["city"]),
    ])
    forest = RandomForestRegressor(n_estimators=n_estimators, max_depth=max_depth, random_state=0)
    return Pipeline([("pre", pre), ("select", SelectKBest(f_regression, k=3)), ("rf", forest)])


def fitted_house_model(**params: int) -> Any:
    frame, price = houses()
    return house_model(**params).fit(frame, price)


def net(width: int = 8) -> Any:
    """A small torch network with seeded weights."""
    import torch

    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, width), torch.nn.ReLU(), torch.nn.Linear(width, 1))


def in_subprocess(expression: str) -> str:
    """Evaluate ``expression`` (with this module's names) in a fresh interpreter; return what it prints."""
    import subprocess
    import sys
    from pathlib import Path

    script = f"from tests.capture.samples import *\nfrom trailmark.capture import *\nprint({expression})"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()

"""The house-price pipeline that ``trailmark demo`` runs, on data it generates itself.

Ingest -> validate -> preprocess -> train (two candidates) -> evaluate -> register the
better one as ``production`` -> deploy. Needs numpy, pandas and scikit-learn
(``pip install 'trailmark[demo]'``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact

if TYPE_CHECKING:
    from trailmark.store import Store

MODEL_NAME = "house-price-rf"
ROWS = 2000


def generate_housing(rows: int = ROWS, seed: int = 7) -> Any:
    """A synthetic housing table: size ~ N(1500, 500), some bedrooms missing, price from both."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    size = rng.normal(1500, 500, rows).clip(300, 5000).round()
    bedrooms = np.clip(np.round(size / 500 + rng.normal(0, 0.7, rows)), 1, 7)
    bedrooms[rng.random(rows) < 0.05] = np.nan
    age = rng.integers(0, 80, rows)
    district = rng.choice(["north", "south", "east", "west"], rows)
    premium = pd.Series(district).map({"north": 40000, "south": 0, "east": 15000, "west": 25000}).to_numpy()
    price = 150 * size + 10000 * np.nan_to_num(bedrooms, nan=3) - 800 * age + premium + rng.normal(0, 20000, rows)
    return pd.DataFrame({"size": size, "bedrooms": bedrooms, "age": age, "district": district, "price": price.round()})


def run_demo(store: Store, data_dir: Path) -> Artifact:
    """Run the whole pipeline on ``store``, writing its data files under ``data_dir``; returns the Deployment."""
    from sklearn.model_selection import train_test_split

    data_dir.mkdir(parents=True, exist_ok=True)
    raw_path = data_dir / "housing-raw.csv"

    with store.run("ingest-housing", type="Ingest", experiment="house-prices") as run:
        generate_housing().to_csv(raw_path, index=False)
        raw = run.log_output(raw_path, name="housing-raw")

    import pandas as pd

    frame = pd.read_csv(raw_path)
    with store.run("validate-housing", type="Validate", experiment="house-prices") as run:
        run.log_input(raw)
        report = _validation_report(frame)
        report_path = data_dir / "housing-validation.json"
        report_path.write_text(json.dumps(report, indent=2))
        run.log_metrics({"missing_ratio_bedrooms": report["missing_ratio"]["bedrooms"]}, step=0)
        run.log_output(report_path, name="housing-validation", type="Report")

    with store.run("split-housing", type="Preprocess", experiment="house-prices", params={"test_size": 0.2}) as run:
        run.log_input(raw)
        features = frame.assign(district=frame["district"].astype("category").cat.codes)
        train_df, test_df = train_test_split(features, test_size=0.2, random_state=0)
        train_path, test_path = data_dir / "housing-train.csv", data_dir / "housing-test.csv"
        train_df.to_csv(train_path, index=False)
        test_df.to_csv(test_path, index=False)
        train = run.log_output(train_path, name="housing-train", role="train")
        test = run.log_output(test_path, name="housing-test", role="test")

    best: tuple[float, Artifact] | None = None
    for depth in (4, 10):
        model, fitted = _train(store, train, train_df, test_df, max_depth=depth)
        rmse = _evaluate(store, model, fitted, test, test_df)
        if best is None or rmse < best[0]:
            best = (rmse, model)
    assert best is not None
    model = best[1]

    store.models.set_alias(MODEL_NAME, "production", version=model.version)
    return store.models.deploy(
        f"model:{MODEL_NAME}@production", endpoint="http://127.0.0.1:8080/predict", health="healthy"
    )


def _validation_report(frame: Any) -> dict[str, Any]:
    missing = {c: round(float(frame[c].isna().mean()), 4) for c in frame.columns}
    return {
        "rows": int(len(frame)),
        "missing_ratio": missing,
        "checks": {
            "bedrooms_missing_below_10pct": missing["bedrooms"] < 0.10,
            "size_positive": bool((frame["size"] > 0).all()),
        },
    }


def _pipeline(max_depth: int) -> Any:
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
            ("model", RandomForestRegressor(n_estimators=100, max_depth=max_depth, random_state=0, n_jobs=1)),
        ]
    )


def _train(store: Store, train: Artifact, train_df: Any, test_df: Any, *, max_depth: int) -> tuple[Artifact, Any]:
    from sklearn.metrics import mean_squared_error

    pipeline = _pipeline(max_depth)
    params = {"n_estimators": 100, "max_depth": max_depth, "imputer": "median", "scaler": "standard"}
    with store.run(f"train-rf-depth{max_depth}", type="Train", experiment="house-prices", params=params) as run:
        run.log_input(train, role="train")
        x, y = train_df.drop(columns="price"), train_df["price"]
        pipeline.fit(x, y)
        run.log_metric("train_rmse", float(mean_squared_error(y, pipeline.predict(x)) ** 0.5), step=0)
        holdout = pipeline.predict(test_df.drop(columns="price"))
        run.log_metric("rmse", float(mean_squared_error(test_df["price"], holdout) ** 0.5), step=0)
        model = run.log_model(pipeline, name=MODEL_NAME)
    return model, pipeline


def _evaluate(store: Store, model: Artifact, fitted: Any, test: Artifact, test_df: Any) -> float:
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    with store.run(f"evaluate-{MODEL_NAME}-v{model.version}", type="Evaluate", experiment="house-prices") as run:
        run.log_input(model, type="Model")
        run.log_input(test, role="test")
        y, predicted = test_df["price"], fitted.predict(test_df.drop(columns="price"))
        rmse = float(mean_squared_error(y, predicted) ** 0.5)
        run.log_metrics(
            {"rmse": rmse, "mae": float(mean_absolute_error(y, predicted)), "r2": float(r2_score(y, predicted))}, step=0
        )
    return rmse

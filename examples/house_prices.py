"""House prices, end to end: ingest, validate, train, evaluate, register, deploy.

    python examples/house_prices.py [--uri URI] [--data-dir DIR]

The data is generated (no download). Nothing below spells out the imputation values,
the scaling parameters or the hyperparameters for Trailmark: ``tm.autolog()`` captures
them from the fitted pipeline. Afterwards:

    trailmark show model:house-price-rf@production
    trailmark export model:house-price-rf@production --format json
    trailmark reproduce model:house-price-rf@production

Needs numpy, pandas and scikit-learn (``pip install 'trailmark[demo]'``).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

import trailmark as tm
from trailmark.demo import generate_housing

MODEL = "house-price-rf"


def add_size_per_bedroom(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(size_per_bedroom=frame["size"] / frame["bedrooms"])


def build_pipeline() -> Pipeline:
    impute = ColumnTransformer(
        [("bedrooms", SimpleImputer(strategy="median"), ["bedrooms"])],
        remainder="passthrough", verbose_feature_names_out=False,
    )
    features = FunctionTransformer(add_size_per_bedroom,
                                   feature_names_out=lambda _, names: [*names, "size_per_bedroom"])
    scale = ColumnTransformer(
        [("size", StandardScaler(), ["size"]),
         ("district", OneHotEncoder(sparse_output=False, handle_unknown="ignore"), ["district"])],
        remainder="passthrough", verbose_feature_names_out=False,
    )
    model = RandomForestRegressor(n_estimators=100, max_depth=10, random_state=0, n_jobs=1)
    pipeline = Pipeline([("impute", impute), ("features", features), ("scale", scale), ("model", model)])
    return pipeline.set_output(transform="pandas")


def main(uri: str | None, data_dir: Path) -> None:
    store = tm.connect(uri)
    data_dir.mkdir(parents=True, exist_ok=True)
    raw_path = data_dir / "housing-raw.csv"

    with store.run("ingest-housing", type="Ingest", experiment="house-prices") as run:
        generate_housing().to_csv(raw_path, index=False)
        raw = run.log_output(raw_path, name="housing-raw")

    frame = pd.read_csv(raw_path)
    with store.run("validate-housing", type="Validate", experiment="house-prices") as run:
        run.log_input(raw)
        # The loaded table is versioned by its content, apart from the file's bytes.
        run.validate(frame, name="housing-raw.table", checks={
            "schema": {"size": "float64", "bedrooms": "float64", "age": "int64", "district": "object",
                       "price": "float64"},
            "max_missing": {"bedrooms": 0.10, "size": 0.0, "price": 0.0},
        })

    train_df, test_df = train_test_split(frame, test_size=0.2, random_state=0)
    X_train, y_train = train_df.drop(columns="price"), train_df["price"]
    X_test, y_test = test_df.drop(columns="price"), test_df["price"]

    # X_train has no price column: its own series, not the demo's 5-column housing-train table.
    logged = tm.autolog(dataset_name="housing-train-features", model_name=MODEL)
    try:
        with store.run("train-house-price-rf", type="Train", experiment="house-prices",
                       params={"test_size": 0.2, "split_random_state": 0}) as run:
            run.log_input(raw, role="source")
            pipeline = build_pipeline().fit(X_train, y_train)
            tm.evaluate(y_test, pipeline.predict(X_test))  # rmse, mae, r2 on the held-out rows
    finally:
        tm.autolog(disable=True)

    model = logged.model if logged is not None and logged.model is not None else store.versions("Model", MODEL)[-1]
    store.models.set_alias(MODEL, "production", version=model.version)
    deployment = store.models.deploy(f"model:{MODEL}@production", endpoint="http://127.0.0.1:8080/predict",
                                     health="healthy")
    print(f"{model.ref} is production, deployed as {deployment.ref}")
    print(f"  trailmark show model:{MODEL}@production")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", help="store URI (default: $TRAILMARK_URI, else sqlite:///trailmark.db)")
    parser.add_argument("--data-dir", type=Path, help="where to write the CSV (default: a temporary directory)")
    args = parser.parse_args()
    if args.data_dir is not None:
        main(args.uri, args.data_dir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(args.uri, Path(tmp))

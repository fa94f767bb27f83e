"""Train a house-price model and log it to Trailmark: the training step of examples/ci/trailmark-gate.yml.

    python examples/ci/train.py [--uri URI] [--seed N] [--trees N]

Prints the new model's reference (model:house-price-rf@N) on its last line, for the
gate that follows. The store comes from --uri, else $TRAILMARK_URI. Needs numpy, pandas
and scikit-learn (``pip install 'trailmark[demo]'``).
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.model_selection import train_test_split

import trailmark as tm
from trailmark.demo import generate_housing

MODEL = "house-price-rf"
FEATURES = ["size", "bedrooms", "age"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=None, help="Store URI (default: $TRAILMARK_URI, else sqlite:///trailmark.db)")
    parser.add_argument("--seed", type=int, default=7, help="Seed of the generated data")
    parser.add_argument("--trees", type=int, default=100, help="n_estimators of the random forest")
    args = parser.parse_args()

    store = tm.connect(args.uri)
    frame = generate_housing(seed=args.seed).dropna(subset=FEATURES)
    train, test = train_test_split(frame, test_size=0.25, random_state=args.seed)
    with tm.run("train", type="Train", experiment="house-prices", params={"n_estimators": args.trees}) as run:
        run.log_input(train[FEATURES], name="housing-train")
        fitted = RandomForestRegressor(n_estimators=args.trees, random_state=0).fit(train[FEATURES], train["price"])
        rmse = float(np.sqrt(np.mean((fitted.predict(test[FEATURES]) - test["price"]) ** 2)))
        run.log_metric("rmse", rmse)
        model = run.log_model(fitted, name=MODEL)
    store.close()
    print(f"rmse {rmse:.0f}")
    print(model.ref)


if __name__ == "__main__":
    main()

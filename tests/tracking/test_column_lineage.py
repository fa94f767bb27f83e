"""A logged model's ColumnTransformer becomes column lineage back to the run's input dataset."""

from __future__ import annotations

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


def _pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    def add_ppsf(frame):
        return frame.assign(ppsf=frame["price"] / frame["size"])

    adds = FunctionTransformer(add_ppsf, feature_names_out=lambda _, names: [*names, "ppsf"])
    prep = ColumnTransformer([("num", StandardScaler(), ["size"]), ("cat", OneHotEncoder(), ["city"]),
                              ("ratio", adds, ["price", "size"])])
    return Pipeline([("prep", prep), ("model", LinearRegression())])


def test_column_transformer_features_come_from_input_columns(store):
    frame = pd.DataFrame({"price": [1.0, 2, 3, 4], "size": [3.0, 4, 5, 6], "city": ["a", "b", "a", "b"]})
    with store.run("train", type="Train") as run:
        data = run.log_input(frame, name="houses")
        model = run.log_model(_pipeline().fit(frame, [1, 2, 3, 4]), name="price-model")
    edges = {(e.source, e.source_column, e.target_column, e.transformation)
             for e in store.column_lineage(model, direction="upstream")}
    assert edges == {
        (data.ref, "size", "num__size", "StandardScaler"),
        (data.ref, "city", "cat__city_a", "OneHotEncoder"), (data.ref, "city", "cat__city_b", "OneHotEncoder"),
        (data.ref, "price", "ratio__price", "FunctionTransformer"),
        (data.ref, "size", "ratio__size", "FunctionTransformer"),
        (data.ref, "price", "ratio__ppsf", "FunctionTransformer"),
        (data.ref, "size", "ratio__ppsf", "FunctionTransformer"),
    }
    (edge,) = store.column_lineage(data, column="city", direction="downstream", depth=1)[:1]
    assert edge.target == model.ref

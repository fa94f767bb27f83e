"""describe_model on real, fitted scikit-learn pipelines, torch modules and boosters."""

from __future__ import annotations

import json
import threading

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("pandas")

from tests.capture.samples import fitted_house_model, house_model, houses, in_subprocess, net
from trailmark.capture import describe_model
from trailmark.errors import ValidationError


@pytest.fixture(scope="module")
def model():
    return fitted_house_model(n_estimators=20)


@pytest.fixture(scope="module")
def described(model):
    return describe_model(model)


def step(steps: list[dict], name: str) -> dict:
    return next(s for s in steps if s["name"] == name)


def test_pipeline_class_version_and_hyperparameters(described) -> None:
    import sklearn

    props = described.properties
    assert props["framework"] == "sklearn" and props["class"] == "sklearn.pipeline.Pipeline"
    assert props["library_version"] == sklearn.__version__
    assert props["is_fitted"] is True and props["columns_in"] == ["bedrooms", "size", "city"]
    rf = props["hyperparameters"]["steps"][2]
    assert rf[0] == "rf" and rf[1]["class"] == "sklearn.ensemble.RandomForestRegressor"
    assert rf[1]["hyperparameters"]["max_depth"] == 10 and rf[1]["hyperparameters"]["n_estimators"] == 20
    assert json.loads(json.dumps(props, allow_nan=False)) == props


def test_fitted_preprocessing_is_recorded_per_column(described) -> None:
    pre = step(described.properties["steps"], "pre")
    impute, scale, encode = (step(pre["transformers"], n) for n in ("impute", "scale", "encode"))
    assert impute["class"] == "sklearn.impute.SimpleImputer" and impute["params"]["strategy"] == "median"
    assert impute["fitted"]["statistics"] == {"bedrooms": 3.0}
    assert scale["fitted"]["mean"] == {"size": pytest.approx(1500.0)}
    assert scale["fitted"]["scale"] == {"size": pytest.approx(500.0)}
    assert encode["fitted"]["categories"] == {"city": ["east", "north", "south"]}
    assert encode["columns_out"] == ["city_east", "city_north", "city_south"]
    assert pre["columns_out"] == ["impute__bedrooms", "scale__size", "encode__city_east", "encode__city_north",
                                  "encode__city_south"]


def test_column_names_flow_into_later_steps(described) -> None:
    steps = described.properties["steps"]
    select, rf = step(steps, "select"), step(steps, "rf")
    assert select["columns_in"] == step(steps, "pre")["columns_out"]
    chosen = select["fitted"]["selected_features"]
    assert len(chosen) == 3 and "scale__size" in chosen
    assert select["columns_out"] == chosen == rf["columns_in"]
    assert set(rf["fitted"]["feature_importances"]) == set(chosen)
    assert rf["params"]["n_estimators"] == 20


def test_single_estimator_outside_a_pipeline() -> None:
    from sklearn.preprocessing import StandardScaler

    frame, _ = houses()
    props = describe_model(StandardScaler().fit(frame[["size"]])).properties
    assert props["class"] == "sklearn.preprocessing.StandardScaler"
    assert props["fitted"]["mean"] == {"size": pytest.approx(1500.0)}
    assert props["fitted"]["var"] == {"size": pytest.approx(250_000.0)}


def test_unfitted_estimator() -> None:
    props = describe_model(house_model()).properties
    assert props["is_fitted"] is False
    assert "steps" in props and "fitted" not in step(props["steps"], "rf")


def test_digest_is_stable_across_processes(described) -> None:
    assert in_subprocess("describe_model(fitted_house_model(n_estimators=20)).digest") == described.digest


def test_digest_follows_hyperparameters_and_fit(described, model) -> None:
    assert describe_model(model).digest == described.digest
    assert describe_model(fitted_house_model(n_estimators=21)).digest != described.digest
    frame, price = houses()
    refit = house_model(n_estimators=20).fit(frame, price * 2)
    assert describe_model(refit).digest != described.digest
    assert describe_model(house_model(n_estimators=20)).digest != described.digest  # unfitted


def test_unknown_objects_use_their_pickle() -> None:
    first, second = describe_model({"weights": [1, 2]}), describe_model({"weights": [1, 2]})
    assert first.properties == {"framework": "unknown", "class": "builtins.dict"}
    assert first.digest == second.digest != describe_model({"weights": [1, 3]}).digest


def test_unpicklable_objects_are_rejected_by_type() -> None:
    with pytest.raises(ValidationError, match=r"_thread\.lock"):
        describe_model(threading.Lock())


def test_torch_module() -> None:
    torch = pytest.importorskip("torch")
    model = net()
    model[0].bias.requires_grad_(False)
    description = describe_model(model)
    props = description.properties
    assert props["framework"] == "torch" and props["class"] == "torch.nn.Sequential"
    assert props["parameters"] == {"total": 4 * 8 + 8 + 8 + 1, "trainable": 4 * 8 + 8 + 1}
    assert [layer["class"] for layer in props["layers"]] == ["torch.nn.Linear", "torch.nn.ReLU", "torch.nn.Linear"]
    assert props["layers"][0]["parameters"] == {"weight": [8, 4], "bias": [8]}
    assert json.loads(json.dumps(props)) == props
    with torch.no_grad():
        model[2].bias += 1
    assert describe_model(model).digest != description.digest


def test_torch_digest_is_stable_across_processes() -> None:
    pytest.importorskip("torch")
    assert in_subprocess("describe_model(net()).digest") == describe_model(net()).digest


def test_lightgbm_parameters() -> None:
    lightgbm = pytest.importorskip("lightgbm")
    frame, price = houses()
    features = frame[["bedrooms", "size"]]
    small = lightgbm.LGBMRegressor(n_estimators=5, verbose=-1).fit(features, price)
    props = describe_model(small).properties
    assert props["framework"] == "lightgbm" and props["class"] == "lightgbm.LGBMRegressor"
    assert props["hyperparameters"]["n_estimators"] == 5
    assert set(props["fitted"]["feature_importances"]) == {"bedrooms", "size"}
    assert describe_model(small).digest == describe_model(small).digest
    other_fit = lightgbm.LGBMRegressor(n_estimators=5, verbose=-1).fit(features, price * 2)
    assert describe_model(other_fit).digest != describe_model(small).digest  # same params, other trees


def test_models_with_empty_fitted_arrays_have_a_digest() -> None:
    from sklearn.ensemble import HistGradientBoostingRegressor

    frame, price = houses()
    features = frame[["bedrooms", "size"]]
    model = HistGradientBoostingRegressor(max_iter=5, random_state=0).fit(features, price)
    other = HistGradientBoostingRegressor(max_iter=5, random_state=0, learning_rate=0.2).fit(features, price)
    description = describe_model(model)
    assert description.properties["is_fitted"] is True
    assert description.digest == describe_model(model).digest != describe_model(other).digest

"""tm.autolog() beyond scikit-learn: XGBoost, LightGBM, PyTorch Lightning and Keras on tiny data.

A framework that is not installed (or, for Keras, whose backend is not) is skipped with its reason.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

import trailmark as tm

os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3 needs a backend; torch is the one installed here
np = pytest.importorskip("numpy")


def _needs(name: str, hint: str):
    return pytest.mark.skipif(importlib.util.find_spec(name) is None, reason=f"{name} is not installed: {hint}")


@pytest.fixture
def autologged(tmp_path):
    store = tm.connect(f"sqlite:///{tmp_path / 'tm.db'}")  # the active store
    logged = tm.autolog()
    try:
        yield store, logged
    finally:
        tm.autolog(disable=True)


def _data(n: int = 60):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=n)


def _series(store, run) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for point in sorted(store.metrics(run.execution), key=lambda p: (p.key, p.step)):
        out.setdefault(point.key, []).append(point.value)
    return out


@_needs("xgboost", "pip install xgboost")
def test_xgboost_native_train_logs_params_evals_importance_and_booster(autologged):
    import xgboost as xgb

    store, logged = autologged
    X, y = _data()
    train, valid = xgb.DMatrix(X[:40], label=y[:40]), xgb.DMatrix(X[40:], label=y[40:])
    with tm.run("boost", type="Train") as run:
        booster = xgb.train({"max_depth": 2, "eta": 0.3}, train, num_boost_round=5,
                            evals=[(train, "train"), (valid, "valid")])
    series = _series(store, run)
    assert len(series["valid-rmse"]) == 5 and len(series["train-rmse"]) == 5
    assert series["train-rmse"][-1] < series["train-rmse"][0], "one point per round, as trained"
    execution = store.get(run.execution.ref)
    assert execution.params["max_depth"] == 2 and set(execution.params["feature_importance"]) <= {"f0", "f1", "f2"}
    assert run.model is not None and run.model.name == "xgboost-model" and logged.model == run.model
    assert run.model.properties["framework"] == "xgboost"
    assert booster.num_boosted_rounds() == 5


@_needs("xgboost", "pip install xgboost")
def test_xgboost_sklearn_wrapper_adds_evals_to_the_sklearn_log(autologged):
    import xgboost as xgb

    store, _ = autologged
    X, y = _data()
    with tm.run("boost", type="Train") as run:
        xgb.XGBRegressor(n_estimators=4, max_depth=2).fit(X, y, eval_set=[(X, y)], verbose=False)
    assert len(_series(store, run)["validation_0-rmse"]) == 4
    models = [a for a in run.logged if a.type == "Model"]
    assert [m.name for m in models] == ["XGBRegressor"], "the wrapper's model once, not the Booster too"
    assert store.get(run.execution.ref).params["n_estimators"] == 4


@_needs("lightgbm", "pip install lightgbm")
def test_lightgbm_native_train_and_wrapper(autologged):
    import lightgbm as lgb

    store, _ = autologged
    X, y = _data()
    with tm.run("lgb", type="Train") as run:
        train = lgb.Dataset(X[:40], label=y[:40])
        valid = lgb.Dataset(X[40:], label=y[40:], reference=train)
        lgb.train({"objective": "regression", "num_leaves": 4, "verbose": -1, "min_data_in_leaf": 5}, train,
                  num_boost_round=6, valid_sets=[valid], valid_names=["valid"])
    assert len(_series(store, run)["valid-l2"]) == 6
    execution = store.get(run.execution.ref)
    assert execution.params["num_leaves"] == 4 and "Column_0" in execution.params["feature_importance"]
    assert run.model.name == "lightgbm-model"
    with tm.run("lgb-sklearn", type="Train") as wrapped:
        lgb.LGBMRegressor(n_estimators=3, verbose=-1).fit(X, y, eval_X=(X,), eval_y=(y,))
    l2 = {k: v for k, v in _series(store, wrapped).items() if k.endswith("-l2")}
    assert l2 and all(len(v) == 3 for v in l2.values()), l2
    assert [a.name for a in wrapped.logged if a.type == "Model"] == ["LGBMRegressor"]


@_needs("lightning", "pip install lightning (with torch==2.13.0)")
@pytest.mark.filterwarnings("ignore::FutureWarning")  # Lightning on torch 2.13: pytree LeafSpec deprecation
@pytest.mark.slow
def test_lightning_fit_logs_hparams_step_metrics_architecture_and_checkpoints(autologged, tmp_path):
    import lightning.pytorch as pl
    import torch

    class Regressor(pl.LightningModule):
        def __init__(self, lr: float = 0.05, hidden: int = 4) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = torch.nn.Sequential(torch.nn.Linear(3, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))

        def training_step(self, batch, _):
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.net(x).squeeze(-1), y)
            self.log("train_loss", loss, on_step=True, on_epoch=False)
            return loss

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

    store, _ = autologged
    X, y = _data(32)
    data = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)),
        batch_size=8)
    checkpoint = pl.callbacks.ModelCheckpoint(dirpath=tmp_path / "ckpt", save_top_k=-1, every_n_epochs=1)
    trainer = pl.Trainer(max_epochs=2, callbacks=[checkpoint], logger=False, enable_progress_bar=False,
                         enable_model_summary=False, accelerator="cpu", default_root_dir=tmp_path)
    with tm.run("lightning", type="Train") as run:
        trainer.fit(Regressor(), data)
    execution = store.get(run.execution.ref)
    assert execution.params["lr"] == 0.05 and execution.params["hidden"] == 4
    assert execution.params["trainer.max_epochs"] == 2
    steps = [p.step for p in store.metrics(run.execution) if p.key == "train_loss"]
    assert steps == list(range(1, 9)), "one point per optimizer step (4 batches x 2 epochs)"
    versions = store.models.versions("Regressor")
    assert len(versions) == 3, "two checkpoints, then the trained module"
    assert [v.properties.get("framework") for v in versions][-1] == "torch"
    assert "Linear(in_features=3" in versions[-1].properties["architecture"]


@_needs("keras", "pip install keras (and a backend: torch here, $KERAS_BACKEND=torch)")
@pytest.mark.slow
def test_keras_fit_logs_history_per_epoch_and_architecture(autologged):
    if importlib.util.find_spec(os.environ["KERAS_BACKEND"]) is None:
        pytest.skip(f"Keras' backend {os.environ['KERAS_BACKEND']} is not installed")
    import keras

    store, logged = autologged
    X, y = _data(32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)],
                             name="tiny")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mae"])
    with tm.run("keras", type="Train") as run:
        model.fit(X, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    series = _series(store, run)
    assert len(series["loss"]) == 3 and len(series["val_loss"]) == 3 and len(series["mae"]) == 3
    params = store.get(run.execution.ref).params
    assert params["epochs"] == 3 and params["batch_size"] == 8
    assert params["optimizer.learning_rate"] == pytest.approx(0.01)
    assert run.model.name == "tiny" and "dense" in run.model.properties["architecture"].lower()
    assert logged.model == run.model


def test_disable_puts_every_original_back(tmp_path):
    """After autolog(disable=True) the frameworks' own functions are back (nothing left patched)."""
    from trailmark.tracking import _autolog_common

    tm.connect(f"sqlite:///{tmp_path / 'tm.db'}")
    tm.autolog()
    tm.autolog(disable=True)
    assert _autolog_common._patches == []
    if importlib.util.find_spec("xgboost") is not None:
        import xgboost

        assert not hasattr(xgboost.train, "__trailmark_original__")

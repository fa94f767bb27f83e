"""The automation commands, checked through the store afterwards; on SQLite and through a server."""

from __future__ import annotations

import pytest

import trailmark as tm
from tests.automation.conftest import make_model
from tests.cli.conftest import assert_one_line_error, cli  # noqa: F401  (the fixture)
from tests.conftest import needs_server

pytestmark = pytest.mark.slow  # each command is a process of its own


@pytest.fixture(params=["sqlite", pytest.param("http", marks=needs_server)])
def uri(request, tmp_path):
    if request.param == "http":
        return request.getfixturevalue("live_server")
    return f"sqlite:///{tmp_path / 'tm.db'}"


@pytest.fixture
def models(uri):
    """Three versions of house-price-rf (rmse 28000, 31000, 25000), the first in production."""
    with tm.connect(uri, project="default") as store:
        for rmse in (28000.0, 31000.0, 25000.0):
            make_model(store, rmse, name=f"hp-{uri[:4]}")
        store.models.set_alias(f"hp-{uri[:4]}", "production", version=1)
    return f"hp-{uri[:4]}"


def test_gate_exit_codes(cli, uri, models):  # noqa: F811
    def gate(version, *extra):
        return cli("gate", f"model:{models}@{version}", "--baseline", f"model:{models}@production",
                   "--metric", "rmse", *extra, uri=uri)

    worse = gate(2)
    assert worse.returncode == 3 and "FAILED" in worse.stdout and "31000" in worse.stdout
    assert gate(3).returncode == 0 and "passed" in gate(3).stdout
    assert gate(2, "--higher-is-better").returncode == 0
    assert gate(3, "--min-improvement", "20%").returncode == 3
    assert gate(3, "--min-improvement", "10%").returncode == 0
    assert_one_line_error(gate(9), "version 9")
    assert_one_line_error(gate(3, "--min-improvement", "lots"), "min_improvement")


def test_protected_alias_commands(cli, uri, models):  # noqa: F811
    assert cli("models", "protect", models, "production", "--metric", "rmse", uri=uri).returncode == 0
    refused = cli("models", "alias", "set", models, "production", "2", uri=uri)
    assert refused.returncode == 3 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "may not become 'production'" in refused.stderr and "Traceback" not in refused.stderr
    assert cli("models", "alias", "set", models, "production", "3", uri=uri).returncode == 0
    assert cli("models", "alias", "set", models, "staging", "2", uri=uri).returncode == 0
    assert cli("models", "alias", "remove", models, "staging", uri=uri).returncode == 0
    history = cli("models", "alias", "history", models, uri=uri)
    assert history.returncode == 0 and "removed" in history.stdout
    listed = cli("models", uri=uri)
    assert listed.returncode == 0 and models in listed.stdout
    with tm.connect(uri) as store:
        assert store.get(f"model:{models}@production").version == 3
        assert [m.version for m in store.models.alias_history(models, "staging")] == [2, None]


def test_webhook_commands(cli, uri, receiver):  # noqa: F811
    added = cli("webhooks", "add", receiver.url, "--event", "run.completed", "--event", "alias.moved",
                "--secret", "k", uri=uri)
    assert added.returncode == 0 and "(signed)" in added.stdout, added.stderr
    with tm.connect(uri) as store:
        (hook,) = [h for h in store.webhooks.list() if h.url == receiver.url]
        assert hook.events == ["run.completed", "alias.moved"]
        store.end_execution(store.start_execution("Train", "t"))
    assert cli("webhooks", "deliver", uri=uri).returncode == 0
    shown = cli("webhooks", "deliveries", str(hook.id), uri=uri)
    assert shown.returncode == 0 and "run.completed" in shown.stdout
    assert str(hook.id) in cli("webhooks", "list", uri=uri).stdout
    assert_one_line_error(cli("webhooks", "add", "ftp://x/y", "--event", "run.completed", uri=uri), "http://")
    assert_one_line_error(cli("webhooks", "add", receiver.url, "--event", "run.done", uri=uri), "run.done")
    assert cli("webhooks", "remove", str(hook.id), uri=uri).returncode == 0
    assert_one_line_error(cli("webhooks", "deliveries", str(hook.id), uri=uri), f"no webhook {hook.id}")


def test_monitor_drift_leaderboard_and_deployments(cli, uri, tmp_path):  # noqa: F811
    pd = pytest.importorskip("pandas")
    from trailmark.capture import describe_dataset

    frame = pd.DataFrame({"size": [float(i % 40) for i in range(400)], "city": ["a", "b"] * 200})
    name = f"cli-{uri[:4]}"
    with tm.connect(uri) as store:
        described = describe_dataset(frame)
        run = store.start_execution("Train", "train", context=f"{name}-exp")
        data = store.log_artifact("Dataset", f"{name}-train", digest=described.digest,
                                  properties=described.properties)
        model = store.log_artifact("Model", name, uri="s3://m", digest="sha256:" + "6" * 64)
        store.link(run, inputs=[data], outputs=[model])
        store.log_metrics(run, {"rmse": 3.0})
        store.end_execution(run)
        store.models.deploy(model.ref, endpoint="http://127.0.0.1:9/none")
    shifted = tmp_path / "batch.csv"
    frame.assign(size=frame["size"] + 100).to_csv(shifted, index=False)
    calm = tmp_path / "calm.csv"
    frame.to_csv(calm, index=False)

    drifted = cli("monitor", f"deployment:{name}", str(shifted), uri=uri)
    assert drifted.returncode == 3 and "size" in drifted.stdout and "drift detected" in drifted.stdout
    assert cli("monitor", f"deployment:{name}", str(calm), uri=uri).returncode == 0
    history = cli("drift", f"deployment:{name}", uri=uri)
    assert history.returncode == 0 and "size (psi" in history.stdout
    assert_one_line_error(cli("monitor", "deployment:nope", str(calm), uri=uri), "nope")

    board = cli("leaderboard", f"{name}-exp", "--metric", "rmse", uri=uri)
    assert board.returncode == 0 and "train" in board.stdout and "3" in board.stdout
    assert_one_line_error(cli("leaderboard", "no-such-exp", "--metric", "rmse", uri=uri), "no experiment")

    checked = cli("deployments", "check", uri=uri)
    assert checked.returncode == 0 and f"deployment:{name}: unreachable" in checked.stdout
    assert "unreachable" in cli("deployments", "health", f"deployment:{name}", uri=uri).stdout

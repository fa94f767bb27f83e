"""``dbt-ol run`` and ``dbt-ol test`` (openlineage-dbt, dbt-core 1.10, dbt-duckdb) reporting to a real server.

dbt lives in its own environment (``pip install 'trailmark[dbt]'`` there, see .ci/run): the
test finds ``dbt-ol`` through ``$TRAILMARK_DBT_OL`` or the PATH, and is skipped without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

import trailmark as tm
from tests.server.live import serve_in_thread
from trailmark.server import create_app

DBT_OL = os.environ.get("TRAILMARK_DBT_OL") or shutil.which("dbt-ol")
PROJECT = Path(__file__).with_name("dbt_project")

_MISSING = "dbt-ol not installed: set TRAILMARK_DBT_OL (pip install 'trailmark[dbt]' in its own venv)"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(DBT_OL is None, reason=_MISSING)]


def _dbt(command: str, workdir: Path, url: str) -> subprocess.CompletedProcess:
    assert DBT_OL is not None
    path = os.pathsep.join([str(Path(DBT_OL).parent), os.environ.get("PATH", "")])  # dbt-ol runs dbt beside it
    env = {**os.environ, "PATH": path, "OPENLINEAGE_URL": url, "OPENLINEAGE_NAMESPACE": "dbt-test",
           "DBT_PROFILES_DIR": str(workdir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run([DBT_OL, command, "--project-dir", str(workdir)], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=600)


def test_dbt_run_and_test_report_one_tree_without_splitting_datasets(tmp_path):
    workdir = tmp_path / "shop"
    shutil.copytree(PROJECT, workdir)
    (workdir / "profiles.yml").write_text(
        f"shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: {workdir / 'shop.duckdb'}\n"
        "      schema: main\n")
    uri = f"sqlite:///{tmp_path / 'trailmark.db'}"
    with serve_in_thread(create_app(uri)) as url:
        for command in ("run", "test"):
            done = _dbt(command, workdir, url)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with tm.connect(uri) as store:
        executions = store.search("", kind="executions", limit=100).items
        models = [e for e in executions if e.params.get("openlineage.job", "").endswith("customer_revenue")]
        assert models and all(e.status == "COMPLETE" for e in executions), [(e.name, e.status) for e in executions]
        revenue = [a for a in store.search("type = 'Dataset'", kind="artifacts") if a.name.endswith(
            "customer_revenue")]
        assert [a.version for a in revenue] == [1], "dbt test must read the model's version, not split it"
        upstream = store.lineage(revenue[0], direction="upstream").artifacts()
        assert any(a.name.endswith("orders") for a in upstream)
        parents = {e.parent_id for e in executions if e.parent_id is not None}
        assert parents, "models and tests are children of the dbt invocation's run"

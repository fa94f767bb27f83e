"""examples/house_prices.py on the demo's store keeps each dataset series to one table shape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import trailmark as tm

pytest.importorskip("sklearn", reason="the example needs scikit-learn: pip install 'trailmark[demo]'")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "house_prices.py"


@pytest.mark.slow
def test_example_after_the_demo_mixes_no_table_shapes(tmp_path):
    uri = f"sqlite:///{tmp_path / 'trailmark.db'}"
    env = {k: v for k, v in os.environ.items() if k != "TRAILMARK_URI"}
    for args in (["-m", "trailmark", "--uri", uri, "demo"], [str(EXAMPLE), "--uri", uri]):
        done = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL, check=False)
        assert done.returncode == 0, done.stderr
    with tm.connect(uri) as store:
        for series in {a.name for a in store.search("type = 'Dataset'", kind="artifacts", limit=1000)}:
            widths = {len(v.properties.get("schema", {}) or {}) for v in store.versions("Dataset", series)}
            assert len(widths) == 1, f"dataset {series!r} mixes tables of {sorted(widths)} columns"

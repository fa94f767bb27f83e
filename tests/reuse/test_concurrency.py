"""Two processes running the same cached step at once: whatever runs is recorded whole."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import trailmark as tm

pytest.importorskip("pandas")

_WORKER = textwrap.dedent('''
    import os, sys, time
    from pathlib import Path
    import pandas as pd
    import trailmark as tm

    uri, calls, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    tm.connect(uri)

    @tm.step(type="Preprocess", name="shared-step", cache=True)
    def slow(df):
        with calls.open("a") as f:
            f.write(f"{os.getpid()}\\n")
        time.sleep(0.5)
        return df.assign(y=df.x * 2)

    while not go.exists():      # start together
        time.sleep(0.01)
    out = slow(pd.DataFrame({"x": [1, 2, 3]}))
    assert list(out.y) == [2, 4, 6]
''')


@pytest.mark.slow
def test_two_processes_on_one_cached_step(store_uri, tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    calls, go = tmp_path / "calls.txt", tmp_path / "go"
    env = {**os.environ, "TRAILMARK_CACHE_DIR": str(tmp_path / "cache")}
    workers = [subprocess.Popen([sys.executable, str(script), store_uri, str(calls), str(go)], env=env)
               for _ in range(2)]
    go.touch()
    assert [w.wait(timeout=120) for w in workers] == [0, 0]

    ran = calls.read_text().split() if calls.exists() else []
    with tm.connect(store_uri) as store:
        runs = list(store.search("name = 'shared-step'", kind="executions"))
        assert all(r.status == "COMPLETE" for r in runs), [r.status for r in runs]
        assert len(runs) == 2, "each call is one execution"
        originals = [r for r in runs if r.cached_from is None]
        assert len(originals) == len(ran) >= 1, "every run of the function is recorded, and only those"
        for run in runs:  # never half-recorded: each has its input and its outputs (the result included)
            assert [a.name for a in store.lineage(run, direction="upstream", depth=1).artifacts()] == ["shared-step.df"]
            names = {a.name for a in store.lineage(run, depth=1).artifacts()}
            assert names == {"shared-step.output", "shared-step.result"}
        # a third call, now that one is COMPLETE, is served from the cache
        subprocess.run([sys.executable, str(script), store_uri, str(calls), str(go)], env=env, check=True, timeout=120)
        assert calls.read_text().split() == ran

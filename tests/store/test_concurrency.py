"""Several processes logging into one series: no duplicate version, no gap, no lock error."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import trailmark as tm

WRITER = r"""
import hashlib, sys
import trailmark as tm
store = tm.connect(sys.argv[1])
worker, count = int(sys.argv[2]), int(sys.argv[3])
for i in range(count):
    # every worker logs the shared contents too, in a different order
    for content in (f"own-{worker}-{i}", f"shared-{(i + worker) % count}"):
        digest = "sha256:" + hashlib.sha256(content.encode()).hexdigest()
        store.log_artifact("Dataset", "contended", digest=digest)
        execution = store.start_execution("Ingest", f"w{worker}")
        store.log_metrics(execution, {"i": i}, step=i)
        store.end_execution(execution)
print("ok")
"""

WORKERS = 4
PER_WORKER = 15


def test_four_processes_log_into_one_series(store_uri):
    tm.connect(store_uri).close()  # create the schema first, as a user's first run would
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, store_uri, str(w), str(PER_WORKER)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(WORKERS)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0 and "ok" in out, err
        assert "locked" not in err

    with tm.connect(store_uri) as store:
        versions = store.versions("Dataset", "contended")
        expected = {f"own-{w}-{i}" for w in range(WORKERS) for i in range(PER_WORKER)}
        expected |= {f"shared-{i}" for i in range(PER_WORKER)}
        assert [v.version for v in versions] == list(range(1, len(expected) + 1))
        assert {v.digest for v in versions} == {
            "sha256:" + hashlib.sha256(c.encode()).hexdigest() for c in expected
        }
        runs = store.search("type = 'Ingest'", kind="executions", limit=1000)
        assert len(runs) == WORKERS * PER_WORKER * 2

"""docs/benchmarks.md, written from a run's JSON document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import _table
from bench._result import Result
from bench._targets import ANCHOR_NAMES
from bench.workloads import TITLES

REPRODUCE = """\
pip install -e '.[all,bench]'
# full mode, with the anchors (first use creates bench/.venvs/mlflow and bench/.venvs/mlmd),
# every workload twice with the samples pooled (about an hour here):
python -m bench --rounds 2 --out bench/results --docs docs/benchmarks.md
# quick mode, Trailmark alone on SQLite (what CI runs; under 3 minutes):
python -m bench --quick --anchors none --out /tmp/bench
# one workload, or some backends: --workloads W2,W3 --backends sqlite,postgresql
# redraw this page and its charts from a results file: --from-json bench/results/DATE.json
# (findings about a run, kept in bench/results/DATE.notes.md, end the page)"""

HOW = {
    "W1": """\
A *run* is 10 params, 5 tags, one input DataFrame (1,000 x 10), 3 metrics x 100 steps and one
output model. Trailmark: `store.run(...)`, `run.set_tags` (5 tags), `run.log_input(df)`,
`run.log_metric` x 300 (buffered), `run.log_model(fitted LinearRegression)`. MLflow:
`start_run`, `log_params`, `set_tags`, `log_input(mlflow.data.from_pandas(df))`, `log_batch`
of the 300 points and `create_external_model` (a model record without artifacts: neither
tool stores model bytes). *points_single*: one call per value (Trailmark's `run.log_metric`
buffers, and the flush at the end of the run is timed; MLflow's `mlflow.log_metric` writes
each value, and its `synchronous=False` mode is shown too). *points_batched*: 1,000 points per
call (`log_metric_points`; MLflow's `log_batch`, whose limit is 1,000). *graph_writes*: the
graph of a run (an execution with 10 params, an input and an output artifact, 2 events, an
experiment context), counted as 5 nodes+edges: ML Metadata writes it with one
`put_execution`; Trailmark with `start_execution`, 2 `log_artifact`, `link` and
`end_execution`. *graph_steps*: the same count with one `store.log_step` per graph (one
transaction: the execution, its 2 outputs logged, 2 events, the context). *graph_batched*: the
five calls of *graph_writes* on `store.batch()`, 100 graphs per batch (one transaction each).""",
    "W2": """\
Each row has 5 params (`model` one of rf, gbm, linear, svm) and metrics `rmse` and `mae`; a
quarter are rf and half have rmse < 0.5, so an eighth match and the query returns the 100
with the lowest rmse. Trailmark: `store.search("metrics.rmse < 0.5 and params.model = 'rf'",
kind="executions", order_by=["metrics.rmse asc"], limit=100)`; the executions are loaded by
`bench/workloads/_loader.py`, batched INSERTs into the store's own tables (node, execution,
parameter index, metric points, latest values; no audit entries), since through the API each
execution is three transactions. The http backend serves the PostgreSQL database just loaded
(on every workload, `trailmark server` runs with one worker process per core).
MLflow: `search_runs` with the same filter and order, over fewer runs (loading through its
API takes minutes per 10,000), so its ratio flatters MLflow. ML Metadata: the same rows as
artifacts with custom properties (`put_artifacts`, 1,000 per call), queried with
`get_artifacts(filter_query, limit=100)`; it cannot order by a property, so its query does
less. *get*: one node by reference (`store.get("exec:<id>")`, `get_run`, `get_artifacts_by_id`).""",
    "W3": """\
A chain artifact -> execution -> artifact ... and a fan-out (one dataset read by N
executions, each writing one artifact), built through the API. Walks start at the first
node (down) or the last node (up) of the chain, and at the root (down) or one leaf (up) of
the fan-out. Trailmark answers each walk with one `store.lineage(ref, direction=, depth=)`
call, which returns every node in full. ML Metadata's `get_lineage_subgraph` walks at most 100
hops from at most 100 nodes per call, so a longer walk restarts from the edge of what it has
seen; its calls are counted. MLflow has no lineage graph.""",
    "W4": """\
A DataFrame of 6 float, 2 integer and 2 string columns. Trailmark:
`trailmark.capture.describe_dataset(df)` (content digest, schema, per-column statistics).
MLflow: `mlflow.data.from_pandas(df)` and its digest. *Metadata bytes* are the JSON of the
description; *data bytes* are `df.memory_usage(deep=True)`. Whether a digest covers every row
is checked by changing the last row and digesting again.""",
    "W5": """\
Writer processes start together, each with its own store; each repeats `start_execution`,
8 `log_metrics` and `end_execution` (10 acknowledged writes). writes/s is all writes over the
time from the first start to the last end; every exception counts as an error. Backends: one
SQLite file; PostgreSQL through `SqlStore`; the server over PostgreSQL through `HttpStore`
clients. The writers, the database and the server share the machine's cores, so beyond
two writers they compete for CPU as much as for the store. The anchors are not measured here.""",
}

DETAILS = {
    "W2": ("rows", "load_seconds", "loader"),
    "W3": ("calls",),
    "W4": ("metadata_bytes", "data_bytes", "metadata_share", "digest_covers_all_rows"),
    "W5": ("errors", "first_error"),
}


def page(report: dict[str, Any], charts: dict[str, str], notes: Path | None = None) -> str:
    """The whole page; ``notes``, a Markdown file of findings about this run, ends it."""
    results = [Result.from_json(item) for item in report["results"]]
    parts = [_intro(report), _targets(report["verdicts"]), _machine(report), "## Reproduce\n\n```sh\n"
             + REPRODUCE + f"\n```\n\nThis run: `{report['command']}`\n"]
    for workload, title in TITLES.items():
        if any(r.workload == workload for r in results):
            parts.append(_workload(results, workload, title, charts.get(workload)))
    parts.append(_not_measured(report))
    if notes is not None and notes.exists():
        parts.append(notes.read_text().strip() + "\n")
    return "\n".join(parts)


def _intro(report: dict[str, Any]) -> str:
    anchors = ", ".join(f"{ANCHOR_NAMES[name]} {version}" for name, version in report["anchors"].items())
    return f"""# Benchmarks

Trailmark measured beside the tools users would otherwise pick ({anchors or 'no anchor'}), on
one machine in one run of `python -m bench` ({report['date']}, {report['mode']} mode). Each
figure is the median of repeated samples, and latencies give their 95th percentile too. The
machine is shared and has two cores, so read the ratios rather than the absolute figures.
*x MLflow* and *x ML Metadata* say how many times faster Trailmark is (rate over rate, or
latency under latency): above 1, Trailmark is faster. Raw samples:
`bench/results/{report['date']}.json`.
"""


def _targets(verdicts: list[dict[str, Any]]) -> str:
    lines = ["## Targets (from issue 9)", "",
             "Met or not on the wall clock; *on CPU time* is the same figure on the measuring process's CPU",
             "time, given where all the work happens in that process (SQLite, and both anchors).", "",
             "| workload | case | backend | target | measured | met | on CPU time |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {v['workload']} | {v['case']} | {v['backend']} | {v['target']} | {v['measured']} | "
              f"{'yes' if v['met'] else '**no**'} | {v['cpu_measured'] or '-'} |" for v in verdicts]
    return "\n".join(lines) + "\n"


def _machine(report: dict[str, Any]) -> str:
    m = report["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    anchors = "; ".join(f"{ANCHOR_NAMES[k]} {v} (SQLite, own venv)" for k, v in report["anchors"].items()) or "none"
    loads = [entry["loadavg_1m"] for entry in report["load"]]
    at_end = f" ({m['commit_at_end']} by the end of the run)" if m.get("commit_at_end") else ""
    return f"""## Machine

- CPU: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable), {m['memory_gib']} GiB memory
- OS: {m['os']}
- Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql'] or 'not used'}
- Trailmark at commit {m['commit']}{at_end}; {packages}
- Anchors: {anchors}
- Rounds: {report['rounds']}; load average (1 min) at the start of each workload: {min(loads):.1f} to
  {max(loads):.1f} on {m['cores']} cores, from the other work sharing the machine
"""


def _workload(results: list[Result], workload: str, title: str, chart: str | None) -> str:
    sizes = sorted({f"{r.tool}: {r.size}" for r in results if r.workload == workload and r.size})
    anchors = _table.anchors_in(results, workload)
    headers = _table.headers(anchors)
    lines = [f"## {workload} {title}", "", HOW[workload], "", f"Sizes: {'; '.join(sizes)}.", "",
             "| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += [f"| {row.case} | {row.backend} | " + " | ".join(row.cells) + " |"
              for row in _table.rows(results, workload, anchors)]
    keys = DETAILS.get(workload)
    if keys:
        lines += ["", "| tool | backend | case | " + " | ".join(keys) + " |", "|" + " --- |" * (3 + len(keys))]
        for r in results:
            if r.workload == workload and any(k in r.extra for k in keys):
                lines.append(f"| {r.tool} | {r.backend} | {r.case} | "
                             + " | ".join(_value(k, r.extra.get(k)) for k in keys) + " |")
    if workload == "W3":
        lines += ["", _same_reach(results)]
    if chart:
        lines += ["", f"![{workload} {title}]({chart})"]
    return "\n".join(lines) + "\n"


def _same_reach(results: list[Result]) -> str:
    """Whether every tool and backend reached the same nodes on each walk, as a sentence."""
    reached: dict[str, set[int]] = {}
    for r in results:
        if r.workload == "W3":
            reached.setdefault(r.case, set()).add(r.extra["nodes"])
    differing = [case for case, counts in reached.items() if len(counts) > 1]
    if not differing:
        return "Every walk reached the same number of nodes on every tool and backend."
    return f"**The number of nodes reached differs between tools on: {', '.join(differing)}.**"


def _value(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "metadata_share":
        return f"{value:.4%}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def _not_measured(report: dict[str, Any]) -> str:
    lines = ["## Not measured", "",
             "- MLflow has no lineage graph (W3); neither anchor is run in W5.",
             "- The anchors run on SQLite only: MLflow on PostgreSQL (the issue quotes 44 ms for its search)",
             "  is not measured here."]
    lines += [f"- {name}: {reason}" for name, reason in report.get("skipped", {}).items()]
    return "\n".join(lines) + "\n"

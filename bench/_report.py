"""What a run produces: the terminal table, ``<out>/<date>.json``, the Markdown page and its charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import _charts, _markdown, _table
from bench._result import Result
from bench._targets import judge, ratios
from bench.workloads import TITLES


def build(results: list[Result], **about: Any) -> dict[str, Any]:
    """The JSON document of a run: what was measured, on what, and against which targets."""
    return {
        **about,
        "results": [r.to_json() for r in results],
        "ratios": ratios(results),
        "verdicts": [v.to_json() for v in judge(results)],
    }


def results_of(report: dict[str, Any]) -> list[Result]:
    return [Result.from_json(item) for item in report["results"]]


def write_json(report: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{report['date']}.json"
    path.write_text(json.dumps(report, indent=1) + "\n")
    return path


def notes_for(results_file: Path) -> Path:
    """Where hand-kept findings about a results file live: ``<date>.notes.md`` beside it."""
    return results_file.with_suffix(".notes.md")


def write_docs(report: dict[str, Any], docs: Path, charts: Path, notes: Path) -> list[Path]:
    """The Markdown page (ending with ``notes`` if that file exists) and one chart per workload."""
    results = results_of(report)
    drawn = {}
    for workload, title in TITLES.items():
        path = _charts.draw(results, workload, title, charts / f"{workload.lower()}-{title}.png")
        if path is not None:
            drawn[workload] = path
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(_markdown.page(report, {w: _relative(p, docs.parent) for w, p in drawn.items()}, notes))
    return [docs, *drawn.values()]


def show(report: dict[str, Any], console: Console) -> None:
    """Print one table per workload, then the targets."""
    results = results_of(report)
    for workload, title in TITLES.items():
        anchors = _table.anchors_in(results, workload)
        found = _table.rows(results, workload, anchors)
        if not found:
            continue
        table = Table(title=f"{workload} {title} (medians)", title_justify="left")
        for header in _table.headers(anchors):
            table.add_column(header, justify="left" if header in ("case", "backend") else "right")
        for row in found:
            table.add_row(row.case, row.backend, *row.cells)
        console.print(table)
    targets = Table(title="Targets", title_justify="left")
    for header in ("workload", "case", "backend", "target", "measured", "met", "on CPU time"):
        targets.add_column(header)
    for v in report["verdicts"]:
        targets.add_row(v["workload"], v["case"], v["backend"], v["target"], v["measured"],
                        "[green]yes[/]" if v["met"] else "[red]no[/]", v["cpu_measured"])
    console.print(targets)
    for name, reason in report.get("skipped", {}).items():
        console.print(f"[yellow]not measured: {name}: {reason}[/]")


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())

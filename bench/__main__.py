"""``python -m bench``: run the workloads on Trailmark and the anchors, then report.

Example:
    python -m bench --quick --anchors none --out /tmp/bench
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from bench import _anchors, _machine, _report
from bench._backends import ALL as BACKENDS
from bench._backends import open_backends
from bench._result import Result, merge
from bench._sizes import FULL, QUICK, Sizes
from bench.workloads import MODULES, Context

console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.from_json:
        results_file = Path(args.from_json)
        report = json.loads(results_file.read_text())
    else:
        report = _measure(args)
        results_file = _report.write_json(report, args.out)
        console.print(f"results: {results_file}")
    _report.show(report, console)
    docs = _docs_path(args)
    if docs is not None:
        for path in _report.write_docs(report, docs, docs.parent / "bench", _report.notes_for(results_file)):
            console.print(f"wrote {path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test; minutes, not an hour)")
    parser.add_argument("--workloads", type=_names(MODULES), default=list(MODULES), help="e.g. W1,W3 (default: all)")
    parser.add_argument("--anchors", type=_names(_anchors.ANCHORS, none=True), default=list(_anchors.ANCHORS),
                        help="mlflow,mlmd (default) or none")
    parser.add_argument("--backends", type=_names(BACKENDS), default=None,
                        help="Trailmark backends: sqlite,postgresql,http (default: all; sqlite with --quick)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat every workload this many times, pooling the samples (spreads noise)")
    parser.add_argument("--out", type=Path, default=Path("bench/results"), help="where <date>.json goes")
    parser.add_argument("--docs", default=None,
                        help="Markdown page to write, charts beside it in bench/ "
                             "(default: docs/benchmarks.md in full mode, none with --quick)")
    parser.add_argument("--from-json", help="report an earlier results file instead of measuring "
                                            "(findings kept in <date>.notes.md beside it end the page)")
    return parser


def _names(known, *, none: bool = False):
    def parse(text: str) -> list[str]:
        if none and text == "none":
            return []
        names = [n.strip() for n in text.split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} (choose from {', '.join(known)})")
        return names
    return parse


def _docs_path(args: argparse.Namespace) -> Path | None:
    if args.docs == "none" or (args.docs is None and args.quick and not args.from_json):
        return None
    return Path(args.docs or "docs/benchmarks.md")


def _measure(args: argparse.Namespace) -> dict:
    sizes = QUICK if args.quick else FULL
    backends = args.backends or (["sqlite"] if args.quick else list(BACKENDS))
    results: list[Result] = []
    skipped: dict[str, str] = {}
    load: list[dict] = []
    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="trailmark-bench-") as tmp, \
            open_backends(backends, Path(tmp)) as opened:
        skipped.update(opened.skipped)
        machine = _machine.describe(opened.postgres_url)
        context = Context(sizes, opened, Path(tmp))
        for round_ in range(1, args.rounds + 1):
            for workload in args.workloads:
                load.append({"round": round_, "workload": workload, "loadavg_1m": os.getloadavg()[0]})
                console.rule(f"round {round_}, {workload}: trailmark on {', '.join(opened.names)}")
                try:
                    results += importlib.import_module(MODULES[workload]).measure(context)
                except Exception as exc:  # noqa: BLE001 (one broken workload must not cost the others' figures)
                    console.print_exception()
                    skipped[f"trailmark {workload}"] = f"{type(exc).__name__}: {exc}"
                results += _run_anchors(args.anchors, workload, sizes, Path(tmp) / f"round-{round_}", skipped)
    if _machine.commit() != machine["commit"]:
        machine["commit_at_end"] = _machine.commit()  # someone committed to src/ while this ran
    measured = {r.tool for r in results}
    return _report.build(
        merge(results),
        date=started.date().isoformat(),
        started=started.isoformat(timespec="seconds"),
        mode="quick" if args.quick else "full",
        command=" ".join(["python -m bench", *map(shlex.quote, sys.argv[1:])]),
        machine=machine,
        anchors={name: _anchors.version(_anchors.ANCHORS[name]) for name in args.anchors if name in measured},
        backends=opened.names,
        skipped=skipped,
        sizes=sizes.to_json(),
        rounds=args.rounds,
        load=load,
    )


def _run_anchors(names: list[str], workload: str, sizes: Sizes, workdir: Path, skipped: dict[str, str]) -> list[Result]:
    results = []
    for name in names:
        anchor = _anchors.ANCHORS[name]
        if workload not in anchor.workloads or name in skipped:
            continue
        console.rule(f"{workload}: {name}")
        if not _anchors.ready(anchor):
            console.print(f"creating {_anchors.VENVS / name} (pip install {anchor.requirement}; first use only)")
        try:
            results += _anchors.run(anchor, workload, sizes, workdir / name)
        except _anchors.AnchorUnavailable as exc:
            skipped[name] = str(exc)
            console.print(f"[yellow]{name} not measured: {exc}[/]")
        except _anchors.AnchorFailed as exc:
            skipped[f"{name} {workload}"] = str(exc)
            console.print(f"[yellow]{name} {workload} failed: {exc}[/]")
    return results


if __name__ == "__main__":
    sys.exit(main())

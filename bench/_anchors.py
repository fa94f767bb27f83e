"""The anchors (MLflow, ML Metadata), each in its own virtual environment.

Their dependency pins (protobuf among them) conflict with each other and with
Trailmark's, so each gets ``bench/.venvs/<name>``, made on first use. A workload runs
as ``python -m bench.anchors.<script> WORKLOAD SIZES_JSON WORKDIR`` in that venv and
prints its results on stdout as one line holding a JSON list.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench._result import Result
from bench._sizes import Sizes

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / "bench" / ".venvs"


@dataclass(frozen=True)
class Anchor:
    name: str
    requirement: str   # what pip installs
    module: str        # what must import once installed
    script: str        # module under bench.anchors
    workloads: tuple[str, ...]


ANCHORS = {
    "mlflow": Anchor("mlflow", "mlflow", "mlflow", "mlflow_workloads", ("W1", "W2", "W4")),
    "mlmd": Anchor("mlmd", "ml-metadata==1.17.1", "ml_metadata", "mlmd_workloads", ("W1", "W2", "W3")),
}


class AnchorUnavailable(Exception):
    """The anchor's environment could not be made; the reason is the message."""


class AnchorFailed(Exception):
    """One workload of the anchor failed; its error is the message."""


def python_of(anchor: Anchor) -> Path:
    return VENVS / anchor.name / "bin" / "python"


def ready(anchor: Anchor) -> bool:
    """True when the anchor's venv exists and imports the anchor."""
    python = python_of(anchor)
    return python.exists() and _imports(python, anchor.module)


def ensure(anchor: Anchor) -> Path:
    """The anchor venv's interpreter, creating the venv and installing the anchor if needed."""
    python = python_of(anchor)
    if ready(anchor):
        return python
    steps = [
        [sys.executable, "-m", "venv", str(VENVS / anchor.name)],
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", anchor.requirement],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AnchorUnavailable(f"{' '.join(step[-2:])} failed: {_tail(done.stderr)}")
    if not _imports(python, anchor.module):
        raise AnchorUnavailable(f"{anchor.requirement} installed but `import {anchor.module}` fails")
    return python


def version(anchor: Anchor) -> str:
    """The installed version of the anchor's package."""
    code = f"import importlib.metadata as m; print(m.version({anchor.requirement.split('==')[0]!r}))"
    done = subprocess.run([str(python_of(anchor)), "-c", code], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def run(anchor: Anchor, workload: str, sizes: Sizes, workdir: Path) -> list[Result]:
    """Run one workload of the anchor in its venv and read back its results."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = [
        str(ensure(anchor)), "-m", f"bench.anchors.{anchor.script}", workload, json.dumps(sizes.to_json()),
        str(workdir),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AnchorFailed(_tail(done.stderr))
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    if not lines:
        raise AnchorFailed(f"no results on stdout: {_tail(done.stdout)}")
    return [Result.from_json(item) for item in json.loads(lines[-1])]


def _imports(python: Path, module: str) -> bool:
    return subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, check=False).returncode == 0


def _tail(text: str, lines: int = 5) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])

"""The ``trailmark`` command line: parse, call the Python API, render."""

from __future__ import annotations

# Commands register on import, and `trailmark --help` lists them in that order.
# isort: off
from trailmark.cli import _demo, _lists, _nodes  # noqa: F401  (commands register on import)
from trailmark.cli import _init  # noqa: F401
from trailmark.cli import _server  # noqa: F401
from trailmark.cli import _protect  # noqa: F401  (classify, declassify, reveal, purge, gc)
from trailmark.cli import _search  # noqa: F401
from trailmark.cli import _reuse  # noqa: F401  (reuse, similar)
# isort: on
from trailmark.cli._access import members, projects, tokens, users
from trailmark.cli._app import app
from trailmark.cli._audit import audit
from trailmark.cli._automation import deployments, models, webhooks
from trailmark.cli._db import db
from trailmark.cli._errors import run
from trailmark.cli._import import import_app
from trailmark.cli._runs import runs_app, tags_app

app.add_typer(db, name="db")
app.add_typer(audit, name="audit")
app.add_typer(runs_app, name="runs")  # `runs` lists; `runs reap` (see cli/_runs.py)
app.add_typer(tags_app, name="tags")
app.add_typer(import_app, name="import")  # `import mlflow SOURCE` (see cli/_import.py)
for group, name in ((users, "users"), (tokens, "tokens"), (projects, "projects"), (members, "members")):
    app.add_typer(group, name=name)
for group, name in ((models, "models"), (webhooks, "webhooks"), (deployments, "deployments")):
    app.add_typer(group, name=name)  # gate, monitor, drift, leaderboard too: see cli/_automation.py


def main() -> None:
    """Entry point of the ``trailmark`` console script."""
    run(app)


__all__ = ["app", "main"]

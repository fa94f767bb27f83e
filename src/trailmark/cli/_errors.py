"""One place where a user's mistake becomes one line on stderr and exit status 1."""

from __future__ import annotations

import sys

from trailmark.errors import TrailmarkError


def run(app) -> None:
    """Run the Typer app; TrailmarkError (and a missing optional package) -> one line, exit 1."""
    try:
        app(standalone_mode=True)
    except TrailmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except ImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None

"""One place where a user's mistake becomes one line on stderr and exit status 1."""

from __future__ import annotations

import sys

import typer
from typer.exceptions import Abort, TyperException

from trailmark.errors import GateFailedError, TrailmarkError


def run(app: typer.Typer) -> None:
    """Run the Typer app; a usage mistake, a TrailmarkError or a missing optional package
    prints ``error: ...`` on one line and exits 1."""
    try:
        code = app(standalone_mode=False)
    except Abort:
        _fail("aborted")
    except TyperException as exc:  # usage mistakes: unknown command, missing or bad argument
        context = getattr(exc, "ctx", None)
        hint = f" (try `{context.command_path} --help`)" if context is not None else ""
        _fail(f"{exc.format_message()}{hint}")
    except GateFailedError as exc:  # a refusal by policy, told apart from errors: exit 3
        _fail(str(exc), code=3)
    except (TrailmarkError, ImportError) as exc:
        _fail(str(exc))
    raise SystemExit(code if isinstance(code, int) else 0)


def _fail(message: str, *, code: int = 1) -> None:
    print("error: " + " ".join(message.split()), file=sys.stderr)
    raise SystemExit(code)

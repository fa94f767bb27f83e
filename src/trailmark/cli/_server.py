"""``trailmark server``: the REST API under uvicorn, with one or more worker processes."""

from __future__ import annotations

import enum
import os
from typing import Annotated

import typer

from trailmark._config import URI_ENV, resolve_uri
from trailmark._url import StoreURL
from trailmark.cli._app import app
from trailmark.errors import TrailmarkError


class AuthMode(str, enum.Enum):
    auto = "auto"
    required = "required"


@app.command()
def server(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on (0.0.0.0: all of them).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 5000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (more than 1: PostgreSQL).")] = 1,
    uri: Annotated[str | None, typer.Option("--uri", help="Store to serve (default: the global --uri).")] = None,
    read_uri: Annotated[
        str | None, typer.Option("--read-uri", help="A PostgreSQL streaming replica of --uri to serve reads from "
                                 "(read-your-writes per client; the primary while it lags or is down).")
    ] = None,
    auth: Annotated[
        AuthMode, typer.Option("--auth", help="auto: tokens once users exist; required: tokens even before.")
    ] = AuthMode.auto,
    artifacts_root: Annotated[
        str | None,
        typer.Option("--artifacts-root", help="Where kept bytes go: a folder or any fsspec URL (default: "
                     "$TRAILMARK_ARTIFACTS, else beside a SQLite file)."),
    ] = None,
    max_body_mb: Annotated[
        float | None,
        typer.Option("--max-body-mb", min=0.001, max=4096, envvar="TRAILMARK_MAX_BODY_MB",
                     help="Largest request body, after decompression, in MiB (default 16)."),
    ] = None,
    max_value_mb: Annotated[
        float | None,
        typer.Option("--max-value-mb", min=0.001, max=4096, envvar="TRAILMARK_MAX_VALUE_MB",
                     help="Largest property or param value, as JSON, in MiB (default 1)."),
    ] = None,
    webhook_deny_private: Annotated[
        bool, typer.Option("--webhook-deny-private", help="Refuse webhooks to loopback and private addresses.")
    ] = False,
    allowed_hosts: Annotated[
        str | None, typer.Option("--allowed-hosts", help="Host names to answer, comma-separated (* for any); "
                                 "default: localhost, 127.0.0.1 and ::1 only.")
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log a line per request on stdout (requests are "
                           "counted at /metrics either way).")
    ] = False,
    existing: Annotated[
        bool, typer.Option("--existing", help="Refuse to start on a SQLite path with no store (instead of "
                           "creating an empty one, with a warning).")
    ] = False,
) -> None:
    """Serve the REST API and OpenLineage ingest. In Python: trailmark.server.create_app(URI)."""
    try:
        import uvicorn

        from trailmark.server._auth import AUTH_ENV
        from trailmark.server.app import open_sql_store
    except ImportError as exc:
        raise TrailmarkError(f"{exc.name} is not installed: pip install 'trailmark[server]'") from exc
    resolved = resolve_uri(uri or ctx.find_root().params.get("uri"))
    _check_store(resolved, existing)
    # Create or check the schema once here, so that a bad URI or an old store fails in one
    # line before any worker starts, and workers never race to create tables.
    open_sql_store(resolved).close()
    if workers > 1 and StoreURL.parse(resolved).scheme == "sqlite":
        typer.echo("warning: several workers on one SQLite file take turns to write; use PostgreSQL", err=True)
    os.environ[URI_ENV] = resolved  # read by each worker's app_from_env()
    if read_uri:
        from trailmark.store.sql._replica import READ_URI_ENV, check_read_uri

        check_read_uri(read_uri, resolved)
        os.environ[READ_URI_ENV] = read_uri
    if artifacts_root:
        from trailmark.artifacts import ARTIFACTS_ENV, ArtifactRoot

        os.environ[ARTIFACTS_ENV] = ArtifactRoot(artifacts_root).url  # read by each worker's store
    if auth is AuthMode.required:
        os.environ[AUTH_ENV] = "required"  # read by each worker's access control
    _set_limits(max_body_mb, max_value_mb)
    _set_hosts(allowed_hosts)
    _set_automation(webhook_deny_private, workers)
    uvicorn.run("trailmark.server.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                access_log=access_log)


def _check_store(uri: str, existing: bool) -> None:
    """A typo in the store's path must not pass unnoticed: refuse it (--existing) or say that a new store is made."""
    from trailmark.errors import NotFoundError
    from trailmark.store._exists import missing_store

    missing = missing_store(uri)
    if missing is None:
        return
    if existing:
        raise NotFoundError(f"there is no store at {missing}: check --uri, or leave out --existing to create one")
    typer.echo(f"warning: there is no store at {missing}: serving a new, empty one (--existing refuses instead)",
               err=True)


def _set_hosts(allowed: str | None) -> None:
    """The Host names each worker answers (loopback by default: no DNS rebinding onto a local server)."""
    from trailmark.server._security import ALLOWED_HOSTS_ENV, LOOPBACK, parse_hosts

    os.environ[ALLOWED_HOSTS_ENV] = ",".join(parse_hosts(allowed or "") or LOOPBACK)


def _set_automation(deny_private: bool, workers: int) -> None:
    """Webhook policy for each worker; with several workers, one folder where /metrics sums their counts."""
    from trailmark.automation._urls import DENY_PRIVATE_ENV

    if deny_private:
        os.environ[DENY_PRIVATE_ENV] = "1"
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        import tempfile

        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="trailmark-metrics-")


def _set_limits(body_mb: float | None, value_mb: float | None) -> None:
    """Pass the limits to each worker (and to this process, which serves when there is one worker)."""
    from trailmark.store import _validate

    for env, value in ((_validate.BODY_MB_ENV, body_mb), (_validate.VALUE_MB_ENV, value_mb)):
        if value is not None:
            os.environ[env] = str(value)
    _validate.LIMITS.reload()

"""``gate``, ``monitor``, ``drift``, ``leaderboard``, ``webhooks``, ``models alias|protect``, ``deployments``.

Each command calls one public method of the store and renders what it returns. A failed
gate (``gate``, ``models alias set`` on a protected alias) and a drifted batch
(``monitor``) exit with 3, so that a CI job tells them from errors (1).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.table import Table

from trailmark.cli import _lists
from trailmark.cli._app import app, open_store
from trailmark.cli._listing import Column, ListFormat, emit
from trailmark.cli._render import console, number, when
from trailmark.entities import to_dict

FAILED = 3  # exit status of a failed gate or a drifted batch

webhooks = typer.Typer(help="Webhooks: HTTP callbacks on events (run.completed, alias.moved, drift.detected...).",
                       no_args_is_help=True)
deployments = typer.Typer(help="Deployments: health checks over time.", no_args_is_help=True)
aliases = typer.Typer(help="Aliases of a model (production, staging...): move, remove, history.", no_args_is_help=True)
models = typer.Typer(help="Registered models: list versions (run alone), move aliases, protect them.")


@app.command()
def gate(
    candidate: Annotated[str, typer.Argument(help="The candidate model, such as model:house-price-rf@3.")],
    baseline: Annotated[str, typer.Option("--baseline", help="What to beat, such as model:NAME@production.")],
    metric: Annotated[str, typer.Option("--metric", help="The metric compared (the runs' latest value).")],
    higher_is_better: Annotated[bool, typer.Option("--higher-is-better", help="Larger values win (accuracy).")] = False,
    min_improvement: Annotated[
        str, typer.Option("--min-improvement", help="Margin to beat by: in the metric's units, or a percentage (1%).")
    ] = "0",
) -> None:
    """Compare a candidate model with a baseline; exit 0 if it passes, 3 if not. In Python: store.gate(...)."""
    margin = _margin(min_improvement)
    with open_store() as store:
        result = store.gate(candidate, baseline=baseline, metric=metric,
                            direction="max" if higher_is_better else "min", min_improvement=margin)
    console.print(f"{'passed' if result.passed else 'FAILED'}: {result.reason}", markup=False)
    if not result.passed:
        raise typer.Exit(FAILED)


def _margin(text: str) -> float | str:
    """``--min-improvement``: a percentage stays text ("1%"), a number becomes one."""
    if text.strip().endswith("%"):
        return text
    try:
        return float(text)
    except ValueError:
        return text  # refused by the gate, which names it


@app.command()
def monitor(
    deployment: Annotated[str, typer.Argument(help="The deployment, such as deployment:house-price-rf.")],
    path: Annotated[str, typer.Argument(help="The production batch: a CSV or Parquet file (or a folder of them).")],
) -> None:
    """Compare a production batch with the deployed model's training data; exit 3 if a column drifted.
    In Python: store.monitor(DEPLOYMENT, DATA)."""
    with open_store() as store:
        report = store.monitor(deployment, path)
    table = Table(title=f"drift of {report.deployment} against {report.training}")
    for column in ("column", "test", "statistic", "threshold", "drifted"):
        table.add_column(column)
    for name, found in report.columns.items():
        table.add_row(name, str(found["test"]), f"{found['statistic']:.4g}", f"{found['threshold']:g}",
                      "[red]yes[/red]" if found["drifted"] else "no")
    console.print(table)
    console.print(f"report {report.ref}: {'drift detected' if report.drifted else 'no drift'}", markup=False)
    if report.drifted:
        raise typer.Exit(FAILED)


@app.command()
def drift(
    deployment: Annotated[str, typer.Argument(help="The deployment, such as deployment:house-price-rf.")],
    json_out: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """Drift over time: every report of a deployment, oldest first. In Python: store.drift_history(DEPLOYMENT)."""
    with open_store() as store:
        history = store.drift_history(deployment)
    columns = [Column("when"), Column("report", key=True), Column("drifted"), Column("columns drifted (statistic)")]
    rows = [[when(r.created_at), str(r.ref), "yes" if r.drifted else "no",
             ", ".join(f"{n} ({c['test']} {number(c['statistic'])})" for n, c in r.columns.items() if c["drifted"])
             or "-"] for r in history]
    emit(columns, rows, [to_dict(r) for r in history], ListFormat.json if json_out else format,
         empty=f"no drift reports for {deployment} yet: run `trailmark monitor {deployment} DATA`",
         title=f"drift of {deployment}")


@app.command()
def leaderboard(
    experiment: Annotated[str, typer.Argument(help="The experiment whose runs are ranked.")],
    metric: Annotated[str, typer.Option("--metric", help="The metric to rank by (each run's latest value).")],
    higher_is_better: Annotated[bool, typer.Option("--higher-is-better", help="Larger values rank first.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many runs.")] = 10,
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """The best runs of an experiment by one metric. In Python: store.leaderboard(EXPERIMENT, metric=M)."""
    with open_store() as store:
        board = store.leaderboard(experiment, metric=metric, direction="max" if higher_is_better else "min",
                                  limit=limit)
    columns = [Column("rank", justify="right"), Column("run", key=True), Column("name", key=True),
               Column(metric, key=True, justify="right"), Column("started")]
    rows = [[str(rank), e.ref, e.name, number(value), when(e.started_at)] for rank, (e, value) in enumerate(board, 1)]
    records = [{"rank": rank, "run": e.ref, "name": e.name, metric: value, "started": e.started_at}
               for rank, (e, value) in enumerate(board, 1)]
    emit(columns, rows, records, format, empty=f"no run of {experiment} has {metric}",
         title=f"{experiment}: {metric} ({'higher' if higher_is_better else 'lower'} is better)")


# -- webhooks --------------------------------------------------------------------------------


@webhooks.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="Where to POST: an http(s) URL.")],
    event: Annotated[list[str], typer.Option("--event", help="An event to send (repeat for more).")],
    secret: Annotated[str | None, typer.Option("--secret", help="Sign each delivery with HMAC-SHA256.")] = None,
) -> None:
    """Subscribe a URL to events. In Python: store.webhooks.add(URL, events=[...], secret=S)."""
    with open_store() as store:
        hook = store.webhooks.add(url, events=event, secret=secret)
    console.print(f"webhook {hook.id}: {hook.url} on {', '.join(hook.events)}{' (signed)' if hook.signed else ''}",
                  markup=False)


@webhooks.command("list")
def webhooks_list(
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """The project's webhooks. In Python: store.webhooks.list()."""
    with open_store() as store:
        hooks = store.webhooks.list()
    columns = [Column("id", key=True), Column("url", key=True), Column("events"), Column("signed"), Column("created")]
    rows = [[str(h.id), h.url, ", ".join(h.events), "yes" if h.signed else "no", when(h.created_at)] for h in hooks]
    emit(columns, rows, [to_dict(h) for h in hooks], format, empty="no webhooks yet")


@webhooks.command("remove")
def webhooks_remove(hook_id: Annotated[int, typer.Argument(help="The webhook's id.")]) -> None:
    """Unsubscribe a webhook. In Python: store.webhooks.remove(ID)."""
    with open_store() as store:
        hook = store.webhooks.remove(hook_id)
    console.print(f"webhook {hook.id} removed ({hook.url})", markup=False)


@webhooks.command("deliveries")
def webhooks_deliveries(
    hook_id: Annotated[int, typer.Argument(help="The webhook's id.")],
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """Every delivery of a webhook with its attempts. In Python: store.webhooks.deliveries(ID)."""
    with open_store() as store:
        found = store.webhooks.deliveries(hook_id)
    columns = [Column("delivery", key=True), Column("event", key=True), Column("state"), Column("status"),
               Column("attempts"), Column("subject"), Column("last error"), Column("created")]
    rows = [[d.id, d.event, d.state, str(d.status_code or ""), str(d.attempts), d.subject,
             next((a.error for a in reversed(d.history) if a.error), "") or "", when(d.created_at)] for d in found]
    emit(columns, rows, [dataclasses.asdict(d) for d in found], format, empty=f"no deliveries for webhook {hook_id}")


@webhooks.command("deliver")
def webhooks_deliver() -> None:
    """Send every pending delivery now, whatever its backoff. In Python: store.webhooks.deliver()."""
    with open_store() as store:
        attempted = store.webhooks.deliver()
    console.print(f"{attempted} deliver{'y' if attempted == 1 else 'ies'} attempted")


# -- models: aliases and protection ---------------------------------------------------------


@aliases.command("set")
def alias_set(
    model: Annotated[str, typer.Argument(help="The model's name.")],
    alias: Annotated[str, typer.Argument(help="The alias: production, staging...")],
    version: Annotated[int, typer.Argument(help="The version it points at.")],
    force: Annotated[bool, typer.Option("--force", help="Move a protected alias despite a failed gate (admins).")] = (
        False
    ),
) -> None:
    """Point an alias at a version (a protected alias runs its gate: exit 3 if refused).
    In Python: store.models.set_alias(NAME, ALIAS, version=V)."""
    with open_store() as store:
        move = store.models.set_alias(model, alias, version=version, force=force)
    console.print(f"model:{move.model}@{move.alias} -> version {move.version}", markup=False)


@aliases.command("remove")
def alias_remove(
    model: Annotated[str, typer.Argument(help="The model's name.")],
    alias: Annotated[str, typer.Argument(help="The alias to remove.")],
    force: Annotated[bool, typer.Option("--force", help="Remove a protected alias (admins).")] = False,
) -> None:
    """Remove an alias (its history is kept). In Python: store.models.remove_alias(NAME, ALIAS)."""
    with open_store() as store:
        store.models.remove_alias(model, alias, force=force)
    console.print(f"model:{model}@{alias} removed", markup=False)


@aliases.command("history")
def alias_history(
    model: Annotated[str, typer.Argument(help="The model's name.")],
    alias: Annotated[str | None, typer.Argument(help="Only this alias.")] = None,
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """Every move of a model's aliases: version, who, when. In Python: store.models.alias_history(NAME, ALIAS)."""
    with open_store() as store:
        moves = store.alias_history(model, alias)
    columns = [Column("alias", key=True), Column("version", key=True), Column("set by"), Column("when")]
    rows = [[m.alias, "removed" if m.version is None else str(m.version), m.set_by or "", when(m.set_at)]
            for m in moves]
    emit(columns, rows, [to_dict(m) for m in moves], format, empty=f"no alias of {model} was ever set")


def protect(
    model: Annotated[str, typer.Argument(help="The model's name.")],
    alias: Annotated[str, typer.Argument(help="The alias to guard, such as production.")],
    metric: Annotated[str, typer.Option("--metric", help="The metric its gate compares.")],
    higher_is_better: Annotated[bool, typer.Option("--higher-is-better", help="Larger values win.")] = False,
    min_improvement: Annotated[str, typer.Option("--min-improvement", help="Margin, or a percentage (1%).")] = "0",
) -> None:
    """Guard an alias: moving it runs a gate against the version it points at.
    In Python: store.models.protect(NAME, ALIAS, metric=M)."""
    margin = _margin(min_improvement)
    with open_store() as store:
        rule = store.models.protect(model, alias, metric=metric, direction="max" if higher_is_better else "min",
                                    min_improvement=margin)
    console.print(f"model:{rule.model}@{rule.alias} is protected: its gate compares {rule.metric} "
                  f"({'higher' if rule.direction == 'max' else 'lower'} is better, margin {rule.min_improvement})",
                  markup=False)


# -- deployments --------------------------------------------------------------------------


@deployments.command("check")
def deployments_check() -> None:
    """Probe each deployment's health URL once and record the result. In Python: store.models.check_deployments()."""
    with open_store() as store:
        checks = store.models.check_deployments()
    if not checks:
        console.print("no deployments yet: store.models.deploy(MODEL, endpoint=URL) records one")
    for check in checks:
        latency = f" in {check.latency_ms:.0f} ms" if check.latency_ms is not None else ""
        console.print(f"deployment:{check.deployment}: {check.status}{latency} ({check.detail or '-'})", markup=False)


@deployments.command("health")
def deployments_health(
    deployment: Annotated[str, typer.Argument(help="The deployment, such as deployment:house-price-rf.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many checks.")] = 20,
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """A deployment's latest health checks. In Python: store.models.health(DEPLOYMENT)."""
    with open_store() as store:
        checks = store.models.health(deployment, limit=limit)
    columns = [Column("checked", key=True), Column("status", key=True), Column("latency ms", justify="right"),
               Column("detail"), Column("by")]
    rows = [[when(c.checked_at), c.status, "" if c.latency_ms is None else number(c.latency_ms), c.detail or "",
             c.checked_by or ""] for c in checks]
    emit(columns, rows, [to_dict(c) for c in checks], format, empty=f"no health checks of {deployment} yet")


@models.callback(invoke_without_command=True)
def models_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many versions to list.")] = 50,
    format: Annotated[ListFormat, typer.Option("--format", help=_lists.FORMAT_HELP)] = ListFormat.table,
) -> None:
    """List registered model versions with their aliases, newest first; or move and protect aliases."""
    if ctx.invoked_subcommand is None:
        _lists.models(limit=limit, format=format)


models.add_typer(aliases, name="alias")
models.command("protect")(protect)

"""Rich renderings of a model card (``show`` on a Model) and of a reproduction recipe."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from trailmark.cli._render import figures, number


def _table() -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    return table




def card_panel(card: dict[str, Any], *, title: str = "how it was built") -> Panel:
    """The "how it was built" section of ``trailmark show`` for a Model."""
    table = _table()
    data = card.get("dataset_version")
    if data:
        uri = f" ({data['uri']})" if data["uri"] else ""
        table.add_row("dataset version", f"{data['ref']} {data['digest'][:19]}{uri}")
    if card.get("trained_by"):
        table.add_row("trained by", card["trained_by"])
    details = card.get("preprocessing_details") or {}
    for column, entry in (details.get("imputation") or {}).items():
        table.add_row("imputation", f"{column}: {entry['strategy']} = {number(entry['value'])}")
    for column, entry in (details.get("scaling") or {}).items():
        figures_ = figures({k: v for k, v in entry.items() if k != "method"})
        table.add_row("scaling", f"{column}: {entry['method']} {figures_}")
    for column, entry in (details.get("encoding") or {}).items():
        table.add_row("encoding", f"{column}: {entry['method']} {entry['categories']}")
    for column, entry in (details.get("added_features") or {}).items():
        table.add_row("added feature", f"{column} = {entry['function']}(...)")
    if card.get("hyperparameters"):
        table.add_row("hyperparameters", figures(card["hyperparameters"]))
    for run, values in (card.get("metrics_by_run") or {}).items():
        table.add_row("metrics", f"{run}: {figures(values)}")
    if card.get("endpoint_url"):
        table.add_row("deployed", f"{card['endpoint_url']} on {card['deployed_on']}")
    return Panel(table, title=title, title_align="left")


def recipe_panel(recipe: dict[str, Any]) -> Group:
    """``trailmark reproduce``: the recipe, top to bottom in the order one would rebuild."""
    head = _table()
    head.add_row("target", recipe["target"])
    head.add_row("run", f"{recipe['execution']} {recipe['type']} {recipe['name']} ({recipe['status']})")
    code = recipe.get("code")
    if code:
        dirty = "[red]dirty: uncommitted changes were not recorded[/red]" if code.get("dirty") else "clean"
        branch = code.get("branch") or "(detached)"
        head.add_row("code", f"commit {code.get('commit') or '(none)'} on {branch}, {dirty}")
        if code.get("remote"):
            head.add_row("remote", code["remote"])
    else:
        head.add_row("code", "[yellow]not in a git repository: the code version is unknown[/yellow]")
    head.add_row("python", f"{recipe.get('implementation') or ''} {recipe.get('python') or '?'}".strip())
    head.add_row("platform", recipe.get("platform") or "?")
    head.add_row("packages", f"{len(recipe['packages'])} recorded (--format json lists them)" if recipe["packages"]
                 else "none recorded")
    inputs = Table(title="input data", title_justify="left")
    for column in ("ref", "role", "digest", "uri"):
        inputs.add_column(column, overflow="fold", no_wrap=column != "uri")
    for item in recipe["inputs"]:
        inputs.add_row(item["ref"], item["role"] or "", item["digest"][:19], item["uri"] or "")
    params = _table()
    for key, value in recipe["params"].items():
        params.add_row(key, number(value))
    seeds = figures(recipe["seeds"]) if recipe["seeds"] else "[yellow]none found in params[/yellow]"
    return Group(
        Panel(head, title="reproduce", title_align="left"),
        inputs,
        Panel(params, title="params", title_align="left"),
        f"[bold]random seeds[/bold] {seeds}",
    )

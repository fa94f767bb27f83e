"""Every command has help text and a section in docs/cli.md; every doc the README links exists."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from trailmark.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands(group, prefix: str = "") -> dict:
    found = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found.update(_commands(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_has_help_and_docs():
    cli_doc = (ROOT / "docs" / "cli.md").read_text()
    commands = _commands(typer.main.get_command(app))
    assert commands
    for name, command in commands.items():
        assert (command.help or "").strip(), f"`trailmark {name}` has no help"
        assert f"## `trailmark {name}" in cli_doc, f"`trailmark {name}` is not documented in docs/cli.md"


def test_readme_links_resolve():
    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#]+\.md)\)", readme):
        assert (ROOT / target).exists(), f"README links to missing {target}"

"""Every ``trailmark ...`` command in docs/*.md and README.md names a real command with real
options: each is parsed by the CLI's click commands, without running it (tests/doc_commands.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer._click.exceptions import UsageError

from tests.doc_commands import command_lines, parse

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_in_the_docs_parses(page):
    wrong = []
    for line, whole in command_lines(page):
        try:
            parse(line, whole=whole)
        except UsageError as exc:
            wrong.append(f"{line}: {exc.format_message()}")
    assert not wrong, "\n".join(wrong)


def test_cli_md_has_command_lines():
    lines = command_lines(ROOT / "docs" / "cli.md")
    assert sum(whole for _, whole in lines) > 10 and any(not whole for _, whole in lines)


@pytest.mark.parametrize(
    ("line", "whole", "fragment"),
    [
        ("trailmark nope", False, "no such command 'nope'"),
        ("trailmark runs --nope", True, "No such option: --nope"),
        ("trailmark --uri x runs --nope", False, "no option --nope"),
        ("trailmark show", True, "Missing argument"),
        ("trailmark reproduce exec:1 --format openlineage", True, "openlineage"),
        ("trailmark models alias set m production N", True, "version"),
    ],
)
def test_a_wrong_command_is_caught(line, whole, fragment):
    with pytest.raises(UsageError) as caught:
        parse(line, whole=whole)
    assert fragment in caught.value.format_message()


def test_shell_lines_are_split_into_commands(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Run `trailmark runs --limit 5` or `trailmark show REF [--format json]`.\n\n```bash\n"
                    "$ TRAILMARK_URI=sqlite:///x.db trailmark lineage x --format dot | dot -Tsvg > out.svg  # a note\n"
                    'trailmark search "metrics.rmse >= 1" && trailmark models\n```\n')
    assert command_lines(page) == [("trailmark lineage x --format dot", True),
                                   ("trailmark search 'metrics.rmse >= 1'", True), ("trailmark models", True),
                                   ("trailmark runs --limit 5", False)]

"""The ``trailmark ...`` command lines of a Markdown file, and a check that click accepts one.

Used by tests/test_readme.py and tests/test_doc_commands.py.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import typer.main
from typer._click.core import Command  # typer's own copy of click: its commands are these
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from trailmark.cli import app

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"(?<!`)`(trailmark [^`]+)`(?!`)")
SYNOPSIS = re.compile(r"\[|\]|\.\.\.")  # a usage summary (`[--limit N]`, `REF...`), not a command line


def blocks(path: Path, *languages: str) -> list[str]:
    """The fenced code blocks of a file in these languages ("" for a block without one)."""
    return [body for language, body in FENCE.findall(path.read_text()) if language in languages]


def command_lines(path: Path) -> list[tuple[str, bool]]:
    """Every ``trailmark ...`` command in the file, with whether it is a whole command line.

    Whole: each command of a code block's lines (split at ``|``, ``&&``, ``;``, without
    redirections, comments, ``$ `` or environment assignments). Not whole: inline code spans
    in prose and headings (``trailmark show``, ``trailmark webhooks remove ID``), which name a
    command and maybe options, without their arguments. Usage summaries are left out.
    """
    found = []
    for body in blocks(path, "", "bash", "sh", "console", "shell"):
        for line in body.replace("\\\n", " ").splitlines():
            for words in _commands(line.strip().removeprefix("$ ")):
                while words and re.match(r"^[A-Z_]+=", words[0]):
                    words.pop(0)
                if words[:1] == ["trailmark"] and not SYNOPSIS.search(" ".join(words)):
                    found.append((shlex.join(words), True))
    prose = FENCE.sub("", path.read_text()).replace("\n", " ")
    found.extend((span, False) for span in INLINE.findall(prose) if not SYNOPSIS.search(span) and "|" not in span)
    return found


def _commands(line: str) -> list[list[str]]:
    """The commands of a shell line, as shlex would read them (none if it is not shell)."""
    lexer = shlex.shlex(re.sub(r"\s[12]>", " >", line), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    redirected = False
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: a line of a filter or of output, not a command
        assert not line.startswith("trailmark "), line
        return []
    for token in tokens:
        if token in ("|", "||", "&&", ";", "&"):
            commands.append([])
            redirected = False
        elif set(token) <= set("<>&"):
            redirected = True  # what follows is a file name
        elif not redirected:
            commands[-1].append(token)
    return [words for words in commands if words]


def parse(line: str, *, whole: bool = True) -> None:
    """Parse a command line with the CLI's click commands, running nothing; raise UsageError
    (unknown command or option, bad value, missing argument) if it is wrong. Not ``whole``:
    only the command and the options named must exist."""
    words = shlex.split(line)
    assert words[0] == "trailmark", line
    command: Command = typer.main.get_command(app)
    args, name = words[1:], "trailmark"
    while True:
        if not whole:
            args = _check_options(command, args, line)
        else:
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # a group run bare prints its help
                    context = command.make_context(name, list(args), resilient_parsing=False)
            except NoArgsIsHelpError:
                return
            args = [*context._protected_args, *context.args]  # what follows a group's own options
        if not isinstance(command, TyperGroup) or not args:
            return
        sub = command.commands.get(args[0])
        if sub is None:
            raise UsageError(f"no such command {args[0]!r} in `{line}`")
        command, name, args = sub, args[0], args[1:]


def _check_options(command: Command, args: list[str], line: str) -> list[str]:
    """Each ``--option`` in ``args`` up to a subcommand must be one of the command's, and a
    group's first word its subcommand; returns the words from the subcommand on, or nothing."""
    options = {opt: param for param in command.params for opt in [*param.opts, *param.secondary_opts]}
    skip = False
    for index, word in enumerate(args):
        if skip:
            skip = False
        elif word.startswith("-"):
            param = options.get(word.split("=")[0])
            if param is None and word != "--help":
                raise UsageError(f"no option {word.split('=')[0]} for `{command.name}` in `{line}`")
            skip = param is not None and not getattr(param, "is_flag", False) and "=" not in word
        elif isinstance(command, TyperGroup):
            if word not in command.commands:
                raise UsageError(f"no such command {word!r} in `{line}`")
            return args[index:]
    return []

"""A Rich progress bar on stderr for long captures, only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LONG_CAPTURE_BYTES = 64 << 20


def wanted(total_bytes: int, forced: bool | None) -> bool:
    """Show a bar when forced, or by default for big inputs when stderr is a terminal."""
    if forced is not None:
        return forced
    return total_bytes >= LONG_CAPTURE_BYTES and sys.stderr.isatty()


@contextmanager
def progress_bar(description: str, total_bytes: int, show: bool) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(bytes_done)``, which moves the bar (or does nothing when hidden)."""
    if not show:
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total_bytes)
        yield lambda done: progress.update(task, completed=done)

"""Helpers shared by the command modules: progress bars and console output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["console", "err_console", "progress", "table_names"]

console = Console()
err_console = Console(stderr=True)


@contextmanager
def progress() -> Iterator[Progress]:
    """A rich progress bar on stderr (hidden when stderr is not a terminal)."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        yield bar


def table_names() -> list[str]:
    """The contract's table names (an output may not sit where an input folder keeps one)."""
    from cxradar.contract import load_contracts

    return list(load_contracts())

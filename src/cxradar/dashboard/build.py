"""Build the report's tables for a month: run every aggregate module, store the tables.

:func:`build_tables` is the aggregate step (run folder in, ``RUN_DIR/report/`` out); it needs the
run's files of that month, so it runs right after the month's run (``cxradar report`` and
``cxradar demo`` do this). :func:`load_month` reads a stored month back for the pages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cxradar.dashboard.aggregates import MODULES, SPECS, AggregateContext
from cxradar.dashboard.aggregates import care as care_aggregates
from cxradar.dashboard.labels import Labels
from cxradar.dashboard.sources import RunFiles
from cxradar.dashboard.store import REPORT_DIR, read_tables, stored_months, write_tables
from cxradar.errors import StateError

__all__ = ["BuiltTables", "MonthTables", "build_tables", "load_month"]


@dataclass
class BuiltTables:
    """What :func:`build_tables` did: the month, the files written, labels that had no words."""

    month: str
    report_dir: Path
    written: list[Path]
    missing_labels: set[tuple[str, str]]
    seconds: float


@dataclass
class MonthTables:
    """The stored tables of one month (``current``) and of every month (``history``)."""

    month: str
    current: dict[str, pd.DataFrame]
    history: dict[str, pd.DataFrame]
    months: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame:
        return self.current[name]


def build_tables(run_dir: Path, *, policies: Path | None = None) -> BuiltTables:
    """Compute every aggregate of the month in ``RUN_DIR/summary.json`` and store it under ``report/``."""
    started = time.perf_counter()
    files = RunFiles(run_dir)
    report_dir = Path(run_dir) / REPORT_DIR
    labels = Labels()
    try:
        ctx = AggregateContext(files, labels, history=read_tables(report_dir, SPECS))
        frames: dict[str, pd.DataFrame] = {}
        for module in MODULES:
            built = care_aggregates.build(ctx, policies) if module is care_aggregates else module.build(ctx)
            frames.update(built)
    finally:
        files.close()
    written = write_tables(report_dir, files.month, frames, SPECS)
    return BuiltTables(files.month, report_dir, written, labels.missing, time.perf_counter() - started)


def load_month(report_dir: Path, month: str | None = None) -> MonthTables:
    """The stored tables of ``month`` (default: the latest stored month)."""
    months = stored_months(report_dir)
    if not months:
        raise StateError(
            f"{report_dir} holds no report tables",
            fix="build them first: cxradar report RUN_DIR --out report.html (right after the month's run)",
        )
    chosen = month or months[-1]
    if chosen not in months:
        raise StateError(
            f"the report tables in {report_dir} have no month {chosen} (stored: {', '.join(months)})",
            fix=f"pass --month with one of {', '.join(months)}, or build it right after that month's run",
        )
    history = read_tables(report_dir, SPECS)
    current = {
        name: frame.loc[frame["month"] == chosen].drop(columns="month").reset_index(drop=True)
        for name, frame in history.items()
    }
    return MonthTables(chosen, current, history, months)

"""``make_report``: the month's tables (built or reused) and the HTML report, for ``cxradar report``
and ``cxradar demo`` (see :mod:`cxradar.dashboard`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxradar.dashboard.build import BuiltTables, build_tables
from cxradar.dashboard.document import write_report
from cxradar.dashboard.sources import read_json
from cxradar.dashboard.store import REPORT_DIR, stored_months
from cxradar.errors import StateError

__all__ = ["ReportResult", "make_report"]


@dataclass
class ReportResult:
    """What :func:`make_report` did."""

    path: Path
    month: str
    built: BuiltTables | None  # None when the month's stored tables were reused
    months: list[str]
    charts: int
    bytes: int


def make_report(run_dir: Path, out: Path | None = None, month: str | None = None) -> ReportResult:
    """Build the month's tables if the run folder holds that month, then write the HTML report.

    ``month`` defaults to the run's month (``summary.json``). An earlier month is rendered from
    the tables stored when its report was built; a month never built is a :class:`StateError`.
    """
    run_dir = Path(run_dir)
    current = read_json(run_dir / "summary.json").get("month")
    report_dir = run_dir / REPORT_DIR
    built = None
    if month is None or month == current:
        built = build_tables(run_dir)
        month = built.month
    elif month not in stored_months(report_dir):
        stored = stored_months(report_dir)
        raise StateError(
            f"{run_dir} holds the run of {current}, and no report tables were stored for {month} "
            f"(stored: {', '.join(stored) or 'none'})",
            fix=f"pass --month {current}, or one of the stored months; build a month's tables right "
            "after its run (cxradar report RUN_DIR after cxradar run)",
        )
    target = Path(out) if out is not None else report_dir / f"report-{month}.html"
    path, report = write_report(run_dir, target, month)
    return ReportResult(
        path, month, built, stored_months(report_dir), len(report.charts()), path.stat().st_size
    )

"""Assemble the report of a month: every page of :data:`cxradar.dashboard.pages.PAGES` from the
stored tables, and write it as one HTML file."""

from __future__ import annotations

from pathlib import Path

from cxradar.dashboard.build import MonthTables, load_month
from cxradar.dashboard.html import render_html
from cxradar.dashboard.model import Report
from cxradar.dashboard.pages import PAGES
from cxradar.dashboard.store import REPORT_DIR
from cxradar.dashboard.text import t
from cxradar.engine.files import atomic_write_text

__all__ = ["build_report", "write_report"]


def build_report(tables: MonthTables) -> Report:
    """The page model of one month (pure: tables in, pages out)."""
    return Report(
        month=tables.month,
        title=t("Dissatisfied-customer topic", "不满意客户分析专题"),
        subtitle=t("cxradar monthly report", "cxradar 月度报告"),
        pages=[page.build(tables) for page in PAGES],
        months=tables.months,
    )


def write_report(run_dir: Path, out: Path, month: str | None = None) -> tuple[Path, Report]:
    """Render the stored month (default: the latest) of ``run_dir`` to ``out``; returns the path."""
    report = build_report(load_month(Path(run_dir) / REPORT_DIR, month))
    path = atomic_write_text(render_html(report), Path(out))
    return path, report

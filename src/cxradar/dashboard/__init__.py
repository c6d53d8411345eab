"""The dissatisfied-customer topic (不满意客户分析专题): aggregate tables, pages, one HTML report.

::

    run folder ──build_tables──► RUN_DIR/report/*.parquet, *.csv  (aggregates, one per chart)
                                       │ load_month
                                       ▼
                                  MonthTables ──build_report──► Report (pages) ──render_html──► report.html

:func:`make_report` is what ``cxradar report`` and ``cxradar demo`` call: it builds the tables of
the run's month (right after the month's run) or reuses those stored for an earlier month, and
writes the self-contained HTML. :func:`cxradar.dashboard.asgi.create_dashboard_app` serves the
same pages live (Starlette; imported on its own so the CLI does not need a web stack).

The package's names are imported on first use (PEP 562), so that importing a light part of it -
the live dashboard's routes in the lookup service - does not load the analytics stack.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "REPORT_DIR",
    "BuiltTables",
    "MonthTables",
    "ReportResult",
    "build_report",
    "build_tables",
    "load_month",
    "make_report",
    "render_html",
    "write_report",
]

_HOME = {
    "REPORT_DIR": "store",
    "BuiltTables": "build",
    "MonthTables": "build",
    "ReportResult": "make",
    "build_report": "document",
    "build_tables": "build",
    "load_month": "build",
    "make_report": "make",
    "render_html": "html",
    "write_report": "document",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"cxradar.dashboard.{_HOME[name]}"), name)
    raise AttributeError(f"module 'cxradar.dashboard' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])

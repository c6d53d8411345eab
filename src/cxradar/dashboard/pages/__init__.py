"""The report's pages, in order. Each module has ``PAGE_ID`` and ``build(MonthTables) -> Page``.

To add a page (e.g. issue 15's staff and halls page): write ``pages/staff.py`` with the same two
names, add its tables to an aggregate module, and append it to :data:`PAGES`.
"""

from __future__ import annotations

from types import ModuleType

from cxradar.dashboard.pages import care, churn, csi, glance, model, segments, survey, who

__all__ = ["PAGES"]

PAGES: tuple[ModuleType, ...] = (glance, who, segments, care, csi, survey, churn, model)

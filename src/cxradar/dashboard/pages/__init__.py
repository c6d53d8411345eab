"""The report's pages, in order. Each module has ``PAGE_ID`` and ``build(MonthTables) -> Page``.

To add a page: write ``pages/NAME.py`` with the same two names, add its tables to an aggregate
module, and append it to :data:`PAGES` (``staff`` is the latest: the touchpoints and staff page).
"""

from __future__ import annotations

from types import ModuleType

from cxradar.dashboard.pages import care, churn, csi, glance, model, segments, staff, survey, who

__all__ = ["PAGES"]

PAGES: tuple[ModuleType, ...] = (glance, who, segments, care, csi, survey, staff, churn, model)

"""The aggregate step: small tables computed with DuckDB SQL over the run's files, one module a topic.

Each module declares its tables (:data:`SPECS`, see :mod:`cxradar.dashboard.tables`) and has a
``build(ctx)`` that returns them as DataFrames with exactly the declared columns (``month`` is
added by :func:`cxradar.dashboard.build.build_tables`). Results are aggregates only - counts,
shares, means, model and campaign figures - never one row per subscriber.
"""

from __future__ import annotations

from cxradar.dashboard.aggregates import care, churn, csi, glance, model, profile, staff, survey
from cxradar.dashboard.aggregates.context import AggregateContext
from cxradar.dashboard.tables import TableSpec

__all__ = ["MODULES", "SPECS", "AggregateContext"]

MODULES = (glance, profile, care, csi, survey, staff, churn, model)
SPECS: dict[str, TableSpec] = {s.name: s for m in MODULES for s in m.SPECS}

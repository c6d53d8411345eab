"""The state one monthly run carries from step to step.

A step reads what earlier steps left in :class:`RunContext` - relation names on the engine,
small driver-side results (the fitted identifier, counts) - and adds its own. Files go through
:class:`~cxradar.pipeline.layout.RunLayout` (``ctx.layout``): written into the month's staging
folder, committed together at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxradar.engine.base import Engine
from cxradar.identify.config import IdentifyConfig
from cxradar.months import month_shift
from cxradar.pipeline.layout import RunLayout
from cxradar.pipeline.timing import RunTimer
from cxradar.run_config import RunConfig

__all__ = ["Progress", "RunContext"]

Progress = Callable[[str, int, int], None]


@dataclass
class RunContext:
    """Inputs of a run, the engine it runs on, and everything the steps produce."""

    data_dir: Path
    month: str
    layout: RunLayout
    config: IdentifyConfig
    settings: RunConfig
    engine: Engine
    model_kind: str = "logit"
    churn_config: Any = None  # the churn section, or None when the run skips churn
    care_config: dict[str, Any] = field(default_factory=dict)
    wide_table: Path | None = None  # wide-table mode: the operator's 用户宽表 and its mapping
    mapping: Path | None = None
    results: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    features: dict[str, str] = field(default_factory=dict)  # as-of month -> relation
    timer: RunTimer = field(default_factory=RunTimer)

    @property
    def run_dir(self) -> Path:
        return self.layout.root

    @property
    def tables_dir(self) -> Path:
        return self.layout.tables_dir

    def last_usage_month(self) -> str | None:
        """The latest month of ``usage_monthly`` (``YYYY-MM``), None when it has no rows; asked of
        the engine once a run (the features and churn steps both need it)."""
        if "last_usage_month" not in self.results:
            value = self.engine.fetch("SELECT MAX(month) AS m FROM usage_monthly")["m"].iloc[0]
            self.results["last_usage_month"] = (
                None if value is None or value != value else f"{value.year:04d}-{value.month:02d}"
            )
        found: str | None = self.results["last_usage_month"]
        return found

    def months_back(self, n: int) -> list[str]:
        """The ``n`` months ending with the run's month, oldest first."""
        return [month_shift(self.month, -k) for k in range(n - 1, -1, -1)]

    def output(self, relative: str) -> Path:
        """Where the month writes the output ``relative`` (staged); recorded in the summary."""
        self.outputs[relative] = str(self.layout.root / relative)
        return self.layout.staged(relative)

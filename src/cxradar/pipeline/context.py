"""The state one monthly run carries from step to step, and the run folder's layout.

::

    RUN_DIR/
      validated/                  validate_dir output (accepted/, quarantine/, validation_report.json)
      validated.fingerprint.json  which input files the validation was made from (reuse check)
      features/YYYY-MM.parquet    features as of each month used (cached; deterministic)
      pool_history.parquet        the explicit pool's append-only history (carried across months)
      pool.parquet                the explicit pool after the month
      potential_dissatisfied.parquet
      model_report.json           held-out evaluation of the classifier
      summary.json                counts, settings, example reasons
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.identify.config import IdentifyConfig

__all__ = ["Progress", "RunContext"]

Progress = Callable[[str, int, int], None]


@dataclass
class RunContext:
    """Inputs of a run and everything the steps produce (``tables``, ``results``, ``outputs``)."""

    data_dir: Path
    month: str
    run_dir: Path
    config: IdentifyConfig
    model_kind: str = "logit"
    engine: str = "duckdb"
    wide_table: Path | None = None  # wide-table mode: the operator's 用户宽表 and its mapping
    mapping: Path | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def tables_dir(self) -> Path:
        """The validated (accepted) tables the run reads."""
        return self.run_dir / "validated" / "accepted"

    def features_path(self, month: str) -> Path:
        return self.run_dir / "features" / f"{month}.parquet"

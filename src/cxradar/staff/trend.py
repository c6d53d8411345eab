"""Internal satisfaction over the months: each hall (shrunk within the month), each role and all.

A month's hall estimates are shrunk against that month's halls, so a small hall's good month does
not read as a jump. Rows: level (``all`` / ``role`` / ``hall``), unit, month, n, raw mean,
estimate and interval (for roles and all: the raw mean with a normal interval).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from scipy import stats

from cxradar.staff.config import StaffConfig
from cxradar.staff.league import unit_stats
from cxradar.staff.shrinkage import shrink

__all__ = ["monthly_trend"]


def _plain(values: pd.Series, z: float) -> dict[str, float]:
    n = int(values.notna().sum())
    mean = float(values.mean()) if n else float("nan")
    half = z * float(values.std(ddof=1)) / math.sqrt(n) if n > 1 else float("nan")
    return {"n": n, "raw_mean": mean, "estimate": mean, "lo": mean - half, "hi": mean + half}


def monthly_trend(scores: pd.DataFrame, months: list[str], config: StaffConfig) -> pd.DataFrame:
    """The trend table over ``months`` (oldest first)."""
    z = float(stats.norm.ppf(0.5 + config.level / 2.0))
    rows: list[dict[Any, Any]] = []
    for month in months:
        mine = scores.loc[(scores["month"] == month) & scores["score"].notna()]
        rows.append({"level": "all", "unit": "all", "month": month, **_plain(mine["score"], z)})
        for role in config.roles:
            values = mine.loc[mine["role"] == role.name, "score"]
            rows.append({"level": "role", "unit": role.name, "month": month, **_plain(values, z)})
        units = unit_stats(mine, "hall_id")
        if units.empty:
            continue
        shrunk, _prior = shrink(units, level=config.level, min_n=config.min_contacts)
        halls = shrunk.rename(columns={"hall_id": "unit", "mean": "raw_mean"})
        halls = halls.assign(level="hall", month=month)[
            ["level", "unit", "month", "n", "raw_mean", "estimate", "lo", "hi"]
        ]
        rows.extend(halls.to_dict("records"))
    return pd.DataFrame(rows, columns=["level", "unit", "month", "n", "raw_mean", "estimate", "lo", "hi"])

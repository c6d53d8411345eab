"""Internal satisfaction by customer gender, per hall and per role (seed 002).

Seed 002 notes that female customers react more to staff mood (emotional contagion), so a hall
whose women customers score it well below its men may have an attitude problem the overall mean
hides. From per-(unit, gender) sums (:mod:`cxradar.staff.sums`): for each hall and each role, the
count, mean and normal interval of each gender's scores, and the gap female - male with its
interval (Welch: ``sqrt(var_F / n_F + var_M / n_M)``). The enough-data rule: a gender with fewer
than ``min_contacts`` scored contacts in the unit has no mean shown (``enough_data`` false), and
the gap is given only when both genders have enough. Contacts of customers without a gender
(or data without ``subscribers.gender``) are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxradar.staff.config import StaffConfig

__all__ = ["GENDERS", "gender_breakdown"]

GENDERS = ("F", "M")


def _one_level(units: pd.DataFrame, key: str, level: str, config: StaffConfig, z: float) -> pd.DataFrame:
    """Wide rows (one per unit) from long per-(unit, gender) stats."""
    rows = []
    for unit, mine in units.groupby(key, sort=True):
        row: dict[str, object] = {"level": level, "unit": unit}
        of = {
            g: (int(n), float(m), float(v))
            for g, n, m, v in zip(*(mine[c].tolist() for c in ("gender", "n", "mean", "var")), strict=True)
        }
        for g in GENDERS:
            n, mean, var = of.get(g, (0, float("nan"), float("nan")))
            enough = n >= config.min_contacts
            mean = mean if enough else float("nan")
            var = var if enough and n > 1 else float("nan")
            half = z * np.sqrt(var / n) if enough else float("nan")
            row.update({f"n_{g}": n, f"mean_{g}": mean, f"lo_{g}": mean - half, f"hi_{g}": mean + half})
            row[f"enough_{g}"] = enough
            row[f"var_{g}"] = var
        (n_f, mean_f, var_f), (n_m, mean_m, var_m) = (
            of.get(g, (0, float("nan"), float("nan"))) for g in GENDERS
        )
        both = bool(row["enough_F"] and row["enough_M"])
        gap = mean_f - mean_m if both else float("nan")
        se = float(np.sqrt(var_f / n_f + var_m / n_m)) if both else float("nan")
        row.update(
            {"gap_f_minus_m": gap, "gap_lo": gap - z * se, "gap_hi": gap + z * se, "enough_data": both}
        )
        row["female_lower"] = bool(both and gap + z * se < 0)
        rows.append(row)
    columns = ["level", "unit"]
    for g in GENDERS:
        columns += [f"n_{g}", f"mean_{g}", f"lo_{g}", f"hi_{g}", f"enough_{g}"]
    columns += ["gap_f_minus_m", "gap_lo", "gap_hi", "enough_data", "female_lower"]
    return pd.DataFrame(rows, columns=columns)


def gender_breakdown(hall_stats: pd.DataFrame, role_stats: pd.DataFrame, config: StaffConfig) -> pd.DataFrame:
    """Rows per hall (``level`` = hall) and per role (``level`` = role): each gender's n, mean and
    interval, and the female - male gap with its interval; ``female_lower`` when the gap's interval
    lies below 0. Inputs: ``hall_id`` / ``role``, ``gender``, ``n``, ``mean``, ``var``."""
    z = float(stats.norm.ppf(0.5 + config.level / 2.0))
    parts = [
        _one_level(role_stats.loc[role_stats["gender"].isin(GENDERS)], "role", "role", config, z),
        _one_level(hall_stats.loc[hall_stats["gender"].isin(GENDERS)], "hall_id", "hall", config, z),
    ]
    return (
        pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    )

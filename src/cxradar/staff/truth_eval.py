"""Does the ranking find the truly weak halls and agents? Scored against the simulator's truth.

For the units ranked (enough data), two figures per ordering - the shrunk estimate and the raw
mean: the Spearman rank correlation with the true quality (``truth/halls.parquet`` or
``truth/staff.parquet``, column ``quality``), and the precision of the bottom list (the lowest
``bottom_share`` by the ordering) against the same number of truly lowest units. Only possible
on simulated data; used by the tests and ``bench/staff.py``.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

__all__ = ["ranking_recovery"]


def ranking_recovery(
    table: pd.DataFrame,
    truth: pd.DataFrame,
    key: str,
    bottom_share: float = 0.10,
    *,
    min_n: int | None = None,
) -> dict[str, float]:
    """Spearman and bottom-list precision of ``estimate`` and ``raw_mean`` against ``truth.quality``,
    over the units with enough data (``min_n=None``) or with at least ``min_n`` scores - with
    ``min_n=1`` both orderings rank every unit, as a pivot table of raw means would."""
    chosen = table["enough_data"] if min_n is None else table["n"] >= min_n
    joined = table.loc[chosen].merge(truth[[key, "quality"]], on=key, how="inner")
    k = max(1, math.ceil(bottom_share * len(joined)))
    true_bottom = set(joined.nsmallest(k, "quality")[key])
    out: dict[str, float] = {"units": float(len(joined)), "bottom_size": float(k)}
    for name, column in (("shrunk", "estimate"), ("raw", "raw_mean")):
        rho = (
            stats.spearmanr(joined[column], joined["quality"]).statistic if len(joined) > 2 else float("nan")
        )
        found = set(joined.nsmallest(k, column)[key])
        out[f"spearman_{name}"] = float(rho)
        out[f"bottom_precision_{name}"] = len(found & true_bottom) / k
    return out

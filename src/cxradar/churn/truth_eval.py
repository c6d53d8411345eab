"""The churn list scored against the simulator's truth (``truth/churn.parquet``): of the lines on
the list, how many do leave after the run's month, against the rate among every line still there.

Only possible on simulated data, and only for a month the simulation runs past: the last simulated
month has nothing after it to be right about. ``cxradar evaluate`` reports it beside the
identification figures, and ``bench/scale.py`` for every operator size - at 5M it is what showed
the churn model trained on a broken sample (docs/performance.md).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxradar.months import month_bounds

__all__ = ["evaluate_churn_list"]


def evaluate_churn_list(
    listed: pd.Series, truth_churn: pd.DataFrame, subscribers: pd.Series, month: str
) -> dict[str, Any] | None:
    """Precision, recall and lift over the base rate of the churn list ``listed`` (msisdns) of
    ``month``, or None when the truth has no churn after the month.

    The population is ``subscribers`` less the lines the truth has leaving in or before the month;
    the churners are those it has leaving in a later month (``truth_churn``: msisdn, month)."""
    _, end = month_bounds(month)
    when = pd.to_datetime(truth_churn["month"].astype(str))
    ids = truth_churn["msisdn"].astype(str)
    later = when >= end
    if not later.any():
        return None
    population = set(subscribers.astype(str)) - set(ids[~later])
    churners = set(ids[later]) & population
    on_list = set(listed.astype(str))
    hits = len(on_list & churners)
    base_rate = len(churners) / len(population) if population else float("nan")
    precision = hits / len(on_list) if on_list else float("nan")
    return {
        "month": month,
        "listed": len(on_list),
        "population": len(population),
        "churners_after": len(churners),
        "months_after": int(when[later].dt.to_period("M").nunique()),
        "base_rate": base_rate,
        "precision": precision,
        "recall": hits / len(churners) if churners else float("nan"),
        "lift": precision / base_rate if base_rate else float("nan"),
    }

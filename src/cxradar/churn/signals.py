"""Satisfaction signals for churn: the identification results, as of each month.

    in_pool                   in the explicit dissatisfied pool (明确不满意客户池) after the month
    dissatisfied_probability  the survey-trained model's probability of being dissatisfied
    incident_exposure         weighted incident exposure (severity x hours x traffic share)

They come from :mod:`cxradar.identify` (one implementation): ``update_pool`` run month by month,
``fit_identifier`` on survey respondents, ``incident_hits``. The identifier is fitted once on the
respondents of all the months passed (survey answers are not churn outcomes, so this does not leak
the churn label); the pool is replayed from ``warmup_months`` before the first month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cxradar.errors import ModelError
from cxradar.identify import (
    IdentifyConfig,
    incident_hits,
    replay_pool,
    train_identifier,
)
from cxradar.months import month_bounds, month_shift

__all__ = ["SIGNAL_COLUMNS", "SIGNAL_LABELS", "SatisfactionSignals", "satisfaction_signals"]

SIGNAL_COLUMNS = ["in_pool", "dissatisfied_probability", "incident_exposure"]
SIGNAL_LABELS: dict[str, dict[str, str]] = {
    "in_pool": {"en": "in the dissatisfied pool", "zh": "在不满意客户池中"},
    "dissatisfied_probability": {"en": "probability of being dissatisfied", "zh": "潜在不满意概率"},
    "incident_exposure": {"en": "incident exposure (weighted hours)", "zh": "突发事件影响程度（加权小时）"},
}


@dataclass
class SatisfactionSignals:
    """Signals per month (msisdn + :data:`SIGNAL_COLUMNS`) and notes on how they were made."""

    by_month: dict[str, pd.DataFrame]
    notes: dict[str, Any] = field(default_factory=dict)

    def join(self, features: pd.DataFrame, month: str) -> pd.DataFrame:
        """``features`` with the signal columns of ``month`` added (0 / NaN when absent)."""
        sig = self.by_month[month].set_index("msisdn")
        ids = features["msisdn"].astype(str)
        out = features.copy()
        out["in_pool"] = ids.map(sig["in_pool"]).fillna(False).astype(bool).to_numpy()
        out["dissatisfied_probability"] = (
            ids.map(sig["dissatisfied_probability"]).astype("float64").to_numpy()
        )
        out["incident_exposure"] = ids.map(sig["incident_exposure"]).fillna(0.0).astype("float64").to_numpy()
        return out


def _pool_members(
    months: list[str], tables: Mapping[str, pd.DataFrame], config: IdentifyConfig
) -> dict[str, set[str]]:
    first = month_shift(months[0], -config.pool.warmup_months)
    span = (pd.Period(months[-1], "M") - pd.Period(first, "M")).n + 1
    replay = [month_shift(first, k) for k in range(span)]
    members: dict[str, set[str]] = {}
    for month, pool, _ in replay_pool(None, replay, tables, config):
        if month in months:
            members[month] = set(pool["msisdn"].astype(str))
    return members


def satisfaction_signals(
    features_by_month: Mapping[str, pd.DataFrame],
    tables: Mapping[str, pd.DataFrame],
    config: IdentifyConfig,
    *,
    identifier_kind: str = "logit",
) -> SatisfactionSignals:
    """Signals for every month of ``features_by_month``.

    ``tables`` holds subscribers, complaints, contacts, surveys, care_actions, incidents and
    subscriber_cells (at least the months needed)."""
    months = sorted(features_by_month)
    notes: dict[str, Any] = {"identifier_kind": identifier_kind}
    members = _pool_members(months, tables, config)
    p = config.potential
    fitted = None
    try:
        fitted = train_identifier(tables["surveys"], features_by_month, months[-1], p, identifier_kind)
        notes["identifier_holdout_auc"] = fitted.report["holdout"]["auc"]
        notes["identifier_respondents"] = fitted.report["n_train"] + fitted.report["n_holdout"]
    except ModelError as error:
        notes["identifier_error"] = str(error)
    cells = tables["subscriber_cells"]
    cell_month = pd.to_datetime(cells["month"])
    by_month: dict[str, pd.DataFrame] = {}
    for month in months:
        feats = features_by_month[month]
        ids = feats["msisdn"].astype(str)
        start, end = (
            month_bounds(month_shift(month, -(p.incident_window_months - 1)))[0],
            month_bounds(month)[1],
        )
        hits = incident_hits(
            month,
            incidents=tables["incidents"],
            subscriber_cells=cells.loc[(cell_month >= start) & (cell_month < end)],
            subscribers=tables["subscribers"],
            config=p,
        )
        exposure = ids.map(hits.set_index(hits["msisdn"].astype(str))["exposure"]).fillna(0.0)
        prob = fitted.score(feats) if fitted is not None else np.full(len(feats), np.nan)
        by_month[month] = pd.DataFrame(
            {
                "msisdn": ids.to_numpy(),
                "in_pool": ids.isin(members.get(month, set())).to_numpy(),
                "dissatisfied_probability": np.asarray(prob, dtype="float64"),
                "incident_exposure": exposure.astype("float64").to_numpy(),
            }
        )
    return SatisfactionSignals(by_month, notes)

"""Exclusions before churn training and scoring (the seed's rules), each counted.

    left_already   the line left during the as-of month (nothing to predict; always applied)
    short_tenure   tenure under ``min_tenure_months`` (new lines churn for other reasons)
    passive_churn  suspended for arrears in the as-of month, or - for training rows - the window's
                   churn was involuntary (arrears): passive churn is a collections matter
    group_paid     the corporate group pays the bill (the member does not decide)
    non_local      non-local users (visitors, roaming-in)

A row may match several rules; ``counts`` gives, in this order, how many rows each rule removed that
no earlier rule had removed, so the counts add up to the excluded total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxradar.churn.config import ChurnConfig
from cxradar.frames import is_in, rows_for
from cxradar.months import month_bounds

__all__ = ["EXCLUSION_LABELS", "USAGE_COLUMNS", "Exclusions", "apply_exclusions"]

USAGE_COLUMNS = ("arrears_suspensions",)  # what the rules read of the as-of month's usage_monthly rows

EXCLUSION_LABELS: dict[str, tuple[str, str]] = {
    "left_already": ("left during the as-of month", "当月已离网"),
    "short_tenure": ("tenure under the minimum", "在网时长不足"),
    "passive_churn": ("passive churn (arrears suspension)", "被动离网（欠费停机）"),
    "group_paid": ("group-paid line", "集团统付号码"),
    "non_local": ("non-local user", "外地用户"),
}


@dataclass
class Exclusions:
    """Which rows are kept, and how many each rule removed."""

    keep: np.ndarray
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def n_in(self) -> int:
        return len(self.keep)

    @property
    def n_kept(self) -> int:
        return int(self.keep.sum())

    def as_dict(self) -> dict[str, object]:
        return {
            "rows_in": self.n_in,
            "kept": self.n_kept,
            "excluded": {
                k: {"rows": v, "en": EXCLUSION_LABELS[k][0], "zh": EXCLUSION_LABELS[k][1]}
                for k, v in self.counts.items()
            },
        }


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].astype("boolean").fillna(False).to_numpy(dtype=bool)


def apply_exclusions(
    features: pd.DataFrame,
    month: str,
    config: ChurnConfig,
    *,
    subscribers: pd.DataFrame,
    usage: pd.DataFrame,
    passive_in_window: np.ndarray | None = None,
) -> Exclusions:
    """The rows of ``features`` (as of ``month``) that churn work keeps, with counts per rule.

    ``passive_in_window`` (training only) marks lines whose window churn was involuntary."""
    ids = features["msisdn"].astype(str)
    start, end = month_bounds(month)
    subs = rows_for(ids, subscribers, ("status", "status_date"))
    when = pd.to_datetime(subs["status_date"])
    status = subs["status"].astype("string")
    rules: dict[str, np.ndarray] = {
        "left_already": ((status == "churned") & (when < end)).fillna(False).to_numpy(dtype=bool)
    }
    if config.excluded("short_tenure"):
        minimum = int(config.exclusions["short_tenure"].get("min_tenure_months", 3))
        tenure = pd.to_numeric(features["tenure_months"], errors="coerce").fillna(0).to_numpy()
        rules["short_tenure"] = tenure < minimum
    if config.excluded("passive_churn"):
        um = pd.to_datetime(usage["month"])
        rows = usage.loc[(um >= start) & (um < end)]
        suspended_now = set(
            rows.loc[
                pd.to_numeric(rows["arrears_suspensions"], errors="coerce").fillna(0) > 0, "msisdn"
            ].astype(str)
        )
        still = ((status == "suspended") & (when < end)).fillna(False).to_numpy(dtype=bool)
        passive = is_in(ids, suspended_now) | still
        if passive_in_window is not None:
            passive |= np.asarray(passive_in_window, dtype=bool)
        rules["passive_churn"] = passive
    if config.excluded("group_paid"):
        rules["group_paid"] = _flag(features, "group_paid")
    if config.excluded("non_local"):
        rules["non_local"] = (
            ~_flag(features, "is_local") if "is_local" in features.columns else np.zeros(len(ids), bool)
        )
    removed = np.zeros(len(ids), dtype=bool)
    counts: dict[str, int] = {}
    for name, mask in rules.items():
        new = mask & ~removed
        counts[name] = int(new.sum())
        removed |= mask
    return Exclusions(keep=~removed, counts=counts)

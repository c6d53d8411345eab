"""Evaluation of scored lists (pure functions on labels and probabilities).

Precision, recall and F1 at the operating threshold; AUC and Gini; lift over random sampling at
the list size (the seed's "3x"); top-decile lift; the lift curve; Brier score and a reliability
table; results per segment; and the rules that choose the operating threshold on training data.
AUC and Brier come from scikit-learn; the list metrics are a few lines each and written here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from cxradar.models.thresholds import choose_threshold
from cxradar.models.thresholds import labels_and_scores as _check

__all__ = [
    "by_segment",
    "choose_threshold",
    "lift_curve",
    "reliability_table",
    "score_metrics",
    "top_share_lift",
]


def top_share_lift(y: Any, p: Any, share: float = 0.1) -> float:
    """Positive rate among the top ``share`` by probability, over the overall positive rate."""
    y_arr, p_arr = _check(y, p)
    k = max(1, round(share * len(p_arr)))
    top = np.argsort(-p_arr, kind="mergesort")[:k]
    base = y_arr.mean()
    return float(y_arr[top].mean() / base) if base > 0 else float("nan")


def score_metrics(y: Any, p: Any, threshold: float | np.ndarray) -> dict[str, float]:
    """The headline figures of a scored list at an operating threshold (``p >= threshold`` flags).

    ``threshold`` may be one value per row (cross-validated scores, each fold with its own
    threshold); ``threshold`` in the result is then their mean."""
    y_arr, p_arr = _check(y, p)
    flag = p_arr >= np.asarray(threshold, dtype="float64")
    tp = float((flag & (y_arr == 1)).sum())
    n_pos = float(y_arr.sum())
    n_flag = float(flag.sum())
    base = n_pos / len(y_arr) if len(y_arr) else float("nan")
    precision = tp / n_flag if n_flag else 0.0
    recall = tp / n_pos if n_pos else 0.0
    both = len(np.unique(y_arr)) == 2
    auc = float(roc_auc_score(y_arr, p_arr)) if both else float("nan")
    return {
        "n": float(len(y_arr)),
        "positive_rate": base,
        "threshold": float(np.mean(threshold)),
        "list_size": n_flag,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "lift_at_threshold": precision / base if base else float("nan"),
        "auc": auc,
        "gini": 2 * auc - 1,
        "top_decile_lift": top_share_lift(y_arr, p_arr, 0.1),
        "brier": float(brier_score_loss(y_arr, p_arr)),
    }


def lift_curve(y: Any, p: Any, bins: int = 10) -> pd.DataFrame:
    """Lift table: customers sorted by probability, cut into ``bins`` equal groups."""
    y_arr, p_arr = _check(y, p)
    order = np.argsort(-p_arr, kind="mergesort")
    groups = np.array_split(order, bins)
    base = y_arr.mean()
    rows, cum_pos, cum_n = [], 0, 0
    for i, idx in enumerate(groups, start=1):
        pos = int(y_arr[idx].sum())
        cum_pos += pos
        cum_n += len(idx)
        rows.append(
            {
                "bin": i,
                "n": len(idx),
                "positives": pos,
                "rate": pos / max(1, len(idx)),
                "lift": (pos / max(1, len(idx))) / base if base else np.nan,
                "cumulative_share": cum_n / len(y_arr),
                "cumulative_recall": cum_pos / max(1, y_arr.sum()),
                "cumulative_lift": (cum_pos / cum_n) / base if base else np.nan,
                "min_probability": float(p_arr[idx].min()) if len(idx) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def reliability_table(y: Any, p: Any, bins: int = 10, weight: Any = None) -> pd.DataFrame:
    """Calibration: mean predicted vs observed rate in equal-width probability bins.

    With ``weight`` (survey weights) both means are weighted: the table then shows whether the
    probabilities hold for the population the rows stand for; ``weight_share`` is each bin's share."""
    y_arr, p_arr = _check(y, p)
    w = np.ones(len(p_arr)) if weight is None else np.asarray(weight, dtype="float64")
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p_arr, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            row = {
                "bin_low": edges[b],
                "bin_high": edges[b + 1],
                "n": int(mask.sum()),
                "mean_predicted": float(np.average(p_arr[mask], weights=w[mask])),
                "observed_rate": float(np.average(y_arr[mask], weights=w[mask])),
            }
            if weight is not None:
                row["weight_share"] = float(w[mask].sum() / w.sum())
            rows.append(row)
    return pd.DataFrame(rows)


def by_segment(y: Any, p: Any, segment: Any, threshold: float | np.ndarray) -> pd.DataFrame:
    """:func:`score_metrics` per segment value (one row per segment)."""
    y_arr, p_arr = _check(y, p)
    seg = np.asarray(segment, dtype=object)
    cut = np.broadcast_to(np.asarray(threshold, dtype="float64"), p_arr.shape)
    rows = []
    for value in pd.unique(seg):
        mask = seg == value
        rows.append({"segment": value, **score_metrics(y_arr[mask], p_arr[mask], cut[mask])})
    return pd.DataFrame(rows)

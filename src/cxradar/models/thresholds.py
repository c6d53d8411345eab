"""The rules that choose a model's operating threshold, in one place.

Every rule is computed on *training* labels and scores, never on the fold it is judged on:

=================  ===========================================================================
balanced           maximise the smaller of precision and recall (the seed asks for both > 60 %)
max_f1             maximise F1
target_precision   the lowest threshold whose precision reaches ``target_precision``
                   (``max_f1`` when none does)
capacity           flag the top ``capacity`` share (a list size)
=================  ===========================================================================

``conf/models.yaml`` (``threshold.rule``) and ``conf/identify.yaml`` (``potential.threshold_rule``)
are checked against :data:`THRESHOLD_RULES`; reports quote :data:`RULE_TEXT`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cxradar.errors import ConfigError, ModelError, did_you_mean

__all__ = ["RULE_TEXT", "THRESHOLD_RULES", "balanced_threshold", "choose_threshold", "labels_and_scores"]

THRESHOLD_RULES = ("balanced", "max_f1", "target_precision", "capacity")

RULE_TEXT = {
    "balanced": "the threshold that maximises the smaller of precision and recall on out-of-fold predictions "
    "of the training respondents (the seed asks for both above 60 %)",
    "max_f1": "the threshold that maximises F1 on out-of-fold predictions of the training respondents",
    "target_precision": "the lowest threshold whose out-of-fold precision on training respondents "
    "reaches {tp}",
    "capacity": "the threshold that flags the top {cap} share of training respondents",
}


def labels_and_scores(y: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    """Labels as 0/1 and probabilities as floats, checked to be of one length."""
    y_arr = np.asarray(y).astype(bool).astype(int)
    p_arr = np.asarray(p, dtype="float64")
    if y_arr.shape != p_arr.shape:
        raise ModelError(
            f"labels ({y_arr.shape}) and probabilities ({p_arr.shape}) differ in length",
            fix="pass one probability per labelled row",
        )
    return y_arr, p_arr


def choose_threshold(
    y: Any, p: Any, rule: str = "max_f1", *, target_precision: float = 0.6, capacity: float = 0.1
) -> float:
    """The operating threshold (flag ``p >= t``) by ``rule`` (see the module docstring); ties in
    ``p`` are flagged together."""
    y_arr, p_arr = labels_and_scores(y, p)
    if rule not in THRESHOLD_RULES:
        raise ConfigError(
            f"threshold rule '{rule}' is unknown.{did_you_mean(rule, THRESHOLD_RULES)}",
            fix=f"use one of {', '.join(THRESHOLD_RULES)} (conf/models.yaml: threshold.rule)",
        )
    if rule == "capacity":
        if not 0 < capacity <= 1:
            raise ConfigError(
                f"capacity {capacity} is not a share in (0, 1]", fix="e.g. threshold.capacity: 0.1"
            )
        k = max(1, round(capacity * len(p_arr)))
        return float(np.sort(p_arr)[::-1][k - 1])
    order = np.argsort(-p_arr, kind="mergesort")
    sorted_p = p_arr[order]
    tp = np.cumsum(y_arr[order])
    n_flag = np.arange(1, len(p_arr) + 1)
    last = np.r_[sorted_p[1:] != sorted_p[:-1], True]  # flag all ties together
    tp, n_flag, cut = tp[last], n_flag[last], sorted_p[last]
    precision = tp / n_flag
    recall = tp / max(1, y_arr.sum())
    if rule == "balanced":
        return float(cut[int(np.argmax(np.minimum(precision, recall)))])
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-300), 0)
    if rule == "target_precision":
        ok = np.flatnonzero(precision >= target_precision)
        if ok.size:
            return float(cut[ok[-1]])
    return float(cut[int(np.argmax(f1))])


def balanced_threshold(y: Any, p: Any) -> float:
    """The cut that maximises min(precision, recall) (``choose_threshold(y, p, "balanced")``)."""
    return choose_threshold(y, p, "balanced")

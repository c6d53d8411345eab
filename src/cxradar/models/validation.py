"""Validation schemes: stratified k-fold cross-validation (the operating threshold is chosen
inside each training fold, by the model's own rule) and a time-based split for churn (train on
earlier months, test on a later one - no rows from the future in training)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from cxradar.errors import DataError, ModelError
from cxradar.models.evaluate import score_metrics

__all__ = ["CVResult", "cross_validate", "time_split"]


class CVResult:
    """Per-fold metrics, their means, and the out-of-fold probabilities."""

    def __init__(self, folds: pd.DataFrame, oof: np.ndarray) -> None:
        self.folds = folds
        self.oof = oof

    @property
    def mean(self) -> dict[str, float]:
        return {str(k): float(v) for k, v in self.folds.drop(columns=["fold"]).mean().items()}


def cross_validate(
    model: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    folds: int = 5,
    seed: int = 0,
    on_fold: Callable[[int], None] | None = None,
) -> CVResult:
    """Stratified k-fold: fit a clone on each training fold (which also picks its threshold),
    score the held-out fold with :func:`score_metrics` at that threshold."""
    if folds < 2:
        raise ModelError(f"--folds {folds}: cross-validation needs at least 2 folds", fix="use --folds 5")
    y_arr = np.asarray(y).astype(int)
    counts = np.bincount(y_arr, minlength=2)
    if counts.min() < folds:
        raise ModelError(
            f"the rarer class has {int(counts.min())} rows, fewer than --folds {folds}",
            fix="use fewer folds (--folds) or more data",
        )
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    rows, oof = [], np.full(len(y_arr), np.nan)
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(y_arr)), y_arr), start=1):
        fitted = clone(model).fit(X.iloc[tr], y_arr[tr])
        p = fitted.predict_proba(X.iloc[te])[:, 1]
        oof[te] = p
        rows.append({"fold": k, **score_metrics(y_arr[te], p, fitted.threshold_)})
        if on_fold is not None:
            on_fold(k)
    return CVResult(pd.DataFrame(rows), oof)


def time_split(
    df: pd.DataFrame,
    month_column: str,
    test_month: Any,
    *,
    train_months: int | None = None,
    gap: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of months before ``test_month`` (minus ``gap`` months; the last ``train_months`` if
    given) for training, and rows of ``test_month`` for testing."""
    if month_column not in df.columns:
        raise DataError(f"time split: column '{month_column}' not found", fix="pass the as-of month column")
    months = pd.to_datetime(df[month_column]).dt.to_period("M")
    test = pd.Period(pd.Timestamp(test_month), freq="M")
    last_train = test - (gap + 1)
    keep = months <= last_train
    if train_months is not None:
        keep &= months > last_train - train_months
    if not keep.any() or not (months == test).any():
        raise DataError(
            f"time split on '{month_column}': no training rows before {last_train} or no rows in {test}",
            fix="choose a test month inside the data with earlier months before it",
        )
    return df[keep], df[months == test]

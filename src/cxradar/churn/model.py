"""Churn models: time-based validation, the gbm / logit comparison, dissatisfaction's share, fitting.

Everything goes through :mod:`cxradar.models` (``make_model``, ``time_split``, ``score_metrics``,
``lift_curve``, ``reliability_table``, contributions) - one implementation. Validation trains on
earlier as-of months and tests on a later one; the training months end ``horizon`` months before
the test month, so no training label looks past the test month (no leakage from the future).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxradar.churn.config import ChurnConfig
from cxradar.churn.signals import SIGNAL_COLUMNS
from cxradar.errors import ModelError
from cxradar.models import lift_curve, make_model, reliability_table, score_metrics, time_split

__all__ = ["churn_estimator", "fit_churn_model", "model_columns", "signal_share", "time_validation"]

_NOT_FEATURES = {"msisdn", "as_of_month", "label"}


def model_columns(table: pd.DataFrame, config: ChurnConfig, *, with_signals: bool = True) -> list[str]:
    """Model inputs: every column but keys, the label, configured drops and (optionally) the signals."""
    drop = (
        _NOT_FEATURES
        | set(config.training.get("drop_features") or [])
        | set(config.training.get("leak_features") or [])
    )
    cols = [c for c in table.columns if c not in drop]
    if not with_signals:
        cols = [c for c in cols if c not in SIGNAL_COLUMNS]
    return cols


def churn_estimator(config: ChurnConfig, kind: str) -> Any:
    """A new ``kind`` model: conf/models.yaml settings, then ``training.model_params.<kind>``."""
    params = (config.training.get("model_params") or {}).get(kind) or {}
    return make_model(kind, **params)


def _check_labels(y: np.ndarray, where: str) -> None:
    if len(np.unique(y)) < 2:
        raise ModelError(
            f"{where}: the churn label has one class only ({len(y)} rows, {int(y.sum())} churners)",
            fix="use more months or subscribers, or another definition (conf/churn.yaml: definition)",
        )


def fit_churn_model(table: pd.DataFrame, config: ChurnConfig, kind: str, *, with_signals: bool = True) -> Any:
    """Fit a ``kind`` model (conf/models.yaml settings) on labelled rows of ``table``."""
    columns = model_columns(table, config, with_signals=with_signals)
    y = table["label"].astype("int64").to_numpy()
    _check_labels(y, "churn training rows")
    return churn_estimator(config, kind).fit(table[columns], y)


def signal_share(model: Any, X: pd.DataFrame) -> dict[str, float]:
    """Share of the total |contribution| (SHAP for gbm, coefficient x deviation for logit) that
    each satisfaction signal carries, and their sum (``total``)."""
    contrib = model.contributions(X).abs()
    total = float(contrib.to_numpy().sum())
    out = {
        c: float(contrib[c].sum()) / total if c in contrib.columns and total else 0.0 for c in SIGNAL_COLUMNS
    }
    out["total"] = float(sum(out.values()))
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict(orient="records")
    ]


def time_validation(table: pd.DataFrame, test_month: str, config: ChurnConfig) -> dict[str, Any]:
    """Train on the ``train_months`` as-of months ending ``horizon`` months before ``test_month``,
    test on ``test_month``; for each kind of ``training.kinds``, with and without the satisfaction
    signals. Returns metrics, lift curve, calibration and the signals' share of contributions."""
    labelled = table.loc[table["label"].notna()]
    train, test = time_split(
        labelled,
        "as_of_month",
        pd.Timestamp(f"{test_month}-01"),
        train_months=int(config.training.get("train_months", 3)),
        gap=config.horizon_months - 1,
    )
    y_tr = train["label"].astype("int64").to_numpy()
    y_te = test["label"].astype("int64").to_numpy()
    _check_labels(y_tr, f"training months before {test_month}")
    _check_labels(y_te, f"test month {test_month}")
    has_signals = all(c in table.columns for c in SIGNAL_COLUMNS)
    result: dict[str, Any] = {
        "test_month": test_month,
        "train_months": sorted(map(str, train["as_of_month"].unique())),
        "n_train": len(train),
        "n_test": len(test),
        "train_churn_rate": float(y_tr.mean()),
        "test_churn_rate": float(y_te.mean()),
        "models": {},
    }
    for kind in config.training.get("kinds", ["gbm", "logit"]):
        variants = [True, False] if has_signals else [False]
        for with_signals in variants:
            cols = model_columns(table, config, with_signals=with_signals)
            model = churn_estimator(config, kind).fit(train[cols], y_tr)
            p = model.predict_proba(test[cols])[:, 1]
            entry: dict[str, Any] = {
                "kind": kind,
                "with_signals": with_signals,
                "metrics": score_metrics(y_te, p, model.threshold_),
                "lift_curve": _records(lift_curve(y_te, p)),
                "calibration": _records(reliability_table(y_te, p)),
            }
            if with_signals and has_signals:
                entry["signal_share"] = signal_share(model, test[cols])
            name = kind if with_signals or not has_signals else f"{kind}_without_signals"
            result["models"][name] = entry
    return result

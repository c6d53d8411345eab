"""Model-predicted dissatisfaction (不明诱因): a classifier trained on surveyed customers.

Labels come from survey answers in a trailing window (``overall`` at or below the configured
threshold = dissatisfied), each joined to the features *as of the answer's month*. A stable share
of respondents (by a seeded hash of the msisdn, so a person stays on the same side every month) is
held out and never trained on; the model report is computed on them. The operating threshold is
chosen on out-of-fold predictions of the training respondents only, by a stated rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from cxradar.errors import ModelError
from cxradar.identify.config import PotentialConfig
from cxradar.models import make_model
from cxradar.models.evaluate import by_segment, lift_curve, reliability_table, score_metrics
from cxradar.models.thresholds import RULE_TEXT, balanced_threshold, choose_threshold
from cxradar.months import month_bounds

__all__ = [
    "FittedIdentifier",
    "balanced_threshold",
    "feature_columns",
    "fit_identifier",
    "holdout_mask",
    "identifier_estimator",
    "population_metrics",
    "train_identifier",
    "training_set",
]


def training_set(
    surveys: pd.DataFrame, features_by_month: Mapping[str, pd.DataFrame], *, label_at_or_below: int
) -> pd.DataFrame:
    """Respondents of each month joined to that month's features: msisdn, month, label, features.

    A respondent answering twice in a month counts once (the latest answer)."""
    parts = []
    answered = pd.to_datetime(surveys["answered_at"])
    for month, feats in sorted(features_by_month.items()):
        start, end = month_bounds(month)
        keep = ["msisdn", "answered_at", "overall"] + (["weight"] if "weight" in surveys.columns else [])
        rows = surveys.loc[(answered >= start) & (answered < end), keep]
        rows = rows.sort_values(["msisdn", "answered_at"], kind="mergesort").groupby("msisdn").tail(1)
        label = pd.to_numeric(rows["overall"], errors="coerce") <= label_at_or_below
        weight = pd.to_numeric(rows["weight"], errors="coerce").fillna(1.0) if "weight" in rows else 1.0
        lab = pd.DataFrame(
            {
                "msisdn": rows["msisdn"].astype(str).to_numpy(),
                "label": label.to_numpy(),
                "survey_weight": np.asarray(weight, dtype="float64") * np.ones(len(rows)),
            }
        )
        joined = lab.merge(feats.assign(msisdn=feats["msisdn"].astype(str)), on="msisdn", how="inner")
        parts.append(joined.copy().assign(month=month))  # copy: consolidate a many-block frame first
    if not parts:
        raise ModelError(
            "no feature months were given for training", fix="build features for the survey months"
        )
    return pd.concat(parts, ignore_index=True)


def holdout_mask(msisdns: pd.Series, share: float, seed: int) -> np.ndarray:
    """True for msisdns in the held-out share (a seeded hash: stable across months and runs)."""
    key = f"{seed:016d}"[-16:]
    hashed = pd.util.hash_array(msisdns.astype(str).to_numpy(dtype=object), hash_key=key)
    return np.asarray((hashed % np.uint64(10_000)) < np.uint64(round(share * 10_000)))


def identifier_estimator(config: PotentialConfig, kind: str) -> Any:
    """A new ``kind`` classifier: conf/models.yaml settings, then ``potential.model_params.<kind>``."""
    return make_model(kind, **config.model_params.get(kind, {}))


def feature_columns(features: pd.DataFrame, exclude: tuple[str, ...]) -> list[str]:
    """Model inputs: every feature except keys and names containing an excluded fragment."""
    drop = {"msisdn", "month", "label", "survey_weight"}
    return [c for c in features.columns if c not in drop and not any(x in c for x in exclude)]


@dataclass
class FittedIdentifier:
    """The fitted classifier, its inputs, its operating threshold and the held-out report."""

    model: Any
    columns: list[str]
    threshold: float
    report: dict[str, Any] = field(default_factory=dict)

    def score(self, features: pd.DataFrame) -> np.ndarray:
        """Probability of dissatisfaction for every row of ``features``."""
        return np.asarray(self.model.predict_proba(features[self.columns])[:, 1], dtype="float64")


def population_metrics(
    y: np.ndarray, p: np.ndarray, weight: np.ndarray, threshold: float
) -> dict[str, float]:
    """Figures for the population the respondents stand for: each respondent counts with its survey
    weight (inverse of sampling x response rate). ``lift_over_random`` is the weighted precision over
    the weighted dissatisfied rate - what a random sample of customers of the same size would find."""
    y, flag, w = np.asarray(y, dtype=bool), np.asarray(p) >= threshold, np.asarray(weight, dtype="float64")
    tp = float(w[flag & y].sum())
    base = float(w[y].sum() / w.sum())
    precision = tp / float(w[flag].sum()) if flag.any() else 0.0
    recall = tp / float(w[y].sum()) if y.any() else 0.0
    both = y.any() and (~y).any()
    return {
        "dissatisfied_rate": base,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "lift_over_random": precision / base if base else float("nan"),
        "flagged_share": float(w[flag].sum() / w.sum()),
        "auc": float(roc_auc_score(y, p, sample_weight=w)) if both else float("nan"),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict(orient="records")]


def fit_identifier(
    train: pd.DataFrame,
    estimator: Any,
    *,
    columns: list[str],
    holdout_share: float,
    seed: int,
    rule: str = "max_f1",
    target_precision: float = 0.6,
    capacity: float = 0.1,
    folds: int = 3,
) -> FittedIdentifier:
    """Split respondents, choose the threshold on training out-of-fold predictions, fit, and report
    on the held-out respondents (precision, recall, F1, AUC, lifts, Brier, reliability, per segment)."""
    held = holdout_mask(train["msisdn"], holdout_share, seed)
    fit_rows, test_rows = train.loc[~held], train.loc[held]
    y_fit = fit_rows["label"].astype(bool).to_numpy()
    y_test = test_rows["label"].astype(bool).to_numpy()
    if y_fit.sum() < folds or (~y_fit).sum() < folds:
        raise ModelError(
            f"only {int(y_fit.sum())} dissatisfied and {int((~y_fit).sum())} satisfied training respondents",
            fix="use more survey months (potential.train_window_months in conf/identify.yaml) or more data",
        )
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    oof = cross_val_predict(clone(estimator), fit_rows[columns], y_fit, cv=cv, method="predict_proba")[:, 1]
    threshold = choose_threshold(y_fit, oof, rule, target_precision=target_precision, capacity=capacity)
    model = clone(estimator).fit(fit_rows[columns], y_fit)
    fitted = FittedIdentifier(model=model, columns=list(columns), threshold=float(threshold))
    p_test = fitted.score(test_rows)
    report: dict[str, Any] = {
        "rule": rule,
        "rule_text": RULE_TEXT[rule].format(tp=target_precision, cap=capacity),
        "threshold": float(threshold),
        "n_train": len(fit_rows),
        "n_holdout": len(test_rows),
        "train_months": sorted(map(str, train["month"].unique())),
        "holdout": score_metrics(y_test, p_test, threshold),
        "holdout_population": population_metrics(
            y_test, p_test, test_rows["survey_weight"].to_numpy(), threshold
        )
        if "survey_weight" in test_rows
        else None,
        "train_out_of_fold": score_metrics(y_fit, oof, threshold),
        "lift_curve": _records(lift_curve(y_test, p_test)),
        "reliability": _records(reliability_table(y_test, p_test)),
    }
    if "segment" in test_rows.columns:
        report["per_segment"] = _records(
            by_segment(y_test, p_test, test_rows["segment"].astype(str), threshold)
        )
    fitted.report = report
    return fitted


def train_identifier(
    surveys: pd.DataFrame,
    features_by_month: Mapping[str, pd.DataFrame],
    month: str,
    config: PotentialConfig,
    kind: str,
) -> FittedIdentifier:
    """The monthly run's classifier: respondents of ``features_by_month`` labelled by
    ``label_at_or_below``, the features of ``month`` minus ``exclude_features``, a ``kind`` model
    (:func:`identifier_estimator`) and the configured threshold rule, via :func:`fit_identifier`."""
    train = training_set(surveys, features_by_month, label_at_or_below=config.label_at_or_below)
    fitted = fit_identifier(
        train,
        identifier_estimator(config, kind),
        columns=feature_columns(features_by_month[month], config.exclude_features),
        holdout_share=config.holdout_share,
        seed=config.holdout_seed,
        rule=config.threshold_rule,
        target_precision=config.target_precision,
        capacity=config.capacity,
    )
    fitted.report["model_kind"] = kind
    fitted.report["label"] = f"survey overall <= {config.label_at_or_below}"
    return fitted

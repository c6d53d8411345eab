"""Model-predicted dissatisfaction (不明诱因): a classifier trained on surveyed customers.

Labels come from survey answers in a trailing window (``overall`` at or below the configured
threshold = dissatisfied), each joined to the features *as of the answer's month*. A stable share
of respondents (by a seeded hash of the msisdn, so a person stays on the same side every month) is
held out and never trained on; the model report is computed on them. When respondents are few
(``cross_validate_below``), none are set aside: the model learns from all of them and the report
is cross-validated (:func:`cxradar.identify.operating.cross_validated_flags`). Probabilities are
calibrated for the population and the operating threshold is chosen on out-of-fold predictions of
the training respondents only, by a stated rule (:mod:`cxradar.identify.operating`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from cxradar.errors import ModelError
from cxradar.identify.config import PotentialConfig
from cxradar.identify.operating import SEED_FLOORS, cross_validated_flags, operating_point
from cxradar.models import make_model
from cxradar.models.base import Calibrator
from cxradar.models.evaluate import by_segment, lift_curve, reliability_table, score_metrics
from cxradar.models.thresholds import RULE_TEXT, balanced_threshold
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

_RULE_TEXT = {
    **RULE_TEXT,
    "seed_floors": "the threshold that best meets the seed's floors together - the largest smallest ratio of "
    "precision / {fp}, recall / {fr} and survey-weighted lift over random / {fl} - on out-of-fold "
    "predictions of the training respondents",
}


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


def training_subset(msisdns: pd.Series, cap: int, seed: int) -> np.ndarray:
    """True for the ``cap`` rows whose seeded hash of msisdn is lowest (all rows when there are no
    more than ``cap``, or ``cap`` is 0): a subset that does not depend on row order, the same
    respondents every run, a uniform draw whatever their label. Its hash key differs from
    :func:`holdout_mask`'s, so the subset is not tied to the held-out share."""
    n = len(msisdns)
    if cap <= 0 or n <= cap:
        return np.ones(n, dtype=bool)
    hashed = pd.util.hash_array(msisdns.astype(str).to_numpy(dtype=object), hash_key=f"fit{seed:013d}"[-16:])
    keep = np.zeros(n, dtype=bool)
    keep[np.lexsort((np.arange(n), hashed))[:cap]] = True
    return keep


def identifier_estimator(config: PotentialConfig, kind: str) -> Any:
    """A new ``kind`` classifier: conf/models.yaml settings, then ``potential.model_params.<kind>``."""
    return make_model(kind, **config.model_params.get(kind, {}))


def feature_columns(features: pd.DataFrame, exclude: tuple[str, ...]) -> list[str]:
    """Model inputs: every feature except keys and names containing an excluded fragment."""
    drop = {"msisdn", "month", "label", "survey_weight"}
    return [c for c in features.columns if c not in drop and not any(x in c for x in exclude)]


@dataclass
class FittedIdentifier:
    """The fitted classifier, its inputs, its operating threshold, calibration and report."""

    model: Any
    columns: list[str]
    threshold: float
    report: dict[str, Any] = field(default_factory=dict)
    calibrator: Calibrator = field(default_factory=lambda: Calibrator("none"))

    def score(self, features: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of dissatisfaction for every row of ``features``."""
        raw = np.asarray(self.model.predict_proba(features[self.columns])[:, 1], dtype="float64")
        return np.asarray(self.calibrator(raw), dtype="float64")


def population_metrics(
    y: np.ndarray, p: np.ndarray, weight: np.ndarray, threshold: float | np.ndarray
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
    calibration: str = "none",
    floors: Mapping[str, float] | None = None,
    cross_validate_below: int = 0,
    outer_folds: int = 5,
    max_fit_rows: int = 0,
) -> FittedIdentifier:
    """Choose calibration and threshold on out-of-fold predictions, fit, and report on respondents the
    model did not see (precision, recall, F1, AUC, lifts, Brier, reliability, per segment).

    With at least ``cross_validate_below`` respondents a stable ``holdout_share`` is held out; with
    fewer, the model learns from all of them and the report comes from ``outer_folds``-fold
    cross-validation of the whole procedure. ``calibration`` (none | sigmoid | isotonic) is fitted
    with the survey weights; ``floors`` are the seed's for ``rule='seed_floors'``. With more than
    ``max_fit_rows`` held-in respondents (and ``max_fit_rows`` > 0), a seeded subset of that many
    is fitted (:func:`training_subset`); the report says so."""
    weight = (
        pd.to_numeric(train["survey_weight"], errors="coerce").fillna(1.0).to_numpy(dtype="float64")
        if "survey_weight" in train
        else np.ones(len(train))
    )
    label = train["label"].astype(bool).to_numpy()
    floors = {**SEED_FLOORS, **(floors or {})}
    settings: dict[str, Any] = {
        "folds": folds, "calibration": calibration, "rule": rule,
        "target_precision": target_precision, "capacity": capacity, "floors": floors,
    }  # fmt: skip
    available = len(train)
    if len(train) < cross_validate_below:
        method = "cross_validation"
        fit_rows = test_rows = train
        p_test, cut = cross_validated_flags(
            train[columns], label, weight, train["msisdn"], estimator,
            outer_folds=outer_folds, seed=seed, **settings,
        )  # fmt: skip
        point = operating_point(train[columns], label, weight, estimator, seed=seed, **settings)
        y_fit, y_test, w_test = label, label, weight
    else:
        method = "holdout"
        held = holdout_mask(train["msisdn"], holdout_share, seed)
        fit = ~held
        available = int(fit.sum())
        fit[fit] = training_subset(train.loc[fit, "msisdn"], max_fit_rows, seed)
        fit_rows, test_rows = train.loc[fit], train.loc[held]
        y_fit, y_test, w_test = label[fit], label[held], weight[held]
        point = operating_point(fit_rows[columns], y_fit, weight[fit], estimator, seed=seed, **settings)
        p_test = point.score(test_rows[columns])
        cut = np.full(len(test_rows), point.threshold)
    fitted = FittedIdentifier(
        model=point.model, columns=list(columns), threshold=point.threshold, calibrator=point.calibrator
    )
    evaluation = (
        f"{outer_folds}-fold cross-validation over all {len(train):,} respondents (fewer than "
        f"{cross_validate_below:,}: none is set aside, the model learns from all; each fold is scored by a "
        "model, calibration and threshold fitted without it)"
        if method == "cross_validation"
        else f"a stable {holdout_share:.0%} of respondents held out (never trained on)"
    )
    if len(fit_rows) < available:
        evaluation += (
            f"; the model learned from {len(fit_rows):,} of the {available:,} other respondents, chosen by a "
            "seeded hash of msisdn (train_max_respondents)"
        )
    report: dict[str, Any] = {
        "rule": rule,
        "rule_text": _RULE_TEXT[rule].format(
            tp=target_precision, cap=capacity, fp=floors["precision"], fr=floors["recall"], fl=floors["lift"]
        ),
        "threshold": float(point.threshold),
        "evaluation": {"method": method, "text": evaluation},
        "calibration": point.calibrator.to_dict(),
        "seed_floors": floors,
        "n_train": len(fit_rows),
        "n_train_available": available,
        "n_holdout": len(test_rows),
        "train_months": sorted(map(str, train["month"].unique())),
        "holdout": score_metrics(y_test, p_test, cut),
        "holdout_population": population_metrics(y_test, p_test, w_test, cut)
        if "survey_weight" in train
        else None,
        "train_out_of_fold": score_metrics(y_fit, point.oof, point.threshold),
        "lift_curve": _records(lift_curve(y_test, p_test)),
        "reliability": _records(reliability_table(y_test, p_test)),
        "reliability_population": _records(reliability_table(y_test, p_test, weight=w_test))
        if "survey_weight" in train
        else None,
    }
    if hasattr(point.model, "C_"):
        report["regularisation_C"] = float(point.model.C_)
    if "segment" in test_rows.columns:
        report["per_segment"] = _records(by_segment(y_test, p_test, test_rows["segment"].astype(str), cut))
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
        calibration=config.calibration,
        floors=config.seed_floors,
        cross_validate_below=config.cross_validate_below,
        max_fit_rows=config.train_max_respondents,
    )
    fitted.report["model_kind"] = kind
    fitted.report["label"] = f"survey overall <= {config.label_at_or_below}"
    return fitted

"""The identifier's operating point: survey-weighted calibration, the seed-floors threshold rule, and
the cross-validated report when respondents are few."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from cxradar.identify.operating import (
    balanced_threshold,
    cross_validated_flags,
    operating_point,
    seed_floors_threshold,
)
from cxradar.identify.potential import risk_percent
from cxradar.identify.predicted import fit_identifier, training_subset
from cxradar.models import make_model


def test_seed_floors_threshold_by_hand() -> None:
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])
    p = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
    w = np.array([1.0, 1, 1, 1, 4, 4, 1, 4, 4, 4])
    # weighted dissatisfied rate 4 / 25 = 0.16. Flagging the top k (precision, recall, weighted lift):
    # k=2 (1, .5, 6.25) -> min(1/.6, .5/.6, 6.25/3) = .833; k=4 (.75, .75, 4.69) -> min(1.25, 1.25, 1.56)
    # = 1.25 (best); k=7 (.57, 1, 4/13/.16 = 1.92) -> min(.95, 1.67, .64) = .64
    assert seed_floors_threshold(y, p, w) == 0.7
    assert balanced_threshold(y, p) == 0.7
    # a stricter lift floor moves the cut up: k=4 -> 4.69/6 = .78 < k=2's min(1.67, .83, 1.04) = .83
    assert seed_floors_threshold(y, p, w, {"lift": 6.0}) == 0.9


def _oversampled(seed: int, n: int = 4000) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A population with 15 % positives, surveyed with positives three times as likely to answer:
    the sample's rate is ~35 %; survey weights (1 / response rate) restore the population."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n * 3, 2))
    y = rng.random(n * 3) < 1 / (1 + np.exp(-(-2.1 + 1.4 * x[:, 0])))
    answer_rate = np.where(y, 0.6, 0.2)
    answered = rng.random(n * 3) < answer_rate
    X = pd.DataFrame(x[answered], columns=["x1", "x2"])
    return X, y[answered], 1 / answer_rate[answered]


def test_calibration_with_survey_weights_gives_population_probabilities() -> None:
    X, y, w = _oversampled(3)
    assert y.mean() > 0.3 and np.average(y, weights=w) < 0.2
    point = operating_point(X, y, w, LogisticRegression(), seed=1, calibration="sigmoid")
    p = point.score(X)
    # weighted mean prediction = the population's rate (what a survey-weighted estimate says)
    assert np.average(p, weights=w) == pytest.approx(np.average(y, weights=w), abs=0.01)
    raw = point.model.predict_proba(X)[:, 1]
    assert raw.mean() == pytest.approx(y.mean(), abs=0.02)  # uncalibrated: the sample's rate
    # monotone: the calibration never reorders customers, so the flagged set is the same as raw
    assert (np.argsort(p, kind="stable") == np.argsort(raw, kind="stable")).all()


def test_cross_validated_report_when_respondents_are_few() -> None:
    X, y, w = _oversampled(4, n=1500)
    train = X.assign(msisdn=[f"139{i:08d}" for i in range(len(X))], label=y, survey_weight=w, month="2026-10")
    few = fit_identifier(
        train, make_model("logit", penalty="l1", Cs=[0.1, 1.0]), columns=["x1", "x2"],
        holdout_share=0.3, seed=5, rule="seed_floors", calibration="sigmoid", cross_validate_below=3000,
    )  # fmt: skip
    assert few.report["evaluation"]["method"] == "cross_validation"
    assert few.report["n_train"] == few.report["n_holdout"] == len(train)  # nobody is set aside
    assert few.report["regularisation_C"] in (0.1, 1.0)
    # the report's figures are those of rows scored by models that never saw them
    p, cut = cross_validated_flags(
        train[["x1", "x2"]], y, w, train["msisdn"], make_model("logit", penalty="l1", Cs=[0.1, 1.0]),
        seed=5, folds=3, calibration="sigmoid", rule="seed_floors",
    )  # fmt: skip
    flag = p >= cut
    assert few.report["holdout"]["precision"] == pytest.approx((flag & y).sum() / flag.sum())
    assert few.report["holdout"]["recall"] == pytest.approx((flag & y).sum() / y.sum())
    weighted = few.report["reliability_population"]
    assert sum(b["weight_share"] for b in weighted) == pytest.approx(1.0)
    many = fit_identifier(
        train, LogisticRegression(), columns=["x1", "x2"], holdout_share=0.3, seed=5,
        calibration="sigmoid", cross_validate_below=100,
    )  # fmt: skip
    assert many.report["evaluation"]["method"] == "holdout"
    assert many.report["n_train"] + many.report["n_holdout"] == len(train)


def test_training_subset_is_a_stable_cap_independent_of_row_order() -> None:
    ids = pd.Series([f"139{i:08d}" for i in range(1000)])
    keep = training_subset(ids, 300, seed=5)
    assert keep.sum() == 300
    shuffled = ids.sample(frac=1.0, random_state=1)
    again = training_subset(shuffled.reset_index(drop=True), 300, seed=5)
    assert set(shuffled[again]) == set(ids[keep])  # the same respondents whatever the order
    assert training_subset(ids, 0, seed=5).all() and training_subset(ids, 1000, seed=5).all()
    assert set(ids[training_subset(ids, 300, seed=6)]) != set(ids[keep])  # the seed matters


def test_fit_identifier_learns_from_at_most_the_cap_and_says_so() -> None:
    X, y, w = _oversampled(4, n=1500)
    train = X.assign(msisdn=[f"139{i:08d}" for i in range(len(X))], label=y, survey_weight=w, month="2026-10")
    capped = fit_identifier(
        train, LogisticRegression(), columns=["x1", "x2"], holdout_share=0.3, seed=5,
        calibration="sigmoid", cross_validate_below=100, max_fit_rows=500,
    )  # fmt: skip
    whole = fit_identifier(
        train, LogisticRegression(), columns=["x1", "x2"], holdout_share=0.3, seed=5,
        calibration="sigmoid", cross_validate_below=100,
    )  # fmt: skip
    assert capped.report["n_train"] == 500
    assert capped.report["n_train_available"] == whole.report["n_train"] > 500
    assert capped.report["n_holdout"] == whole.report["n_holdout"]  # every held-out respondent is scored
    assert "learned from 500 of the" in capped.report["evaluation"]["text"]
    # on this two-feature problem 500 rows give nearly the model of all of them
    assert capped.report["holdout"]["auc"] == pytest.approx(whole.report["holdout"]["auc"], abs=0.01)


def test_risk_is_shown_as_a_whole_percent_never_certain() -> None:
    assert risk_percent(np.array([0.999, 0.995, 0.5, 0.304, 0.004, 0.0])) == [
        ">99",
        ">99",
        "50",
        "30",
        "<1",
        "<1",
    ]

"""Evaluation functions against hand-computed fixtures and scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from cxradar.errors import ConfigError
from cxradar.models import (
    by_segment,
    choose_threshold,
    lift_curve,
    reliability_table,
    score_metrics,
    top_share_lift,
)

Y = np.array([1, 1, 0, 1, 0, 0, 0, 0, 1, 0])
P = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05])


def test_metrics_at_threshold_match_hand_computation_and_sklearn() -> None:
    m = score_metrics(Y, P, threshold=0.6)
    # flagged: 0.9, 0.8, 0.7, 0.6 -> 3 of 4 positives; 4 positives overall; base rate 0.4
    assert m["precision"] == pytest.approx(0.75)
    assert m["recall"] == pytest.approx(0.75)
    assert m["lift_at_threshold"] == pytest.approx(0.75 / 0.4)
    assert m["precision"] == pytest.approx(precision_score(Y, P >= 0.6))
    assert m["f1"] == pytest.approx(f1_score(Y, P >= 0.6))
    assert m["recall"] == pytest.approx(recall_score(Y, P >= 0.6))
    assert m["auc"] == pytest.approx(roc_auc_score(Y, P), abs=1e-12)
    assert m["gini"] == pytest.approx(2 * roc_auc_score(Y, P) - 1)
    assert m["brier"] == pytest.approx(np.mean((P - Y) ** 2))
    # top decile = 1 row (p=0.9, positive): lift 1 / 0.4
    assert m["top_decile_lift"] == pytest.approx(2.5)


def test_threshold_rules() -> None:
    # F1 by hand: cut at 0.6 -> P=3/4, R=3/4, F1=0.75; cut at 0.1 -> P=4/9, R=1, F1=0.615
    assert choose_threshold(Y, P, "max_f1") == pytest.approx(0.6)
    assert choose_threshold(Y, P, "target_precision", target_precision=1.0) == pytest.approx(0.8)
    assert choose_threshold(Y, P, "capacity", capacity=0.3) == pytest.approx(0.7)
    with pytest.raises(ConfigError, match="Did you mean 'max_f1'"):
        choose_threshold(Y, P, "max_f")


def test_lift_curve_and_reliability() -> None:
    curve = lift_curve(Y, P, bins=5)
    assert curve["positives"].tolist() == [2, 1, 0, 0, 1]
    assert curve["cumulative_recall"].iloc[-1] == pytest.approx(1.0)
    assert curve["lift"].iloc[0] == pytest.approx(1.0 / 0.4)
    rel = reliability_table(Y, P, bins=2)
    assert rel["n"].sum() == 10
    assert rel["observed_rate"].tolist() == pytest.approx([1 / 5, 3 / 5])
    assert top_share_lift(Y, P, 0.2) == pytest.approx(2.5)


def test_by_segment_splits_rows() -> None:
    seg = np.array(["a"] * 5 + ["b"] * 5)
    table = by_segment(Y, P, seg, threshold=0.6).set_index("segment")
    assert table.loc["a", "n"] == 5
    assert table.loc["a", "precision"] == pytest.approx(0.75)
    assert table.loc["b", "list_size"] == 0


def test_time_split_never_trains_on_the_test_month_or_later() -> None:
    import pandas as pd

    from cxradar.models import time_split

    df = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"] * 3)})
    train, test = time_split(df, "month", "2026-03-01")
    assert train["month"].max() == pd.Timestamp("2026-02-01")
    assert set(test["month"]) == {pd.Timestamp("2026-03-01")}
    train, _ = time_split(df, "month", "2026-04-01", train_months=1, gap=1)
    assert set(train["month"]) == {pd.Timestamp("2026-02-01")}


def test_cross_validate_picks_the_threshold_inside_each_training_fold() -> None:
    from cxradar.models import cross_validate, make_model

    from .conftest import make_table

    X, y = make_table(41, 600)
    result = cross_validate(make_model("logit", threshold_rule="capacity", capacity=0.2), X, y, folds=3)
    assert len(result.folds) == 3 and not np.isnan(result.oof).any()
    # capacity 0.2 chosen on each training fold flags about 20 % of each test fold
    assert result.folds["list_size"].sum() / len(y) == pytest.approx(0.2, abs=0.05)

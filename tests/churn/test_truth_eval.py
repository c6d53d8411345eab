"""The churn list against the simulator's truth (:func:`cxradar.churn.truth_eval.evaluate_churn_list`),
on a hand-built fixture with the figures computed by hand below."""

from __future__ import annotations

import pandas as pd
import pytest

from cxradar.churn.truth_eval import evaluate_churn_list

SUBSCRIBERS = pd.Series([f"1380000000{i}" for i in range(10)])
# 0 left in August and 1 in September (gone by the end of September: not in the population);
# 2, 3 and 4 leave in October, 5 in November: the churners after 2026-09
TRUTH = pd.DataFrame(
    {
        "msisdn": ["13800000000", "13800000001", "13800000002", "13800000003", "13800000004", "13800000005"],
        "month": pd.to_datetime(
            ["2026-08-01", "2026-09-01", "2026-10-01", "2026-10-01", "2026-10-01", "2026-11-01"]
        ),
    }
)


def test_precision_recall_and_lift_by_hand() -> None:
    listed = pd.Series(["13800000002", "13800000003", "13800000006", "13800000009"])
    got = evaluate_churn_list(listed, TRUTH, SUBSCRIBERS, "2026-09")
    assert got is not None
    # population 8 (10 less 0 and 1), churners 4 (2, 3, 4, 5): base rate 4/8; 2 of 4 listed leave
    assert (got["population"], got["churners_after"], got["listed"], got["months_after"]) == (8, 4, 4, 2)
    assert got["base_rate"] == pytest.approx(0.5)
    assert got["precision"] == pytest.approx(0.5)
    assert got["recall"] == pytest.approx(0.5)
    assert got["lift"] == pytest.approx(1.0)


def test_a_month_with_no_truth_after_it_cannot_be_scored() -> None:
    assert evaluate_churn_list(pd.Series(["13800000002"]), TRUTH, SUBSCRIBERS, "2026-11") is None

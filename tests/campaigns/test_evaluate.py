"""Campaign evaluation on hand-computed fixtures: effects, DiD, participation, contribution, ROI."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cxradar.campaigns.config import load_campaign_config
from cxradar.campaigns.evaluate import evaluate_campaign, mark_resolved


@pytest.fixture
def plan() -> pd.DataFrame:
    """4 treated (3 delivered), 3 control; outcomes below are chosen for round numbers."""
    return pd.DataFrame(
        {
            "id": [f"c-{i}" for i in range(7)],
            "msisdn": [f"1380000000{i}" for i in range(7)],
            "group": ["treatment"] * 4 + ["control"] * 3,
            "strategy": ["proactive_outreach", "targeted_remedy", "targeted_remedy", "wait_for_contact",
                         "proactive_outreach", "targeted_remedy", "wait_for_contact"],
            "channel": ["outbound", "sms", "sms", "hotline", "outbound", "sms", "hotline"],
            "remedy": [None, "billing", "network", None, None, "billing", None],
            "segment": ["mass"] * 7,
            "primary_kind": ["silent"] * 7,
            "value": [100.0] * 7,
            "delivered_at": pd.to_datetime(["2026-11-02", "2026-11-02", "2026-11-03"] + [None] * 4),
            "outcome": ["delivered", "delivered", "delivered", None, None, None, None],
        }
    )  # fmt: skip


@pytest.fixture
def outcomes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "msisdn": [f"1380000000{i}" for i in range(7)],
            "survey_answer": [9, 8, 8, 7, 7, 6, 5],
            "churned_next_month": [False, False, False, True, True, False, False],
            "pre": [6, 6, 7, 7, 6, 6, 6],
        }
    )


def test_effects_by_hand(plan: pd.DataFrame, outcomes: pd.DataFrame) -> None:
    r = evaluate_campaign(plan, outcomes, cfg=load_campaign_config(), population=100)
    sat = r["satisfaction_itt"]
    # treatment mean 8, control mean 6 -> diff 2; control sd = 1; se = sqrt(1/4 + 1/3)
    assert sat["diff"] == pytest.approx(2.0)
    assert sat["se"] == pytest.approx(math.sqrt(1 / 4 + 1 / 3))
    # participation 3/4; effect on participants 2 / 0.75; 10 index points per scale point
    assert r["participation_rate"] == pytest.approx(0.75)
    assert r["satisfaction_on_participants"]["diff"] == pytest.approx(8 / 3)
    assert r["index_points_on_participants"]["diff"] == pytest.approx(80 / 3)
    # contribution: 3 reached of 100 -> 0.03 x 26.67 = 0.8 points
    assert r["contribution"]["share_reached"] == pytest.approx(0.03)
    assert r["contribution"]["points_diff"] == pytest.approx(0.8)
    ratio = r["contribution"]["points_ci_low"] / r["index_points_on_participants"]["ci_low"]
    assert ratio == pytest.approx(0.03)
    # churn: 1/4 vs 1/3
    assert r["churn"]["diff"] == pytest.approx(0.25 - 1 / 3)
    # DiD: changes treated (3, 2, 1, 0) mean 1.5; control (1, 0, -1) mean 0 -> 1.5
    assert r["difference_in_differences"]["diff"] == pytest.approx(1.5)


def test_seed_arithmetic_of_the_contribution() -> None:
    """The seed: +7.68 points on participants, ~1.5 points at a 20 % share (0.2 x 7.68 = 1.536)."""
    n = 2000
    rng = np.random.default_rng(0)
    group = np.where(np.arange(n) < n // 2, "treatment", "control")
    plan = pd.DataFrame({"msisdn": [f"139{i:08d}" for i in range(n)], "group": group,
                         "strategy": "proactive_outreach", "channel": "sms"})  # fmt: skip
    base = rng.normal(6.5, 1.0, n)
    base = base - np.where(
        group == "treatment", base[group == "treatment"].mean(), base[group == "control"].mean()
    )
    post = 6.5 + base + np.where(group == "treatment", 0.768, 0.0)
    r = evaluate_campaign(plan, pd.DataFrame({"msisdn": plan["msisdn"], "post": post}), population=n // 2 * 5)
    assert r["index_points_on_participants"]["diff"] == pytest.approx(7.68)
    assert r["contribution"]["share_reached"] == pytest.approx(0.2)
    assert r["contribution"]["points_diff"] == pytest.approx(1.536)
    assert r["contribution"]["points_at_20pct_share"] == pytest.approx(1.536)


def test_cost_and_roi(plan: pd.DataFrame, outcomes: pd.DataFrame) -> None:
    cfg = load_campaign_config()
    r = evaluate_campaign(plan, outcomes, cfg=cfg)
    # attempted: outbound 3.0 + 2 sms 0.05 (wait_for_contact not delivered -> no cost);
    # remedies delivered: billing 20 + network 10
    assert r["cost"]["total"] == pytest.approx(3.0 + 0.1 + 30.0)
    prevented = -(0.25 - 1 / 3) * 4
    assert r["roi"]["prevented_churners"] == pytest.approx(prevented)
    benefit = prevented * 100.0 * cfg.value_horizon_months
    assert r["roi"]["roi"] == pytest.approx((benefit - 33.1) / 33.1)


def test_breakdowns_cover_each_level(plan: pd.DataFrame, outcomes: pd.DataFrame) -> None:
    r = evaluate_campaign(plan, outcomes)
    by = pd.DataFrame(r["by"])
    strat = by[by["by"] == "strategy"].set_index("level")
    assert strat.loc["targeted_remedy", "diff"] == pytest.approx(8 - 6)
    assert math.isnan(strat.loc["targeted_remedy", "ci_low"])  # one control customer: no interval
    assert strat.loc["proactive_outreach", "diff"] == pytest.approx(9 - 7)
    assert strat.loc["wait_for_contact", "n_control"] == 1


def test_without_delivery_records_participation_is_assumed(
    plan: pd.DataFrame, outcomes: pd.DataFrame
) -> None:
    r = evaluate_campaign(plan.drop(columns=["delivered_at", "outcome"]), outcomes)
    assert r["participation_rate"] == 1.0 and r["participation_recorded"] is False


def test_mark_resolved_only_treated_delivered_and_good(plan: pd.DataFrame, outcomes: pd.DataFrame) -> None:
    out = mark_resolved(plan, outcomes, replace(load_campaign_config(), resolved_at_or_above=8))
    assert out.loc[out["outcome"] == "resolved", "id"].tolist() == ["c-0", "c-1", "c-2"]
    assert out.loc[3, "outcome"] is pd.NA or pd.isna(out.loc[3, "outcome"])  # 7 < 8 and not delivered

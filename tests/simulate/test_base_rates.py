"""The documented base rates (docs/simulator.md, conf/simulator.yaml) hold within stated tolerances.

Tolerances are wide enough for a 30,000-subscriber run with a few hundred cells (incidents make
months differ) and narrow enough that a wrong sign or a lost factor fails.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd


def _month(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y-%m")


def test_share_dissatisfied_is_15_to_20_percent(sim) -> None:
    share = sim["truth/satisfaction"].groupby("month")["dissatisfied"].mean()
    assert 0.13 <= share.mean() <= 0.22, share.to_dict()  # target 15-20 %
    assert share.between(0.08, 0.28).all(), share.to_dict()


def test_monthly_complaint_rate(sim) -> None:
    active = sim["usage_monthly"].groupby(_month(sim["usage_monthly"]["month"])).size()
    complainers = sim["complaints"].groupby(_month(sim["complaints"]["opened_at"]))["msisdn"].nunique()
    rate = (complainers / active).mean()
    assert 0.01 <= rate <= 0.035, rate  # documented ~2 % of active subscribers a month


def test_most_dissatisfied_never_complain(sim) -> None:
    truth = sim["truth/satisfaction"]
    ever = truth.loc[truth["dissatisfied"], "msisdn"].unique()
    never = 1 - np.isin(ever, sim["complaints"]["msisdn"].unique()).mean()
    assert 0.60 <= never <= 0.85, never  # documented 60-80 %
    voiced = truth.loc[truth["dissatisfied"], "voiced"].mean()
    assert 0.08 <= voiced <= 0.30, voiced


def test_channel_silent_share_over_three_months(sim) -> None:
    usage = sim["usage_monthly"]
    months = sorted(_month(usage["month"]).unique())
    last = usage.loc[_month(usage["month"]) == months[-1], "msisdn"]
    contacts = sim["contacts"]
    recent = contacts.loc[_month(contacts["at"]).isin(months[-3:]), "msisdn"]
    silent = (~last.isin(recent)).mean()
    assert 0.60 <= silent <= 0.80, silent  # documented ~70 %


def test_first_contact_resolution_and_ratings(sim) -> None:
    complaints = sim["complaints"]
    fcr = complaints["first_contact_resolved"].mean()
    assert 0.75 <= fcr <= 0.88, fcr
    answered = sim["contacts"]["rating"].notna().mean()
    assert 0.25 <= answered <= 0.35, answered
    assert set(complaints["severity"]) <= {1, 2, 3}
    assert (
        complaints["resolved_at"].dropna() >= complaints.loc[complaints["resolved_at"].notna(), "opened_at"]
    ).all()


def test_monthly_churn_rate(sim) -> None:
    usage = sim["usage_monthly"]
    active = usage.groupby(_month(usage["month"])).size()
    churn = sim["truth/churn"]
    left = churn[churn["churn_type"].isin(["voluntary", "involuntary"])]
    rate = (left.groupby(_month(left["month"])).size() / active).dropna()
    assert 0.012 <= rate.mean() <= 0.028, rate.to_dict()  # documented 1.5-2.5 % a month
    voluntary = left[left["churn_type"] == "voluntary"]
    assert len(voluntary) > 2 * (len(left) - len(voluntary))


def test_survey_response_share_and_weighting(sim) -> None:
    surveys = sim["surveys"]
    usage = sim["usage_monthly"]
    active = usage.groupby(_month(usage["month"])).size()
    share = (surveys.groupby("wave").size() / active).mean()
    assert 0.005 <= share <= 0.011, share  # documented ~0.8 % of active subscribers respond a month
    population = json.loads((sim.root / "truth" / "population.json").read_text(encoding="utf-8"))
    true_mean = np.mean([m["mean_overall"] for m in population["months"].values()])
    weighted = np.average(surveys["overall"], weights=surveys["weight"])
    unweighted = surveys["overall"].mean()
    assert abs(weighted - true_mean) < 0.12, (weighted, true_mean)
    assert abs(weighted - true_mean) < abs(unweighted - true_mean)


def test_arpu_by_segment(sim) -> None:
    usage = sim["usage_monthly"].merge(sim["subscribers"][["msisdn", "segment"]], on="msisdn")
    arpu = usage.groupby("segment")["spend"].mean()
    expected = {"mass": 40, "data": 90, "enterprise": 120, "high_end": 200}
    for segment, value in expected.items():
        assert abs(arpu[segment] / value - 1) < 0.15, (segment, arpu[segment])


def test_segment_shares(sim) -> None:
    shares = sim["subscribers"]["segment"].value_counts(normalize=True)
    for segment, value in {"high_end": 0.12, "data": 0.25, "enterprise": 0.13, "mass": 0.50}.items():
        assert abs(shares[segment] - value) < 0.015, (segment, shares[segment])

"""Referential integrity and consistency between the tables and the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _month(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.strftime("%Y-%m")


def test_every_msisdn_is_a_subscriber(sim) -> None:
    known = set(sim["subscribers"]["msisdn"])
    assert sim["subscribers"]["msisdn"].str.fullmatch(r"1[3-9]\d{9}").all()
    assert sim["subscribers"]["msisdn"].is_unique
    for table in ("usage_monthly", "subscriber_cells", "complaints", "contacts", "surveys"):
        assert set(sim[table]["msisdn"]) <= known, table


def test_traffic_shares_sum_to_one_and_cells_exist(sim) -> None:
    cells = sim["subscriber_cells"]
    totals = cells.groupby(["msisdn", "month"])["traffic_share"].sum()
    np.testing.assert_allclose(totals.to_numpy(), 1.0, atol=1e-9)
    per = cells.groupby(["msisdn", "month"]).size()
    assert per.between(1, 4).all()
    assert set(cells["cell_id"]) <= set(sim["cells"]["cell_id"])
    usage_keys = set(zip(sim["usage_monthly"]["msisdn"], sim["usage_monthly"]["month"], strict=True))
    assert set(totals.index) == usage_keys


def test_cells_are_mostly_stable_month_to_month(sim) -> None:
    cells = sim["subscriber_cells"]
    months = sorted(cells["month"].unique())
    a = set(zip(*cells[cells["month"] == months[-2]][["msisdn", "cell_id"]].to_numpy().T, strict=True))
    b = set(zip(*cells[cells["month"] == months[-1]][["msisdn", "cell_id"]].to_numpy().T, strict=True))
    assert len(a & b) / len(b) > 0.8


def test_churned_subscribers_have_the_status_and_no_later_usage(sim) -> None:
    subs = sim["subscribers"].set_index("msisdn")
    churn = sim["truth/churn"]
    left = churn[churn["churn_type"].isin(["voluntary", "involuntary"])].set_index("msisdn")
    assert left.index.is_unique
    assert (subs.loc[left.index, "status"] == "churned").all()
    assert (subs.loc[left.index, "churn_type"].to_numpy() == left["churn_type"].to_numpy()).all()
    assert set(subs.index[subs["status"] == "churned"]) == set(left.index)
    assert (subs.loc[subs["status"] != "churned", "churn_type"] == "none").all()
    involuntary = subs[subs["churn_type"] == "involuntary"]
    assert (involuntary["churn_reason"] == "arrears").all()
    usage = sim["usage_monthly"][["msisdn", "month"]].merge(
        left["month"].rename("left").reset_index(), on="msisdn"
    )
    assert (usage["month"] <= usage["left"]).all()
    status_month = _month(subs.loc[left.index, "status_date"])
    assert (status_month.to_numpy() == _month(left["month"]).to_numpy()).all()
    assert (subs["status_date"] >= subs["join_date"]).all()


def test_downgrades_show_in_the_monthly_brand(sim) -> None:
    churn = sim["truth/churn"]
    down = churn[churn["churn_type"] == "downgrade"]
    assert len(down) > 0
    usage = sim["usage_monthly"].merge(down[["msisdn", "month"]].rename(columns={"month": "at"}), on="msisdn")
    after = usage[usage["month"] > usage["at"]]
    before = usage[usage["month"] < usage["at"]]
    assert (after["brand"] == "easyown").all()
    assert (before["brand"] == "gotone").all()


def test_incident_scopes_point_at_real_things(sim) -> None:
    incidents = sim["incidents"]
    cells = set(sim["cells"]["cell_id"])
    subscribers = set(sim["subscribers"]["msisdn"])
    districts = set(sim["subscribers"]["district"])
    assert incidents["id"].is_unique
    for scope_type, scope in zip(incidents["scope_type"], incidents["scope"], strict=True):
        items = scope.split(";")
        target = {"cells": cells, "accounts": subscribers, "district": districts}[scope_type]
        assert set(items) <= target, (scope_type, items[:3])
    assert (incidents["end"] >= incidents["start"]).all()
    assert set(incidents["type"]) == {
        "network_outage",
        "network_degradation",
        "billing_error",
        "system_failure",
    }


def test_billing_error_accounts_match_truth(sim) -> None:
    incidents = sim["incidents"]
    billing = incidents[incidents["type"] == "billing_error"]
    hit = {
        (m, a)
        for m, scope in zip(_month(billing["start"]), billing["scope"], strict=True)
        for a in scope.split(";")
    }
    truth = sim["truth/satisfaction"]
    flagged = truth[truth["billing_error"]]
    assert set(zip(_month(flagged["month"]), flagged["msisdn"], strict=True)) == hit


def test_pre_churn_signals(sim) -> None:
    """Call forwarding rises and spend falls in the months before voluntary churn."""
    churn = sim["truth/churn"]
    left = churn[churn["churn_type"] == "voluntary"][["msisdn", "month"]].rename(columns={"month": "left"})
    usage = sim["usage_monthly"].merge(left, on="msisdn", how="left")
    months_to = pd.to_datetime(usage["left"]).dt.to_period("M") - pd.to_datetime(usage["month"]).dt.to_period(
        "M"
    )
    usage["k"] = months_to.map(lambda x: x.n if pd.notna(x) else -1)
    never = usage[usage["k"] == -1]
    soon = usage[usage["k"] == 1]
    assert soon["call_forward_count"].mean() > 3 * never["call_forward_count"].mean()
    early = usage[usage["k"] >= 3].groupby("msisdn")["spend"].mean()
    late = soon.groupby("msisdn")["spend"].mean()
    both = early.index.intersection(late.index)
    assert len(both) > 50
    assert (late[both] / early[both]).median() < 0.9  # the same people spend less a month before leaving


def test_multi_sim_customers_receive_far_more_than_they_call(sim) -> None:
    truth = sim["truth/subscribers"][["msisdn", "multi_sim"]]
    usage = sim["usage_monthly"].merge(truth, on="msisdn")
    ratio = usage.groupby("multi_sim")[["incoming_calls", "outgoing_calls"]].sum()
    multi = ratio.loc[True, "incoming_calls"] / ratio.loc[True, "outgoing_calls"]
    single = ratio.loc[False, "incoming_calls"] / ratio.loc[False, "outgoing_calls"]
    assert multi > 4 and 0.7 < single < 1.4


def test_groups_have_realistic_sizes_and_some_leave_together(sim) -> None:
    subs = sim["subscribers"]
    sizes = subs["group_id"].dropna().value_counts()
    assert sizes.between(5, 200).all()
    members = subs[subs["group_id"].notna()]
    assert (members["segment"] == "enterprise").mean() > 0.6
    groups = sim["truth/group_churn"]
    assert len(groups) >= 1
    assert (groups["members_left"] <= groups["members"]).all()
    assert (groups["members_left"] >= 0.5 * groups["members"]).mean() > 0.5

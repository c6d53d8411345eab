"""Corporate-group alerts and multi-SIM flags on hand-built data (figures computed by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.churn import (
    evaluate_group_alerts,
    evaluate_multi_sim,
    group_alerts,
    load_churn_config,
    multi_sim_flags,
)


def _group_world(surge: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    members = [f"1390000{g}{i:03d}" for g in (1, 2) for i in range(10)]
    subs = pd.DataFrame(
        {
            "msisdn": members,
            "group_id": ["G1"] * 10 + ["G2"] * 10,
            "join_date": pd.Timestamp("2024-01-01"),
            "status": "active",
            "status_date": pd.Timestamp("2024-01-01"),
            "churn_type": "none",
        }
    )
    rows = []
    for m in pd.date_range("2026-01-01", "2026-04-01", freq="MS"):
        for i, msisdn in enumerate(members):
            late = m == pd.Timestamp("2026-04-01") and msisdn.startswith("13900001") and surge
            rows.append(
                {
                    "msisdn": msisdn,
                    "month": m,
                    "spend": 50.0 if late else 100.0,
                    "call_forward_count": 6 if late and i % 2 == 0 else 1,
                }
            )
    return subs, pd.DataFrame(rows)


def test_group_with_forwarding_surge_and_falling_spend_alerts_with_evidence() -> None:
    subs, usage = _group_world(surge=True)
    settings = load_churn_config().groups
    out = group_alerts("2026-04", subscribers=subs, usage=usage, settings=settings).set_index("group_id")
    g1 = out.loc["G1"]
    # G1: forwarding 3.5 per member vs 1 (ratio (3.5+0.1)/(1+0.1) = 3.27), half the members > 2x+1,
    # spend 500 vs 1000 (-50 %)
    assert np.isclose(g1["forward_ratio"], 3.6 / 1.1)
    assert np.isclose(g1["forward_member_share"], 0.5)
    assert np.isclose(g1["spend_change"], -0.5)
    assert g1["alert"] and g1["n_signals"] == 2
    assert "group spend -50%" in g1["evidence_en"] and "集团消费较基线-50%" in g1["evidence_zh"]
    assert not out.loc["G2", "alert"]


def test_falling_spend_alone_is_not_an_alert_but_at_risk_members_are_leading() -> None:
    subs, usage = _group_world(surge=False)
    usage.loc[(usage["month"] == "2026-04-01") & usage["msisdn"].str.startswith("13900002"), "spend"] = 10.0
    settings = load_churn_config().groups
    out = group_alerts("2026-04", subscribers=subs, usage=usage, settings=settings).set_index("group_id")
    assert out.loc["G2", "spend_drop"] and not out.loc["G2", "alert"]
    risk = pd.Series(0.9, index=subs["msisdn"])
    out = group_alerts("2026-04", subscribers=subs, usage=usage, settings=settings, probability=risk)
    assert out.set_index("group_id").loc["G2", "alert"]


def test_evaluation_counts_events_caught_ahead_and_alert_precision() -> None:
    months = ["2026-03", "2026-04", "2026-05"]
    alerts = pd.DataFrame(
        {
            "group_id": ["A", "A", "B", "C", "D"],
            "month": ["2026-03", "2026-04", "2026-05", "2026-04", "2026-05"],
            "alert": [True, True, True, True, False],
        }
    )
    events = pd.DataFrame(
        {"group_id": ["A", "B", "E"], "month": pd.to_datetime(["2026-05-01", "2026-05-01", "2026-06-01"])}
    )
    r = evaluate_group_alerts(alerts, events, months, horizon=3)
    # A (May) caught by March and April alerts: 2 months ahead; B alerted only in May (late);
    # E (June) not alerted; C never leaves -> a false alert
    assert r["events"] == 3 and r["caught_ahead"] == 1
    assert r["per_event"][0] == {"group_id": "A", "month": "2026-05", "caught": True, "months_ahead": 2}
    assert r["alerts_true"] == 2 and r["alerts_false"] == 1 and r["alerts_during_or_after"] == 1
    assert np.isclose(r["precision"], 2 / 3) and np.isclose(r["recall"], 1 / 3)


def test_multi_sim_flags_high_value_lines_with_mostly_incoming_calls() -> None:
    features = pd.DataFrame(
        {
            "msisdn": ["1", "2", "3", "4", "5"],
            "segment": ["high_end", "mass", "mass", "enterprise", "high_end"],
            "avg_spend_6m": [250.0, 150.0, 40.0, 120.0, 300.0],
            "incoming_outgoing_ratio_3m": [8.0, 4.0, 9.0, 1.1, np.nan],
        }
    )
    flagged = multi_sim_flags(features, load_churn_config().multi_sim)
    assert flagged["msisdn"].tolist() == ["1", "2"]  # 3 is low value, 4 calls out, 5 has no calls
    assert "8.0" in flagged.loc[0, "reason_en"] and "一人多卡" in flagged.loc[0, "reason_zh"]
    truth = pd.DataFrame({"msisdn": ["1", "3", "4"], "multi_sim": [True, True, False]})
    r = evaluate_multi_sim(flagged, features["msisdn"], truth)
    assert r["precision"] == 0.5 and r["recall"] == 0.5

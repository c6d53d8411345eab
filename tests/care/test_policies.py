"""Policies: do-not-disturb, contact fatigue, capacity by expected value, quiet hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.care.assign import assign_care, flagged_customers
from cxradar.care.policies import apply_policies, expected_value, load_policies
from cxradar.care.rules import RuleSet, apply_rules, load_rules
from cxradar.errors import ConfigError

AS_OF = pd.Timestamp("2026-11-01 09:00")


def _outbound(n: int) -> pd.DataFrame:
    """n silent high-value customers (all decided proactive_outreach by outbound call)."""
    return pd.DataFrame(
        {
            "msisdn": [f"1390000{i:04d}" for i in range(n)],
            "kinds": "silent",
            "probability": np.linspace(0.9, 0.5, n),
            "cause": "unknown",
            "segment": "high_end",
            "value": 200.0,
            "contact_complete": True,
        }
    )


def test_shipped_policies_load() -> None:
    p = load_policies()
    assert p.fatigue_windows == {30: 1, 90: 3}
    assert p.capacity["outbound"] == (3000, 15000)
    assert p.allowed_hours("outbound") == "09:00-21:00"
    assert p.allowed_hours("sms") == "08:00-21:00" and p.allowed_hours("app") == "08:00-22:00"
    assert "next contact" in p.allowed_hours("hotline")
    assert p.is_quiet(pd.Timestamp("2026-11-01 07:30"), "sms")
    assert not p.is_quiet(pd.Timestamp("2026-11-01 08:30"), "sms")


def test_quiet_hours_span_midnight() -> None:
    p = replace(load_policies(), quiet_hours={"outbound": (time(21, 0), time(9, 0))})
    assert p.is_quiet(pd.Timestamp("2026-11-01 22:30"), "outbound")
    assert p.is_quiet(pd.Timestamp("2026-11-01 08:59"), "outbound")
    assert not p.is_quiet(pd.Timestamp("2026-11-01 09:00"), "outbound")
    assert not p.is_quiet(pd.Timestamp("2026-11-01 23:00"), "sms")


def test_unknown_policy_field_names_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\ncapacity:\n  outbund: {per_day: 5}\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"p.yaml:3: unknown setting 'capacity.outbund'. Did you mean 'outbound'"
    ):
        load_policies(path)


def test_expected_value_is_probability_times_value_times_effect() -> None:
    decided = pd.DataFrame(
        {
            "probability": [0.5, None],
            "value": [100.0, 50.0],
            "strategy": ["targeted_remedy", "proactive_outreach"],
            "churn_probability": [0.2, 0.0],
        }
    )
    p = replace(load_policies(), explicit_probability=0.9)
    ev = expected_value(decided, p)
    # 1 - (1 - 0.5)(1 - 0.2) = 0.6; 0.6 x 100 x 1.0 = 60.  Explicit: 0.9 x 50 x 0.6 = 27.
    assert ev.tolist() == pytest.approx([60.0, 27.0])
    up = expected_value(decided.assign(uplift=[0.1, 0.4]), p, priority="uplift")
    assert up.tolist() == pytest.approx([10.0, 20.0])


def test_do_not_disturb_moves_proactive_care_to_wait_for_contact(flagged: pd.DataFrame) -> None:
    decided = apply_rules(flagged, load_rules())
    dnd = pd.Series(["13800000003", "13800000005"])  # one proactive, one already wait_for_contact
    res = apply_policies(decided, load_policies(), as_of=AS_OF, dnd=dnd)
    assert res.left_out["msisdn"].tolist() == ["13800000003"]
    assert res.left_out["reason"].tolist() == ["dnd"]
    row = res.selected.set_index("msisdn").loc["13800000003"]
    assert row["strategy"] == "wait_for_contact" and row["channel"] == "hotline"
    assert "免打扰" in row["policy_note_zh"] and "do-not-disturb" in row["policy_note_en"]


def test_drop_mode_removes_left_out_customers(flagged: pd.DataFrame) -> None:
    decided = apply_rules(flagged, load_rules())
    policies = replace(load_policies(), on_excluded="drop")
    res = apply_policies(decided, policies, as_of=AS_OF, dnd=pd.Series(["13800000003"]))
    assert "13800000003" not in set(res.selected["msisdn"])
    assert len(res.selected) == len(flagged) - 1
    assert res.left_out["fallback"].tolist() == ["none"]


def test_fatigue_counts_treatment_care_and_outbound_contacts_in_windows() -> None:
    decided = apply_rules(_outbound(4), load_rules())
    m = decided["msisdn"].tolist()
    history = pd.DataFrame(
        {
            "msisdn": [m[0], m[1], m[1], m[1], m[2]],
            "assigned_at": pd.to_datetime(
                ["2026-10-20", "2026-09-01", "2026-08-20", "2026-08-15", "2026-10-25"]
            ),
            "delivered_at": pd.NaT,
            "channel": ["outbound", "sms", "app", "outbound", "outbound"],
            "strategy": "proactive_outreach",
            "group": ["treatment", "treatment", "treatment", "treatment", "control"],
        }
    )
    contacts = pd.DataFrame(
        {"msisdn": [m[3]], "at": [pd.Timestamp("2026-10-30 15:00")], "channel": ["outbound"]}
    )
    res = apply_policies(decided, load_policies(), as_of=AS_OF, care_history=history, contacts=contacts)
    reasons = dict(zip(res.left_out["msisdn"], res.left_out["reason"], strict=True))
    # m0: 1 contact in 30 days (limit 1) -> fatigue_30d; m1: 3 in 90 days (limit 3) -> fatigue_90d;
    # m2: only a control-group row -> not counted; m3: an outbound contact 2 days ago -> fatigue_30d.
    assert reasons == {m[0]: "fatigue_30d", m[1]: "fatigue_90d", m[3]: "fatigue_30d"}


def test_capacity_keeps_highest_expected_value_and_schedules_by_day() -> None:
    decided = apply_rules(_outbound(6), load_rules())
    policies = replace(load_policies(), capacity={"outbound": (1, 2)}, campaign_days=10)
    res = apply_policies(decided, policies, as_of=AS_OF)
    kept = res.selected.loc[res.selected["channel"] == "outbound"].sort_values("scheduled_day")
    # per day 1, per week 2, 10 days = week 1 (days 0-6) 2 calls + week 2 (days 7-9) 2 calls = 4
    assert kept["msisdn"].tolist() == decided["msisdn"].tolist()[:4]  # probabilities fall with index
    assert kept["scheduled_day"].tolist() == [0, 1, 7, 8]
    assert kept["scheduled_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-08",
        "2026-11-09",
    ]
    assert res.left_out["reason"].tolist() == ["capacity", "capacity"]
    assert set(res.left_out["msisdn"]) == set(decided["msisdn"].tolist()[4:])
    assert (res.left_out["expected_value"] < kept["expected_value"].min()).all()


def test_assign_care_unites_pool_and_potential(flagged: pd.DataFrame) -> None:
    potential = flagged.iloc[1:].drop(columns="contact_complete")
    pool = pd.DataFrame({"msisdn": ["13800000001", "13800000002"], "cause": ["billing", "network"]})
    subscribers = pd.DataFrame(
        {
            "msisdn": flagged["msisdn"],
            "segment": flagged["segment"],
            "contact_complete": flagged["contact_complete"],
        }
    )
    values = pd.Series({"13800000001": 80.0})
    united = flagged_customers(potential, pool, subscribers, values)
    assert len(united) == 6
    both = united.set_index("msisdn").loc["13800000002", "kinds"]
    assert both == "incident_hit;model_predicted;explicit"
    assert united.set_index("msisdn").loc["13800000001", "value"] == 80.0
    result = assign_care(united, as_of=AS_OF)
    assert result.summary["flagged"] == 6 and result.summary["selected"] == 6
    assert sum(result.summary["by_strategy"].values()) == 6


def test_do_not_disturb_files(tmp_path: Path) -> None:
    from cxradar.care.io import read_dnd

    text = tmp_path / "dnd.txt"
    text.write_text("# opted out\n13800000003\n\n13800000005\n", encoding="utf-8")
    assert read_dnd(text).tolist() == ["13800000003", "13800000005"]
    csv = tmp_path / "dnd.csv"
    csv.write_text("msisdn,since\n13800000003,2026-01-01\n", encoding="utf-8")
    assert read_dnd(csv).tolist() == ["13800000003"]
    policy = tmp_path / "p.yaml"
    policy.write_text("do_not_disturb: dnd.txt\n", encoding="utf-8")
    assert load_policies(policy).do_not_disturb == tmp_path / "dnd.txt"  # relative to the policy file


def _wait_scripts(rules: RuleSet) -> set[str]:
    """Every script a wait-for-contact customer may carry: wait_for_contact rules and moved_to_wait."""
    own = {r.script_zh for r in rules.rules if r.strategy == "wait_for_contact"}
    own |= {r.script_en for r in rules.rules if r.strategy == "wait_for_contact"}
    moved = rules.moved_to_wait
    remedies = {moved.remedy_script_en.format(remedy=rules.remedies[c]["en"]) for c in rules.remedies} | {
        moved.remedy_script_zh.format(remedy=rules.remedies[c]["zh"]) for c in rules.remedies
    }
    return own | {moved.script_en, moved.script_zh} | remedies


def test_customers_moved_to_wait_for_contact_carry_its_channel_script_and_decision() -> None:
    rules = load_rules()
    customers = pd.DataFrame(
        {
            "msisdn": ["13900000001", "13900000002", "13900000003", "13900000004"],
            "kinds": ["silent", "incident_hit", "model_predicted", "model_predicted"],
            "probability": [0.9, 0.8, 0.7, 0.6],
            "cause": ["unknown", "network", "billing", "service"],
            "segment": ["high_end", "mass", "mass", "mass"],
            "value": [200.0, 40.0, 50.0, 50.0],
            "contact_complete": True,
        }
    )
    decided = apply_rules(customers, rules)
    # R08 care call, R04 SMS with a network fix, R05 bill call, R11 senior-agent call
    assert decided["channel"].tolist() == ["outbound", "sms", "outbound", "outbound"]
    res = apply_policies(decided, load_policies(), as_of=AS_OF, dnd=customers["msisdn"], rules=rules)
    out = res.selected.set_index("msisdn")
    assert (out["strategy"] == "wait_for_contact").all() and (out["channel"] == "hotline").all()
    proactive_scripts = set(decided["script_en"]) | set(decided["script_zh"])
    for lang in ("en", "zh"):
        assert not out[f"script_{lang}"].isin(proactive_scripts).any()
        assert out[f"script_{lang}"].isin(_wait_scripts(rules)).all()
    # the care call had no remedy: the general wait-for-contact script
    assert out.loc["13900000001", "script_en"] == rules.moved_to_wait.script_en
    assert pd.isna(out.loc["13900000001", "remedy"])
    # a remedy the hotline can deliver is kept for the next contact, with its own sentence
    billing = out.loc["13900000003"]
    assert billing["remedy"] == "billing" and billing["remedy_action"] == "bill_explanation_refund"
    assert billing["script_zh"] == "客户下次来电或到厅时：逐项解释有疑问的费用，错误收费予以退还。"
    assert out.loc["13900000002", "script_en"].startswith("When the customer next contacts us: open a")
    # the decision says what happens now, and why the rule's outreach did not
    for msisdn, row in out.iterrows():
        assert row["decision_zh"].endswith("渠道：热线（客户下次接触时）。"), msisdn
        assert "在免打扰名单中" in row["decision_zh"] and "do-not-disturb" in row["decision_en"]
        assert "渠道：短信" not in row["decision_zh"] and "渠道：外呼" not in row["decision_zh"]
        assert "by SMS" not in row["decision_en"] and "by outbound call" not in row["decision_en"]
    assert out.loc["13900000004", "decision_en"].startswith(
        "Rule R11_service_callback (poor service is the likely cause, and a senior agent can own it), "
        "moved by policy (on the do-not-disturb list): wait for contact (have a senior agent call back"
    )


def test_a_remedy_the_wait_channel_cannot_deliver_is_dropped_on_moving(tmp_path: Path) -> None:
    rules = load_rules()
    hall_only = replace(rules, moved_to_wait=replace(rules.moved_to_wait, channel="app"))
    customers = pd.DataFrame(
        {
            "msisdn": ["13900000003"],
            "kinds": ["model_predicted"],
            "probability": [0.7],
            "cause": ["billing"],
            "segment": ["mass"],
            "value": [50.0],
        }
    )
    decided = apply_rules(customers, rules)
    res = apply_policies(decided, load_policies(), as_of=AS_OF, dnd=customers["msisdn"], rules=hall_only)
    row = res.selected.iloc[0]
    assert row["channel"] == "app" and pd.isna(row["remedy"]) and pd.isna(row["remedy_action"])
    assert row["script_en"] == rules.moved_to_wait.script_en


def test_assignment_summary_counts_moved_customers_as_cared_for() -> None:
    decided = _outbound(3)
    dnd = pd.Series([decided["msisdn"].iloc[0]])
    result = assign_care(decided, as_of=AS_OF, dnd=dnd)
    s = result.summary
    assert s["selected"] == 3 and s["moved_to_wait_for_contact"] == 1
    assert s["moved_by_reason"] == {"dnd": 1}
    assert s["left_out"] == 0 and s["left_out_by_reason"] == {}
    dropped = assign_care(
        decided, as_of=AS_OF, dnd=dnd, policies=replace(load_policies(), on_excluded="drop")
    )
    assert dropped.summary["selected"] == 2 and dropped.summary["left_out"] == 1
    assert dropped.summary["left_out_by_reason"] == {"dnd": 1}
    assert dropped.summary["moved_to_wait_for_contact"] == 0


def test_legacy_quiet_hours_form_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text('quiet_hours: {channels: [outbound], start: "20:00", end: "10:00"}\n', encoding="utf-8")
    p = load_policies(path)
    assert p.allowed_hours("outbound") == "10:00-20:00" and p.allowed_hours("sms") == "全天 any time"
    bad = tmp_path / "q.yaml"
    bad.write_text('quiet_hours:\n  outbond: {start: "21:00", end: "09:00"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Did you mean 'outbound'"):
        load_policies(bad)
    mixed = tmp_path / "m.yaml"
    mixed.write_text(
        'quiet_hours: {channels: [sms], start: "20:00", end: "10:00", app: {end: "07:00"}}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"m\.yaml:1.*mixes the per-channel form"):
        load_policies(mixed)


def test_quiet_hours_per_channel_merge_over_the_shipped_ones(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        'quiet_hours:\n  sms: {end: "09:30"}\n  app: null\n  hotline: {start: "22:00", end: "08:00"}\n'
    )
    p = load_policies(path)
    assert p.allowed_hours("outbound") == "09:00-21:00"  # shipped, untouched
    assert p.allowed_hours("sms") == "09:30-21:00"  # start shipped, end from the file
    assert p.allowed_hours("app") == "全天 any time"  # removed
    assert p.is_quiet(pd.Timestamp("2026-11-01 23:00"), "hotline")

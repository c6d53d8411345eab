"""The simulated staff: who serves which contact, follow-up calls, and a story that keeps its draws."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cxradar.simulate import load_params, simulate


def test_contacts_are_served_by_the_right_staff(sim) -> None:  # type: ignore[no-untyped-def]
    contacts, staff = sim["contacts"], sim["staff"]
    hall = contacts["channel"] == "hall"
    assert contacts.loc[hall, ["hall_id", "agent_id"]].notna().all().all()
    assert contacts.loc[contacts["channel"] == "hotline", "hall_id"].isna().all()
    assert contacts.loc[contacts["channel"] == "hotline", "agent_id"].notna().all()
    self_service = ~contacts["channel"].isin(["hall", "hotline"])
    assert contacts.loc[self_service, ["hall_id", "agent_id"]].isna().all().all()
    roster = staff.set_index("agent_id")
    served = contacts.loc[hall].merge(roster.reset_index(), on="agent_id", suffixes=("", "_staff"))
    assert (served["hall_id"] == served["hall_id_staff"]).all()  # hall agents work in that hall
    roles = served.groupby("reason")["role"].agg(lambda r: r.mode().iloc[0])
    assert roles["network"] == "technical_lead" and roles["complaint"] == "front_desk_supervisor"
    assert roles["plan_change"] == "service_adviser"
    hotline_roles = contacts.loc[~hall & ~self_service].merge(staff[["agent_id", "role"]], on="agent_id")[
        "role"
    ]
    assert (hotline_roles == "customer_service_agent").all()


def test_followups_are_called_within_days_and_answered_as_documented(sim) -> None:  # type: ignore[no-untyped-def]
    calls = sim["followups"].merge(
        sim["contacts"][["id", "at", "agent_id"]], left_on="contact_id", right_on="id"
    )
    assert calls["agent_id"].notna().all()
    delay = (calls["called_at"] - calls["at"]).dt.total_seconds() / 86_400
    assert (delay > 0).all() and delay.max() <= 6.0
    assert 0.92 <= (delay <= 3).mean() <= 0.98  # 5 % called late
    assert 0.66 <= calls["answered"].mean() <= 0.74
    assert calls.loc[~calls["answered"], ["score_attitude", "verbatim"]].isna().all().all()
    staffed = sim["contacts"]["agent_id"].notna().sum()
    assert 0.46 <= len(calls) / staffed <= 0.54


def test_staff_have_their_own_random_streams(tmp_path: Path) -> None:
    """Switching the staff off leaves every draw of the subscribers' story where it was: the
    population and the first month's complaints and usage are identical (later months differ only
    through contacts resolved by better or worse staff)."""
    off = load_params().with_overrides({"staff": {"enabled": False}})
    simulate(2_000, 2, 4, tmp_path / "on")
    simulate(2_000, 2, 4, tmp_path / "off", params=off)
    state = ["status", "status_date", "churn_type", "churn_reason", "brand", "plan"]  # end-of-window state
    on, without = (
        pd.read_parquet(tmp_path / f / "subscribers.parquet").drop(columns=state) for f in ("on", "off")
    )
    pd.testing.assert_frame_equal(on, without)
    for table, column in (("usage_monthly", "month"), ("complaints", "opened_at")):
        on, without = (pd.read_parquet(tmp_path / f / f"{table}.parquet") for f in ("on", "off"))
        first_month = pd.Timestamp("2026-10-01")
        on, without = (
            x.loc[pd.to_datetime(x[column]) < first_month].reset_index(drop=True) for x in (on, without)
        )
        assert len(on) > 0
        pd.testing.assert_frame_equal(on, without)
    assert not (tmp_path / "off" / "staff.parquet").exists()
    assert pd.read_parquet(tmp_path / "off" / "contacts.parquet")["agent_id"].isna().all()

"""feat_complaints.sql, feat_contacts.sql and feat_surveys.sql against hand computations (M = 2026-06)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from .tables import run_model, write_tables

M = "2026-06"
A, B = "13800000001", "13800000002"


def _complaint(at: str, **values: object) -> dict[str, object]:
    return {"msisdn": A, "opened_at": at, **values}


def test_complaints_windows_types_severity_by_hand(tmp_path: Path) -> None:
    rows = [
        _complaint("2026-06-30 23:59:59", type="network", severity=1),  # 1m, 3m, 6m
        _complaint(
            "2026-06-02 09:00",
            type="billing",
            severity=2,
            resolved_at="2026-06-03 09:00",
            first_contact_resolved=False,
        ),  # 1m; FCR failure
        _complaint(
            "2026-05-15 09:00",
            type="network",
            severity=3,
            resolved_at="2026-07-02 09:00",
            first_contact_resolved=False,
        ),  # 3m; open at end of June
        _complaint(
            "2026-04-01 00:00",
            type="marketing",
            severity=1,
            resolved_at="2026-04-01 10:00",
            first_contact_resolved=True,
        ),  # 3m
        _complaint(
            "2026-03-31 23:59",
            type="service",
            severity=2,
            resolved_at="2026-04-02 00:00",
            first_contact_resolved=False,
        ),  # 6m only; FCR failure
        _complaint("2026-01-01 00:00", type="other", severity=1, resolved_at="2026-01-02 00:00"),  # 6m
        _complaint("2025-12-31 23:59", type="network", severity=3, resolved_at="2026-01-01 00:00"),  # too old
        _complaint("2026-07-01 00:00", type="network", severity=3),  # after M
    ]
    folder = write_tables(tmp_path, subscribers=[{"msisdn": A}, {"msisdn": B}], complaints=rows)
    got = run_model(folder, M, "feat_complaints").set_index("msisdn")
    a = got.loc[A]
    assert (a["complaints_1m"], a["complaints_3m"], a["complaints_6m"]) == (2, 4, 6)
    assert (a["complaints_network_1m"], a["complaints_network_3m"], a["complaints_network_6m"]) == (1, 2, 2)
    assert (a["complaints_billing_1m"], a["complaints_marketing_3m"], a["complaints_service_3m"]) == (1, 1, 0)
    assert (a["complaints_service_6m"], a["complaints_other_6m"], a["complaints_other_3m"]) == (1, 1, 0)
    assert (a["complaints_sev1_1m"], a["complaints_sev2_1m"], a["complaints_sev3_1m"]) == (1, 1, 0)
    assert (a["complaints_sev1_6m"], a["complaints_sev2_6m"], a["complaints_sev3_6m"]) == (3, 2, 1)
    # FCR failures closed by the end of June: billing (Jun) in 3m; + service (Mar) in 6m.
    # The May network complaint was still open at the end of June: open, not (yet) an FCR failure.
    assert (a["fcr_failures_3m"], a["fcr_failures_6m"]) == (1, 2)
    # open at the end of June: the 30 June one (never resolved) and the May one (resolved in July)
    assert a["complaints_open_at_end"] == 2
    assert (got.loc[B] == 0).all()  # no complaints -> zeros, not empty


def test_contacts_channels_ratings_recency_by_hand(tmp_path: Path) -> None:
    rows = [
        {"msisdn": A, "at": "2026-06-20 10:00", "channel": "hall", "rating": 2},
        {"msisdn": A, "at": "2026-06-05 10:00", "channel": "hotline", "rating": 5},
        {"msisdn": A, "at": "2026-04-01 08:00", "channel": "hotline", "rating": 1},
        {"msisdn": A, "at": "2026-05-01 08:00", "channel": "app", "rating": None},
        {"msisdn": A, "at": "2026-03-31 08:00", "channel": "wechat", "rating": 1},  # before the 3m window
        {"msisdn": A, "at": "2026-07-01 00:00", "channel": "hall", "rating": 1},  # after M
        {"msisdn": B, "at": "2026-02-27 12:00", "channel": "sms"},  # B: only an old contact
    ]
    folder = write_tables(
        tmp_path, subscribers=[{"msisdn": A}, {"msisdn": B}, {"msisdn": "13800000003"}], contacts=rows
    )
    got = run_model(folder, M, "feat_contacts").set_index("msisdn")
    a = got.loc[A]
    assert (a["contacts_1m"], a["contacts_3m"]) == (2, 4)
    assert (
        a["contacts_hall_3m"],
        a["contacts_hotline_3m"],
        a["contacts_app_3m"],
        a["contacts_wechat_3m"],
    ) == (1, 2, 1, 0)
    assert a["rating_count_3m"] == 3
    assert a["rating_mean_3m"] == pytest.approx((2 + 5 + 1) / 3)
    assert a["rating_min_3m"] == 1
    assert a["low_rating_count_3m"] == 2  # ratings <= 2 (contacts contract: low_at_or_below 2)
    assert a["days_since_last_contact"] == 11  # 20 June -> 1 July
    assert not a["no_contact_3m"]
    b = got.loc[B]
    assert b["contacts_3m"] == 0 and bool(b["no_contact_3m"])
    assert b["days_since_last_contact"] == 124  # 27 Feb -> 1 Jul: 2 (to 1 Mar) + 31 + 30 + 31 + 30
    assert pd.isna(b["rating_mean_3m"]) and pd.isna(b["rating_min_3m"])
    never = got.loc["13800000003"]
    assert pd.isna(never["days_since_last_contact"]) and bool(never["no_contact_3m"])


def test_surveys_answered_by_hand(tmp_path: Path) -> None:
    rows = [
        {"msisdn": A, "answered_at": "2026-06-10 10:00"},
        {"msisdn": A, "answered_at": "2026-04-10 10:00"},
        {"msisdn": B, "answered_at": "2026-03-10 10:00"},  # before the window
        {"msisdn": B, "answered_at": "2026-07-10 10:00"},  # after M
    ]
    folder = write_tables(tmp_path, subscribers=[{"msisdn": A}, {"msisdn": B}], surveys=rows)
    got = run_model(folder, M, "feat_surveys").set_index("msisdn")
    assert (got.loc[A, "surveys_answered_1m"], got.loc[A, "surveys_answered_3m"]) == (1, 2)
    assert not got.loc[A, "no_survey_3m"]
    assert got.loc[B, "surveys_answered_3m"] == 0 and bool(got.loc[B, "no_survey_3m"])

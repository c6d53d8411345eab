"""A contact's internal score: follow-up items (on time, answered) and the SMS rating, weighted."""

from __future__ import annotations

import pandas as pd
import pytest

from cxradar.staff.config import load_staff_config
from cxradar.staff.scores import contact_scores, rating_on_ten

ITEMS = ("attitude", "competence", "resolution", "wait", "explanation")


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    contacts = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3", "K4", "K5"],
            "msisdn": ["13800000001"] * 5,
            "at": pd.to_datetime(["2026-10-01 09:00"] * 5),
            "channel": ["hall", "hall", "hotline", "hotline", "app"],
            "rating": [5, None, 1, None, 4],
            "hall_id": ["H1", "H1", None, None, None],
            "agent_id": ["A1", "A1", "A2", "A2", None],
        }
    )
    followups = pd.DataFrame(
        {
            "id": ["F1", "F2", "F4"],
            "contact_id": ["K1", "K2", "K4"],
            "called_at": pd.to_datetime(["2026-10-02 10:00", "2026-10-03 10:00", "2026-10-09 10:00"]),
            "answered": [True, True, True],
            **{f"score_{i}": [10, 6, 9] for i in ITEMS},
            "verbatim": ["praise", "long_wait", "no_comment"],
            "action": ["none", "apology", "none"],
        }
    )
    followups.loc[1, "score_wait"] = None  # one item skipped
    staff = pd.DataFrame(
        {
            "agent_id": ["A1", "A2"],
            "hall_id": ["H1", None],
            "role": ["service_adviser", "customer_service_agent"],
        }
    )
    return contacts, followups, staff


def test_scores_combine_the_sources_by_their_weights() -> None:
    config = load_staff_config()  # followup 0.7, sms 0.3; item weights 0.2/0.2/0.25/0.15/0.2
    scores = contact_scores(*_frames(), config).set_index("contact_id")
    assert "K5" not in scores.index  # self-service: nobody served it
    # K1: follow-up 10, SMS 5 -> 10: 0.7*10 + 0.3*10
    assert scores.loc["K1", "score"] == pytest.approx(10.0)
    # K2: items 6 except wait (skipped): weighted mean of the answered = 6; no SMS -> 6
    assert scores.loc["K2", "followup_score"] == pytest.approx(6.0)
    assert scores.loc["K2", "score"] == pytest.approx(6.0)
    # K3: SMS 1 only -> 1 on the 1-10 scale
    assert scores.loc["K3", "score"] == pytest.approx(1.0)
    # K4: the call came 8 days later (followup_days 3): late, left out; no SMS -> no score
    assert pd.isna(scores.loc["K4", "score"])
    assert scores.loc["K3", "role"] == "customer_service_agent" and pd.isna(scores.loc["K3", "hall_id"])
    assert scores.loc["K1", "month"] == "2026-10"


def test_a_mixed_contact_is_the_weighted_average() -> None:
    contacts, followups, staff = _frames()
    contacts.loc[1, "rating"] = 3  # K2 now also has an SMS rating 3 -> 5.5
    scores = contact_scores(contacts, followups, staff, load_staff_config()).set_index("contact_id")
    assert scores.loc["K2", "score"] == pytest.approx(0.7 * 6.0 + 0.3 * 5.5)


def test_rating_scale_mapping() -> None:
    assert rating_on_ten(pd.Series([1, 2, 3, 4, 5])).tolist() == pytest.approx([1.0, 3.25, 5.5, 7.75, 10.0])

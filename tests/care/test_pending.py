"""Wait-for-contact: pending care by msisdn, expiry, delivery, and copying delivery to care_actions."""

from __future__ import annotations

import pandas as pd
import pytest

from cxradar.care.pending import (
    deliver_from_contacts,
    expire_pending,
    lookup_pending,
    make_pending,
    record_delivery,
    sync_care_actions,
)
from cxradar.errors import DataError

ASSIGNED = pd.Timestamp("2026-11-01 09:00")


@pytest.fixture
def actions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["c-1", "c-2", "c-3", "c-4"],
            "msisdn": ["13800000001", "13800000002", "13800000003", "13800000004"],
            "campaign": "c",
            "strategy": ["wait_for_contact", "wait_for_contact", "proactive_outreach", "wait_for_contact"],
            "channel": ["hotline", "hotline", "sms", "hotline"],
            "assigned_at": ASSIGNED,
            "group": ["treatment", "treatment", "treatment", "control"],
            "delivered_at": pd.NaT,
            "outcome": pd.NA,
            "script_zh": "询问感受",
            "script_en": "ask",
        }
    )


def test_only_treated_wait_for_contact_customers_are_pending(actions: pd.DataFrame) -> None:
    pending = make_pending(actions, expiry_days=30)
    assert pending["care_id"].tolist() == ["c-1", "c-2"]  # c-3 is proactive, c-4 is control
    assert (pending["expires_at"] == ASSIGNED + pd.Timedelta(days=30)).all()
    assert (pending["status"] == "pending").all()


def test_lookup_respects_creation_and_expiry(actions: pd.DataFrame) -> None:
    pending = make_pending(actions, expiry_days=30)
    assert len(lookup_pending(pending, "13800000001", pd.Timestamp("2026-11-05"))) == 1
    assert lookup_pending(pending, "13800000001", pd.Timestamp("2026-10-31")).empty
    assert lookup_pending(pending, "13800000001", pd.Timestamp("2026-12-01 09:00")).empty  # expired
    assert lookup_pending(pending, "13800000004").empty  # control: nothing to do


def test_record_delivery_once(actions: pd.DataFrame) -> None:
    pending = make_pending(actions, expiry_days=30)
    at = pd.Timestamp("2026-11-05 10:30")
    after, changed = record_delivery(pending, "13800000002", "hall", at)
    assert changed["care_id"].tolist() == ["c-2"]
    row = after.set_index("care_id").loc["c-2"]
    assert row["status"] == "delivered" and row["delivered_channel"] == "hall" and row["delivered_at"] == at
    again, changed_again = record_delivery(after, "13800000002", "hall", at + pd.Timedelta(hours=1))
    assert changed_again.empty
    assert again.equals(after)
    with pytest.raises(DataError, match="Did you mean 'hall'"):
        record_delivery(pending, "13800000002", "hal", at)


def test_batch_delivery_takes_the_first_inbound_contact_in_the_window(actions: pd.DataFrame) -> None:
    pending = make_pending(actions, expiry_days=30)
    contacts = pd.DataFrame(
        {
            "msisdn": ["13800000001", "13800000001", "13800000001", "13800000002"],
            "at": pd.to_datetime(
                ["2026-10-30 10:00", "2026-11-09 12:00", "2026-11-03 08:00", "2026-12-05 10:00"]
            ),
            "channel": ["hall", "hotline", "outbound", "hall"],
        }
    )
    after = deliver_from_contacts(pending, contacts).set_index("care_id")
    # before creation: ignored; outbound is not the customer contacting us; c-2's contact is after expiry
    assert after.loc["c-1", "delivered_at"] == pd.Timestamp("2026-11-09 12:00")
    assert after.loc["c-1", "delivered_channel"] == "hotline"
    assert after.loc["c-2", "status"] == "pending"
    expired = expire_pending(after.reset_index(), pd.Timestamp("2026-12-02")).set_index("care_id")
    assert expired.loc["c-2", "status"] == "expired" and expired.loc["c-1", "status"] == "delivered"
    synced = sync_care_actions(actions, expired.reset_index()).set_index("id")
    assert synced.loc["c-1", "outcome"] == "delivered"
    assert synced.loc["c-1", "delivered_at"] == pd.Timestamp("2026-11-09 12:00")
    assert synced.loc["c-2", "outcome"] == "expired" and pd.isna(synced.loc["c-2", "delivered_at"])
    assert pd.isna(synced.loc["c-3", "outcome"])

"""Wait-for-contact (守株待兔): the pending-care table a channel queries by msisdn.

A treatment-group customer whose strategy is ``wait_for_contact`` gets a pending-care row with
an expiry. When the customer next contacts any channel, the channel looks them up
(:func:`lookup_pending`), delivers the care and records it (:func:`record_delivery`); a batch of
contacts can be applied at once (:func:`deliver_from_contacts`). Expired rows are marked by
:func:`expire_pending`; :func:`sync_care_actions` copies delivery back into ``care_actions``.
"""

from __future__ import annotations

import pandas as pd

from cxradar.errors import DataError, MissingColumnError, did_you_mean
from cxradar.frames import is_in

__all__ = [
    "PENDING_COLUMNS",
    "deliver_from_contacts",
    "expire_pending",
    "lookup_pending",
    "make_pending",
    "record_delivery",
    "sync_care_actions",
]

PENDING_COLUMNS = [
    "care_id", "msisdn", "campaign", "remedy", "remedy_action", "script_en", "script_zh",
    "decision_en", "decision_zh", "created_at", "expires_at", "status", "delivered_at",
    "delivered_channel", "outcome",
]  # fmt: skip
INBOUND_CHANNELS = ("hall", "hotline", "app", "web", "wechat")
OUTCOMES = ("delivered", "refused")


def make_pending(actions: pd.DataFrame, expiry_days: int) -> pd.DataFrame:
    """Pending-care rows for the treatment group's wait_for_contact actions (control gets none)."""
    for col in ("id", "msisdn", "campaign", "strategy", "assigned_at", "group"):
        if col not in actions.columns:
            raise MissingColumnError(
                f"care actions lack column '{col}'",
                fix="pass the care_actions written by 'cxradar campaign design'",
            )
    keep = actions["strategy"].eq("wait_for_contact") & actions["group"].eq("treatment")
    rows = actions.loc[keep]
    created = pd.to_datetime(rows["assigned_at"]).astype("datetime64[us]")
    out = pd.DataFrame(
        {
            "care_id": rows["id"].astype("string"),
            "msisdn": rows["msisdn"].astype("string"),
            "campaign": rows["campaign"].astype("string"),
        }
    )
    for col in ("remedy", "remedy_action", "script_en", "script_zh", "decision_en", "decision_zh"):
        out[col] = (
            rows[col].astype("string")
            if col in rows.columns
            else pd.Series(pd.NA, index=rows.index, dtype="string")
        )
    out["created_at"] = created
    out["expires_at"] = (created + pd.Timedelta(days=expiry_days)).astype("datetime64[us]")
    out["status"] = "pending"
    out["delivered_at"] = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us]")
    out["delivered_channel"] = pd.Series(pd.NA, index=rows.index, dtype="string")
    out["outcome"] = pd.Series(pd.NA, index=rows.index, dtype="string")
    return out[PENDING_COLUMNS].reset_index(drop=True)


def lookup_pending(pending: pd.DataFrame, msisdn: str, at: pd.Timestamp | None = None) -> pd.DataFrame:
    """The open pending care for one customer at time ``at`` (default: any time): what to do now."""
    rows = pending.loc[pending["msisdn"].astype("string") == str(msisdn)]
    rows = rows.loc[rows["status"] == "pending"]
    if at is not None:
        at = pd.Timestamp(at)
        rows = rows.loc[(rows["created_at"] <= at) & (rows["expires_at"] > at)]
    return rows.reset_index(drop=True)


def record_delivery(
    pending: pd.DataFrame, msisdn: str, channel: str, at: pd.Timestamp, outcome: str = "delivered"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Record that a channel delivered (or the customer refused) the pending care.

    Returns the updated table and the rows that changed (empty when nothing was pending).
    """
    if outcome not in OUTCOMES:
        raise DataError(
            f"outcome '{outcome}' is not allowed.{did_you_mean(outcome, OUTCOMES)}",
            fix="use delivered or refused",
        )
    if channel not in INBOUND_CHANNELS:
        raise DataError(
            f"channel '{channel}' cannot deliver pending care.{did_you_mean(channel, INBOUND_CHANNELS)}",
            fix=f"use one of: {', '.join(INBOUND_CHANNELS)}",
        )
    at = pd.Timestamp(at)
    open_rows = lookup_pending(pending, msisdn, at)
    out = pending.copy()
    hit = is_in(out["care_id"], open_rows["care_id"])
    out.loc[hit, "status"] = outcome
    out.loc[hit, "delivered_at"] = at
    out.loc[hit, "delivered_channel"] = channel
    out.loc[hit, "outcome"] = outcome
    return out, out.loc[hit].reset_index(drop=True)


def deliver_from_contacts(pending: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Apply a batch of contacts: each pending customer's first inbound contact in [created, expiry)."""
    c = contacts.loc[contacts["channel"].isin(INBOUND_CHANNELS), ["msisdn", "at", "channel"]].copy()
    c["msisdn"] = c["msisdn"].astype("string")
    c["at"] = pd.to_datetime(c["at"]).astype("datetime64[us]")
    open_rows = pending.loc[pending["status"] == "pending", ["care_id", "msisdn", "created_at", "expires_at"]]
    m = open_rows.merge(c, on="msisdn", how="inner")
    m = m.loc[(m["at"] >= m["created_at"]) & (m["at"] < m["expires_at"])]
    first = m.sort_values(["care_id", "at"]).drop_duplicates("care_id")
    out = pending.copy()
    idx = out.set_index("care_id").index
    pos = idx.get_indexer(pd.Index(first["care_id"]))
    out.loc[out.index[pos], "status"] = "delivered"
    out.loc[out.index[pos], "outcome"] = "delivered"
    out.loc[out.index[pos], "delivered_at"] = first["at"].to_numpy()
    out.loc[out.index[pos], "delivered_channel"] = first["channel"].astype("string").to_numpy()
    return out


def expire_pending(pending: pd.DataFrame, now: pd.Timestamp) -> pd.DataFrame:
    """Mark pending rows whose expiry has passed as expired."""
    out = pending.copy()
    gone = out["status"].eq("pending") & (out["expires_at"] <= pd.Timestamp(now))
    out.loc[gone, "status"] = "expired"
    out.loc[gone, "outcome"] = "expired"
    return out


def sync_care_actions(care_actions: pd.DataFrame, pending: pd.DataFrame) -> pd.DataFrame:
    """Copy delivery time and outcome from the pending table into care_actions (matched by id)."""
    out = care_actions.copy()
    done = pending.loc[pending["status"] != "pending"].set_index("care_id")
    hit = is_in(out["id"], done.index)
    ids = out.loc[hit, "id"]
    out.loc[hit, "delivered_at"] = done.loc[ids, "delivered_at"].to_numpy()
    out.loc[hit, "outcome"] = done.loc[ids, "outcome"].to_numpy()
    return out

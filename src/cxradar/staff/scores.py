"""Internal satisfaction of each staffed contact: its follow-up call and its SMS rating, combined.

Seed 002: the service department follows up each service episode by phone within 3 days (or by
the post-contact SMS rating) and combines the answers by a weighted average. Here a contact served
by an agent or in a hall gets

* ``followup_score`` - the weighted mean of the items answered on its follow-up call (1-10),
  when the call was answered within ``followup_days`` of the contact (a later call is *late*:
  counted in the follow-up report, left out of the scores);
* ``rating_score`` - its SMS rating (1-5) mapped linearly onto 1-10;
* ``score`` - the weighted average of the two it has (weights ``sources`` in conf/staff.yaml).

Pure: tables in, one table out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.staff.config import StaffConfig

__all__ = ["contact_scores", "followup_status", "rating_on_ten"]


def rating_on_ten(rating: pd.Series, low: int = 1, high: int = 5) -> pd.Series:
    """A ``low``-``high`` rating mapped linearly onto 1-10 (1 -> 1, 5 -> 10)."""
    return 1.0 + (pd.to_numeric(rating, errors="coerce") - low) * 9.0 / (high - low)


def followup_status(followups: pd.DataFrame, contacts: pd.DataFrame, days: float) -> pd.DataFrame:
    """Each follow-up call with its contact's time and whether it was on time (``on_time``) -
    made no earlier than the contact and within ``days`` of it."""
    calls = followups.merge(
        contacts[["id", "at"]].rename(columns={"id": "contact_id", "at": "contact_at"}),
        on="contact_id",
        how="inner",
    )
    delay = (pd.to_datetime(calls["called_at"]) - pd.to_datetime(calls["contact_at"])).dt.total_seconds()
    calls["delay_days"] = delay / 86_400.0
    calls["on_time"] = (calls["delay_days"] >= 0) & (calls["delay_days"] <= days)
    return calls


def _weighted_items(frame: pd.DataFrame, config: StaffConfig) -> pd.Series:
    columns = [i.column for i in config.items]
    values = frame[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    weights = np.array([i.weight for i in config.items])
    given = ~np.isnan(values)
    total = (given * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(total > 0, np.nansum(values * weights, axis=1) / total, np.nan)
    return pd.Series(mean, index=frame.index)


def contact_scores(
    contacts: pd.DataFrame, followups: pd.DataFrame, staff: pd.DataFrame, config: StaffConfig
) -> pd.DataFrame:
    """One row per staffed contact (an agent or a hall): who served it, its scores and month.

    Columns: contact_id, msisdn, at, month (YYYY-MM), channel, hall_id, agent_id, role,
    followup_score, rating_score, score (NaN when the contact has neither), one ``score_<item>``
    per follow-up item (from an on-time answered call).
    """
    has_agent = contacts["agent_id"].notna() if "agent_id" in contacts else pd.Series(False, contacts.index)
    has_hall = contacts["hall_id"].notna() if "hall_id" in contacts else pd.Series(False, contacts.index)
    served = contacts.loc[has_agent | has_hall].copy()
    roster = staff[["agent_id", "hall_id", "role"]].rename(columns={"hall_id": "staff_hall"})
    served = served.merge(roster, on="agent_id", how="left")
    served["hall_id"] = served["hall_id"].where(served["hall_id"].notna(), served["staff_hall"])
    served = served.rename(columns={"id": "contact_id"})
    item_columns = [i.column for i in config.items]
    calls = followup_status(followups, contacts, config.followup_days)
    good = calls.loc[calls["on_time"] & calls["answered"].fillna(False).astype(bool)].copy()
    good = good.sort_values("called_at").drop_duplicates("contact_id", keep="first")
    good["followup_score"] = _weighted_items(good, config)
    served = served.merge(good[["contact_id", "followup_score", *item_columns]], on="contact_id", how="left")
    served["rating_score"] = rating_on_ten(served["rating"])
    f, r = served["followup_score"], served["rating_score"]
    wf, wr = config.followup_weight, config.rating_weight
    weight = f.notna() * wf + r.notna() * wr
    with np.errstate(invalid="ignore", divide="ignore"):
        combined = (f.fillna(0) * wf + r.fillna(0) * wr) / weight.where(weight > 0)
    served["score"] = combined
    served["at"] = pd.to_datetime(served["at"])
    served["month"] = served["at"].dt.strftime("%Y-%m")
    columns = [
        "contact_id",
        "msisdn",
        "at",
        "month",
        "channel",
        "hall_id",
        "agent_id",
        "role",
        "followup_score",
        "rating_score",
        "score",
        *item_columns,
    ]
    for column in item_columns:
        served[column] = pd.to_numeric(served[column], errors="coerce").astype(float)
    return served[columns].reset_index(drop=True)

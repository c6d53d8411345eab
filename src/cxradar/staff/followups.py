"""The follow-up report (回访报告, seed 002): who was called, who answered, what they said, what was done.

From the follow-up calls joined to their contacts (:func:`cxradar.staff.scores.followup_status`)
and the staffed contacts: per month, contacts served, calls made, on time (within
``followup_days``) or late, answered, complaints voiced and calls that led to an action; the
month's answers by what was said and what was done; and the list of the month's calls that
voiced a complaint, with the customer's number masked and the agent keyed-hashed (the list
leaves the system).
"""

from __future__ import annotations

import pandas as pd

from cxradar.msisdn import mask_msisdn
from cxradar.staff.labels import ACTION, NEGATIVE_VERBATIM, VERBATIM, label

__all__ = ["followup_answers", "followup_list", "followup_summary"]


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m")


def followup_summary(calls: pd.DataFrame, scores: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """One row per month of ``months``: served, called, on time, late, answered, complaints, actions."""
    calls = calls.assign(month=_month(calls["contact_at"]))
    answered = calls["answered"].fillna(False).astype(bool)
    rows = []
    for month in months:
        mine = calls["month"] == month
        ok = mine & calls["on_time"] & answered
        negative = ok & calls["verbatim"].isin(NEGATIVE_VERBATIM)
        served = int((scores["month"] == month).sum())
        called = int(mine.sum())
        rows.append(
            {
                "month": month,
                "served": served,
                "called": called,
                "call_share": called / served if served else float("nan"),
                "on_time": int((mine & calls["on_time"]).sum()),
                "late": int((mine & ~calls["on_time"]).sum()),
                "answered": int((mine & answered).sum()),
                "answer_rate": float(answered[mine].mean()) if called else float("nan"),
                "complaints": int(negative.sum()),
                "acted": int((negative & calls["action"].notna() & (calls["action"] != "none")).sum()),
            }
        )
    return pd.DataFrame(rows)


def followup_answers(calls: pd.DataFrame, month: str) -> pd.DataFrame:
    """The month's answered calls by what the customer said and what was done (counts, labels)."""
    mine = calls.loc[(_month(calls["contact_at"]) == month) & calls["answered"].fillna(False).astype(bool)]
    counts = mine.groupby(["verbatim", "action"], dropna=False).size().rename("calls").reset_index()
    counts["verbatim_zh"] = [label(VERBATIM, v)[0] for v in counts["verbatim"]]
    counts["verbatim_en"] = [label(VERBATIM, v)[1] for v in counts["verbatim"]]
    counts["action_zh"] = [label(ACTION, a)[0] for a in counts["action"]]
    counts["action_en"] = [label(ACTION, a)[1] for a in counts["action"]]
    counts["complaint"] = counts["verbatim"].isin(NEGATIVE_VERBATIM)
    return counts.sort_values(["complaint", "calls"], ascending=[False, False]).reset_index(drop=True)


def followup_list(
    calls: pd.DataFrame, scores: pd.DataFrame, month: str, agent_key: pd.Series
) -> pd.DataFrame:
    """The month's on-time answered calls that voiced a complaint: masked msisdn, hall, hashed agent,
    role, the item scores, what was said and what was done (oldest first).

    ``agent_key`` maps agent_id -> its keyed hash (:func:`cxradar.staff.report.agent_keys`)."""
    items = [c for c in calls.columns if c.startswith("score_")]
    mine = calls.loc[
        (_month(calls["contact_at"]) == month)
        & calls["on_time"]
        & calls["answered"].fillna(False).astype(bool)
        & calls["verbatim"].isin(NEGATIVE_VERBATIM)
    ]
    who = scores[["contact_id", "msisdn", "hall_id", "agent_id", "role"]]
    rows = mine.merge(who, on="contact_id", how="inner").sort_values("called_at")
    out = pd.DataFrame(
        {
            "called_at": rows["called_at"].astype(str),
            "contact_at": rows["contact_at"].astype(str),
            "msisdn_masked": mask_msisdn(rows["msisdn"]),
            "hall_id": rows["hall_id"],
            "agent_key": rows["agent_id"].map(agent_key),
            "role": rows["role"],
            **{c: rows[c] for c in items},
            "verbatim": rows["verbatim"],
            "verbatim_zh": [label(VERBATIM, v)[0] for v in rows["verbatim"]],
            "action": rows["action"],
            "action_zh": [label(ACTION, a)[0] for a in rows["action"]],
        }
    )
    return out.reset_index(drop=True)

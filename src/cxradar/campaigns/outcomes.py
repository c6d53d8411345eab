"""Where a campaign's outcomes come from: the operator's tables, or the simulator's truth.

:func:`outcomes_from_tables` reads what a real operator records: the first survey answer
(``overall``, 1-10) after care within a window as the post-care measure, the last answer in the
half-year before care as the before-measure (for difference-in-differences), and churn from
``subscribers`` (status churned with status_date inside the window).
:func:`simulated_outcomes` asks the simulator's :func:`cxradar.simulate.care.respond_to_care`
for the post-care answer and churn (its post-care survey is always answered) and adds the same
before-measure from the surveys table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cxradar.frames import is_in

__all__ = ["before_measure", "outcomes_from_tables", "simulated_outcomes"]


def before_measure(plan: pd.DataFrame, surveys: pd.DataFrame | None, days: int = 183) -> pd.Series:
    """Last survey ``overall`` in the ``days`` before each customer's care (by msisdn)."""
    if surveys is None or surveys.empty:
        return pd.Series(dtype=float)
    assigned = plan.drop_duplicates("msisdn").set_index(plan["msisdn"].drop_duplicates().astype(str))[
        "assigned_at"
    ]
    s = surveys[["msisdn", "answered_at", "overall"]].copy()
    s["msisdn"] = s["msisdn"].astype(str)
    s = s.loc[is_in(s["msisdn"], assigned.index)]
    s["at"] = s["msisdn"].map(pd.to_datetime(assigned))
    s["answered_at"] = pd.to_datetime(s["answered_at"])
    s = s.loc[(s["answered_at"] < s["at"]) & (s["answered_at"] >= s["at"] - pd.Timedelta(days=days))]
    return s.sort_values("answered_at").groupby("msisdn")["overall"].last().astype(float)


def outcomes_from_tables(
    plan: pd.DataFrame, surveys: pd.DataFrame | None, subscribers: pd.DataFrame | None, window_days: int = 62
) -> pd.DataFrame:
    """msisdn, post, pre, churned from the operator's own surveys and subscriber status."""
    out = pd.DataFrame({"msisdn": plan["msisdn"].astype(str).drop_duplicates().to_numpy()})
    assigned = pd.to_datetime(plan.drop_duplicates("msisdn")["assigned_at"]).to_numpy()
    at = pd.Series(assigned, index=out["msisdn"])
    post = pd.Series(dtype=float)
    if surveys is not None and not surveys.empty:
        s = surveys[["msisdn", "answered_at", "overall"]].copy()
        s["msisdn"] = s["msisdn"].astype(str)
        s = s.loc[is_in(s["msisdn"], at.index)]
        s["at"] = s["msisdn"].map(at)
        s["answered_at"] = pd.to_datetime(s["answered_at"])
        s = s.loc[
            (s["answered_at"] >= s["at"]) & (s["answered_at"] < s["at"] + pd.Timedelta(days=window_days))
        ]
        post = s.sort_values("answered_at").groupby("msisdn")["overall"].first().astype(float)
    out["post"] = out["msisdn"].map(post)
    out["pre"] = out["msisdn"].map(before_measure(plan, surveys))
    out["churned"] = pd.array([pd.NA] * len(out), dtype="boolean")
    if subscribers is not None and not subscribers.empty:
        sub = subscribers.drop_duplicates("msisdn").copy()
        sub["msisdn"] = sub["msisdn"].astype(str)
        sub = sub.set_index("msisdn")
        status = out["msisdn"].map(sub["status"])
        when = pd.to_datetime(out["msisdn"].map(sub["status_date"]))
        start = out["msisdn"].map(at)
        churned = (
            status.eq("churned")
            & (when >= start.dt.normalize())
            & (when < start + pd.Timedelta(days=window_days))
        )
        out["churned"] = churned.where(status.notna()).astype("boolean")
    return out


def simulated_outcomes(
    data_dir: Path, actions: pd.DataFrame, month: str, seed: int, surveys: pd.DataFrame | None
) -> pd.DataFrame:
    """Post-care answers and churn from the simulator (its ground truth), plus the before-measure."""
    from cxradar.simulate.care import respond_to_care

    given = actions[["msisdn", "group", "strategy", "remedy"]].copy()
    given["remedy"] = given["remedy"].astype(object).where(given["remedy"].notna(), "")
    response = respond_to_care(Path(data_dir), given, month, seed)
    out = pd.DataFrame(
        {
            "msisdn": response["msisdn"].astype(str).to_numpy(),
            "post": response["survey_answer"].astype(float).to_numpy(),
            "churned": response["churned_next_month"].astype(bool).to_numpy(),
            "true_effect": response["true_effect"].astype(float).to_numpy(),
        }
    )
    out["pre"] = out["msisdn"].map(before_measure(actions, surveys))
    return out

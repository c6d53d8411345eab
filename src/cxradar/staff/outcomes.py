"""Which halls' and agents' customers later show up in the explicit pool or churn.

For every customer served in the window, their first staffed contact there counts; afterwards
they may *enter the explicit pool* (an ``enter`` event of the run's ``pool_history.parquet``
after the contact), *churn* (``subscribers.status`` churned with ``status_date`` after the
contact) or be *on the churn list* of the run (``churn/churners.parquet``). Per hall (or agent):
customers served, each share with a Wilson interval, and its ratio to the share over all halls -
a ratio well above 1 with an interval clear of the overall share marks a touchpoint whose
customers go on to be unhappy or to leave. Pure: tables in, a table out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.survey.stats import wilson_interval

__all__ = ["OUTCOMES", "later_outcomes"]

OUTCOMES = ("pool", "churned", "churn_list")


def _first_contacts(scores: pd.DataFrame, key: str) -> pd.DataFrame:
    served = scores.loc[scores[key].notna(), [key, "msisdn", "at"]]
    return served.sort_values("at").drop_duplicates([key, "msisdn"], keep="first")


def later_outcomes(
    scores: pd.DataFrame,
    key: str,
    *,
    pool_history: pd.DataFrame | None,
    subscribers: pd.DataFrame | None,
    churn_list: pd.DataFrame | None,
    level: float = 0.90,
) -> pd.DataFrame:
    """Per ``key`` (hall_id or agent_id): customers served and the shares of each later outcome.

    An outcome whose table is absent (``None``) is left out of the columns."""
    first = _first_contacts(scores, key)
    flags = pd.DataFrame(index=first.index)
    if pool_history is not None:
        enters = pool_history.loc[pool_history["event"] == "enter", ["msisdn", "at"]].rename(
            columns={"at": "entered"}
        )
        joined = first[["msisdn", "at"]].reset_index().merge(enters, on="msisdn", how="left")
        later = joined.loc[pd.to_datetime(joined["entered"]) > pd.to_datetime(joined["at"])]
        flags["pool"] = first.index.isin(later["index"])
    if subscribers is not None:
        gone = subscribers.loc[subscribers["status"] == "churned", ["msisdn", "status_date"]]
        joined = first[["msisdn", "at"]].reset_index().merge(gone, on="msisdn", how="inner")
        later = joined.loc[
            pd.to_datetime(joined["status_date"]) >= pd.to_datetime(joined["at"]).dt.normalize()
        ]
        flags["churned"] = first.index.isin(later["index"])
    if churn_list is not None:
        flags["churn_list"] = first["msisdn"].astype(str).isin(set(churn_list["msisdn"].astype(str)))
    flags[key] = first[key]
    grouped = flags.groupby(key, sort=True)
    out = pd.DataFrame({"customers": grouped.size()})
    alpha = 1.0 - level
    for outcome in OUTCOMES:
        if outcome not in flags:
            continue
        count = grouped[outcome].sum()
        overall = float(flags[outcome].mean()) if len(flags) else float("nan")
        share = count / out["customers"]
        bounds = [
            wilson_interval(float(s), float(n), alpha) for s, n in zip(share, out["customers"], strict=True)
        ]
        out[f"{outcome}_count"] = count.astype(int)
        out[f"{outcome}_share"] = share
        out[f"{outcome}_lo"] = [b[0] for b in bounds]
        out[f"{outcome}_hi"] = [b[1] for b in bounds]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"{outcome}_ratio"] = share / overall if overall > 0 else np.nan
        out[f"{outcome}_above_all"] = out[f"{outcome}_lo"] > overall
    return out.reset_index()

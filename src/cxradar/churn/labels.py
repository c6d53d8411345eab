"""Churn labels: what happens to a line in the prediction window after the as-of month.

Each definition of ``conf/churn.yaml`` gives a 0/1 label for the lines of the as-of month M, from
what an operator sees in its tables (never the simulator's truth):

    status           subscribers.status = churned with churn_type / churn_reason in the lists and
                     status_date in M+1 .. M+horizon (port-out / leaving for a competitor)
    brand_downgrade  usage_monthly.brand in ``from_brands`` in M and in ``to_brands`` in some month
                     of the window
    arpu_drop        mean spend over the window below (1 - drop_share) x the mean of the
                     ``baseline_months`` up to M (months without a usage row count as 0 spend)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.churn.config import Definition
from cxradar.errors import DataError
from cxradar.frames import is_in, rows_for
from cxradar.months import month_bounds, month_shift

__all__ = [
    "SUBSCRIBER_COLUMNS",
    "label_churn",
    "label_usage",
    "last_observed_month",
    "passive_churn_in_window",
    "window_bounds",
]

# what the labels (and passive_churn_in_window) read of subscribers
SUBSCRIBER_COLUMNS = ("msisdn", "status", "status_date", "churn_type", "churn_reason")


def window_bounds(month: str, horizon: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[first day of M+1, first day of M+horizon+1)``."""
    return month_bounds(month)[1], month_bounds(month_shift(month, horizon))[1]


def last_observed_month(usage: pd.DataFrame) -> str:
    """The latest month with usage rows (labels need the whole window up to it)."""
    if usage.empty:
        raise DataError("usage_monthly is empty: no month is observed", fix="load the usage_monthly table")
    return pd.Timestamp(pd.to_datetime(usage["month"]).max()).strftime("%Y-%m")


def label_usage(definition: Definition, month: str, horizon: int) -> tuple[str, str, tuple[str, ...]] | None:
    """What :func:`label_churn` reads of usage_monthly for as-of ``month``: the first and last month
    and the columns besides msisdn and month - None for a status definition, which reads none."""
    if definition.kind == "brand_downgrade":
        return month, month_shift(month, horizon), ("brand",)
    if definition.kind == "arpu_drop":
        base_n = int(definition.params.get("baseline_months", 3))
        return month_shift(month, -(base_n - 1)), month_shift(month, horizon), ("spend",)
    return None


def _status_label(
    ids: pd.Series, month: str, d: Definition, subscribers: pd.DataFrame, horizon: int
) -> np.ndarray:
    start, end = window_bounds(month, horizon)
    subs = rows_for(ids, subscribers, ("status", "status_date", "churn_type", "churn_reason"))
    when = pd.to_datetime(subs["status_date"])
    hit = (subs["status"].astype("string") == "churned") & (when >= start) & (when < end)
    types = [str(t) for t in d.params.get("churn_types") or []]
    reasons = [str(r) for r in d.params.get("reasons") or []]
    if types:
        hit &= subs["churn_type"].astype("string").isin(types)
    if reasons and "churn_reason" in subs:
        hit &= subs["churn_reason"].astype("string").isin(reasons)
    return hit.fillna(False).to_numpy(dtype=bool)


def _usage_window(usage: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    months = pd.to_datetime(usage["month"])
    start, _ = month_bounds(first)
    _, end = month_bounds(last)
    return usage.loc[(months >= start) & (months < end)].assign(_m=months.dt.strftime("%Y-%m"))


def _downgrade_label(
    ids: pd.Series, month: str, d: Definition, usage: pd.DataFrame, horizon: int
) -> np.ndarray:
    if "brand" not in usage.columns:
        raise DataError(
            "usage_monthly has no 'brand' column, so brand downgrades cannot be labelled",
            fix="add usage_monthly.brand, or choose another --definition",
        )
    frm = {str(b) for b in d.params.get("from_brands", [])}
    to = {str(b) for b in d.params.get("to_brands", [])}
    rows = _usage_window(usage, month, month_shift(month, horizon))
    brand = rows["brand"].astype("string")
    now = set(rows.loc[(rows["_m"] == month) & brand.isin(frm), "msisdn"].astype(str))
    later = set(rows.loc[(rows["_m"] != month) & brand.isin(to), "msisdn"].astype(str))
    key = ids.astype(str)
    return is_in(key, now) & is_in(key, later)


def _arpu_label(ids: pd.Series, month: str, d: Definition, usage: pd.DataFrame, horizon: int) -> np.ndarray:
    base_n = int(d.params.get("baseline_months", 3))
    rows = _usage_window(usage, month_shift(month, -(base_n - 1)), month_shift(month, horizon))
    spend = pd.to_numeric(rows["spend"], errors="coerce").fillna(0.0)
    after = rows["_m"] > month
    per = pd.DataFrame({"msisdn": rows["msisdn"].astype(str), "after": after, "spend": spend})
    base = per.loc[~per["after"]].groupby("msisdn")["spend"].sum() / base_n
    future = per.loc[per["after"]].groupby("msisdn")["spend"].sum() / horizon
    key = ids.astype(str)
    b = key.map(base).fillna(0.0).to_numpy()
    f = key.map(future)
    present = f.notna().to_numpy()
    f_val = f.fillna(0.0).to_numpy()
    drop = float(d.params.get("drop_share", 0.5))
    hit = (b >= float(d.params.get("min_baseline", 0.0))) & (f_val < (1 - drop) * b)
    if not d.params.get("count_leavers", False):
        hit &= present
    return np.asarray(hit, dtype=bool)


def label_churn(
    ids: pd.Series,
    month: str,
    definition: Definition,
    *,
    subscribers: pd.DataFrame,
    usage: pd.DataFrame,
    horizon: int,
    last: str | None = None,
) -> np.ndarray:
    """0/1 churn label (bool array, aligned with ``ids``) of the lines active in ``month``.

    ``last`` is the last observed month (default: the latest month of ``usage``; pass it when
    ``usage`` holds only some subscribers' rows). Raises :class:`DataError` when the window
    reaches past it."""
    last = last or last_observed_month(usage)
    if month_shift(month, horizon) > last:
        raise DataError(
            f"as-of month {month} with a {horizon}-month window needs data up to {month_shift(month, horizon)}, "
            f"but usage_monthly ends in {last}",
            fix=f"train on as-of months up to {month_shift(last, -horizon)} (or lower horizon_months)",
        )
    if definition.kind == "status":
        return _status_label(ids, month, definition, subscribers, horizon)
    if definition.kind == "brand_downgrade":
        return _downgrade_label(ids, month, definition, usage, horizon)
    return _arpu_label(ids, month, definition, usage, horizon)


def passive_churn_in_window(
    ids: pd.Series, month: str, subscribers: pd.DataFrame, horizon: int
) -> np.ndarray:
    """True for lines that left involuntarily (arrears) in the window - passive churners."""
    start, end = window_bounds(month, horizon)
    subs = rows_for(ids, subscribers, ("status", "status_date", "churn_type"))
    when = pd.to_datetime(subs["status_date"])
    hit = (
        (subs["status"].astype("string") == "churned")
        & (subs["churn_type"].astype("string") == "involuntary")
        & (when >= start)
        & (when < end)
    )
    return hit.fillna(False).to_numpy(dtype=bool)

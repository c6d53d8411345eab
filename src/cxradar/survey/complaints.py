"""Complaint analytics: concentration by type and district over time, first-contact resolution and
time to resolve against targets, and repeat complainants.

Pure functions on the contract tables ``complaints`` (and ``subscribers`` for the district,
``usage_monthly`` for the active base). Targets come from ``conf/survey.yaml`` (seed: first-contact
resolution >= 80 % overall, >= 85 % for value-added services). Rates are per 10,000 subscribers
of the month's base: the subscribers with a ``usage_monthly`` row that month, or, without usage,
the subscribers who had joined by the month's end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.errors import MissingColumnError
from cxradar.months import month_start
from cxradar.survey.config import SurveyConfig
from cxradar.survey.stats import wilson_interval

__all__ = [
    "complaint_concentration",
    "monthly_base",
    "pareto",
    "repeat_complainants",
    "resolution_table",
]

PER = 10_000


def _prepare(complaints: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("id", "msisdn", "opened_at", "type") if c not in complaints.columns]
    if missing:
        raise MissingColumnError(
            f"table 'complaints' lacks column(s) {missing}",
            fix="see conf/contract/complaints.yaml (cxradar validate)",
        )
    out = complaints.copy()
    out["opened_at"] = pd.to_datetime(out["opened_at"])
    out["month"] = out["opened_at"].dt.to_period("M").dt.to_timestamp()
    return out


def monthly_base(
    months: list[pd.Timestamp], subscribers: pd.DataFrame | None, usage: pd.DataFrame | None
) -> pd.Series:
    """Active subscribers per month (index: month start), used as the rate denominator."""
    if usage is not None and {"msisdn", "month"} <= set(usage.columns):
        start = pd.to_datetime(usage["month"]).dt.to_period("M").dt.to_timestamp()
        counts = usage.assign(month=start).groupby("month")["msisdn"].nunique()
        return counts.reindex(months).astype(float)
    if subscribers is not None and "join_date" in subscribers.columns:
        joined = pd.to_datetime(subscribers["join_date"])
        return pd.Series([float((joined < m + pd.offsets.MonthBegin(1)).sum()) for m in months], index=months)
    if subscribers is not None:
        return pd.Series(float(len(subscribers)), index=months)
    return pd.Series(np.nan, index=months)


def pareto(counts: pd.Series, share: float = 0.80) -> pd.DataFrame:
    """Categories sorted by count with cumulative share; ``vital_few`` marks those that reach ``share``."""
    ordered = counts.sort_values(ascending=False, kind="stable")
    total = ordered.sum()
    cum = ordered.cumsum() / total if total > 0 else ordered * 0.0
    before = cum.shift(1, fill_value=0.0)
    return pd.DataFrame(
        {
            "category": ordered.index,
            "count": ordered.to_numpy(),
            "share": (ordered / total).to_numpy() if total > 0 else 0.0,
            "cumulative_share": cum.to_numpy(),
            "vital_few": (before < share).to_numpy(),
        }
    )


def complaint_concentration(
    complaints: pd.DataFrame,
    month: str,
    config: SurveyConfig,
    by: str = "type",
    subscribers: pd.DataFrame | None = None,
    usage: pd.DataFrame | None = None,
    base: pd.Series | None = None,
) -> pd.DataFrame:
    """Complaints per month and ``by`` (type or district) over the last ``trend_months`` months.

    ``base`` (active subscribers per month start) replaces the count from ``usage`` or
    ``subscribers`` when the caller has it already (the monthly run counts it in SQL).

    Columns: month, ``by``, count, rate_per_10k, share (of the month's complaints),
    cumulative_share and vital_few (Pareto within the month), change (count vs previous month).
    """
    frame = _prepare(complaints)
    if by not in frame.columns and subscribers is not None and by in subscribers.columns:
        frame = frame.merge(subscribers[["msisdn", by]].drop_duplicates("msisdn"), on="msisdn", how="left")
    if by not in frame.columns:
        raise MissingColumnError(
            f"cannot group complaints by '{by}': no such column in complaints or subscribers",
            fix="pass the subscribers table (for district) or use by='type'",
        )
    end = month_start(month)
    months = list(
        pd.date_range(end - pd.DateOffset(months=config.complaints.trend_months - 1), end, freq="MS")
    )
    frame = frame[frame["month"].isin(months)]
    frame[by] = frame[by].astype("object").where(frame[by].notna(), "unknown")
    categories = sorted(frame[by].unique())
    counts = frame.groupby(["month", by]).size()
    full = pd.MultiIndex.from_product([months, categories], names=["month", by])
    table = counts.reindex(full, fill_value=0).rename("count").reset_index()
    base = (
        base.reindex(months).astype(float) if base is not None else monthly_base(months, subscribers, usage)
    )
    table["rate_per_10k"] = table["count"] / table["month"].map(base) * PER
    parts = []
    for m, part in table.groupby("month", sort=True):
        par = pareto(part.set_index(by)["count"], config.complaints.pareto_share).rename(
            columns={"category": by}
        )
        parts.append(par.drop(columns="count").assign(month=m))
    shares = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["month", by])
    table = table.merge(shares, on=["month", by], how="left")
    table["change"] = table.sort_values("month").groupby(by)["count"].diff()
    return table.sort_values(["month", "count"], ascending=[True, False]).reset_index(drop=True)


def resolution_table(
    complaints: pd.DataFrame, month: str, config: SurveyConfig, by: str | None = None
) -> pd.DataFrame:
    """First-contact resolution and time to resolve for complaints opened in ``month``, against targets.

    One row per group of ``by`` (None, type, channel, product). FCR is the share of complaints with
    ``first_contact_resolved`` true among those where it is known, with a Wilson interval; the target
    is the product's target when ``by="product"`` (value_added: 85 %) and the overall one otherwise.
    Time to resolve is in hours for resolved complaints; ``within_target`` is the share resolved within
    ``resolve_hours_target``. ``fcr_missed`` / ``resolve_missed`` flag misses of the targets.
    """
    frame = _prepare(complaints)
    frame = frame[frame["month"] == month_start(month)]
    if by is not None and by not in frame.columns:
        raise MissingColumnError(
            f"table 'complaints' has no column '{by}' to break resolution down by",
            fix="use by='type', 'channel' or 'product'",
        )
    targets = config.complaints
    key = (
        frame[by].astype("object").where(frame[by].notna(), "unknown")
        if by
        else pd.Series("all", frame.index)
    )
    hours = (
        (pd.to_datetime(frame["resolved_at"]) - frame["opened_at"]).dt.total_seconds() / 3600
        if "resolved_at" in frame.columns
        else pd.Series(np.nan, index=frame.index)
    )
    fcr = (
        frame["first_contact_resolved"]
        if "first_contact_resolved" in frame.columns
        else pd.Series(pd.NA, index=frame.index)
    )
    rows = []
    for value, idx in key.groupby(key).groups.items():
        known = fcr.loc[idx].dropna().astype(bool)
        rate = float(known.mean()) if len(known) else float("nan")
        lo, hi = wilson_interval(rate, len(known), config.alpha) if len(known) else (np.nan, np.nan)
        target = (
            targets.fcr_target_by_product.get(str(value), targets.fcr_target)
            if by == "product"
            else targets.fcr_target
        )
        h = hours.loc[idx].dropna()
        within = float((h <= targets.resolve_hours_target).mean()) if len(h) else float("nan")
        rows.append(
            {
                (by or "group"): value,
                "complaints": len(idx),
                "fcr_known": len(known),
                "fcr": rate,
                "fcr_lo": lo,
                "fcr_hi": hi,
                "fcr_target": target,
                "fcr_missed": bool(rate < target) if len(known) else False,
                "fcr_missed_significantly": bool(hi < target) if len(known) else False,
                "resolved": len(h),
                "open": len(idx) - len(h),
                "hours_median": float(h.median()) if len(h) else np.nan,
                "hours_mean": float(h.mean()) if len(h) else np.nan,
                "hours_p90": float(h.quantile(0.9)) if len(h) else np.nan,
                "within_target": within,
                "within_target_goal": targets.resolve_share_target,
                "resolve_missed": bool(within < targets.resolve_share_target) if len(h) else False,
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values("complaints", ascending=False).reset_index(drop=True) if len(out) else out


def repeat_complainants(complaints: pd.DataFrame, month: str, config: SurveyConfig) -> pd.DataFrame:
    """Subscribers with >= ``repeat_min`` complaints in each window (30/90 days) ending at the month's end.

    Columns: msisdn, window_days, complaints, first_opened, last_opened, types (comma-joined).
    """
    frame = _prepare(complaints)
    as_of = month_start(month) + pd.offsets.MonthBegin(1)
    rows = []
    for days in config.complaints.repeat_windows_days:
        recent = frame[(frame["opened_at"] >= as_of - pd.Timedelta(days=days)) & (frame["opened_at"] < as_of)]
        # the per-group text join is Python: run it on the repeat complainants only (when there are
        # some; otherwise as before, so an empty result keeps the same columns and types)
        repeat = recent.groupby("msisdn")["id"].transform("size") >= config.complaints.repeat_min
        if repeat.any():
            recent = recent[repeat]
        grouped = recent.groupby("msisdn").agg(
            complaints=("id", "size"),
            first_opened=("opened_at", "min"),
            last_opened=("opened_at", "max"),
            types=("type", lambda s: ",".join(sorted(set(map(str, s))))),
        )
        grouped = grouped[grouped["complaints"] >= config.complaints.repeat_min].reset_index()
        rows.append(grouped.assign(window_days=days))
    columns = ["msisdn", "window_days", "complaints", "first_opened", "last_opened", "types"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.concat(rows, ignore_index=True)[columns]
    return out.sort_values(
        ["window_days", "complaints", "msisdn"], ascending=[True, False, True]
    ).reset_index(drop=True)

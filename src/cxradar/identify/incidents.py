"""Incident-hit customers (突发事件影响): match system events to subscribers and weigh them.

Network incidents (scope_type ``cells``) reach a subscriber through ``subscriber_cells``: the
share of that month's traffic carried by the affected cells. Billing errors and other account
lists (``accounts``) name the msisdns. District events (``district``) reach every subscriber
whose home district it is. Each match gets a weighted exposure

    exposure = severity weight x type weight x hours in the window (capped) x traffic share

(account-scoped events count ``account_incident_hours`` instead of their duration), and a
sentence in en and zh such as "4.5 h network outage on cell 1203 (72 % of your traffic), 2026-09-14".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.identify.config import PotentialConfig
from cxradar.identify.labels import DISTRICT_ZH, INCIDENT_LABELS
from cxradar.months import month_bounds, month_shift

__all__ = ["INCIDENT_CAUSE", "incident_exposure", "incident_hits", "summarise_hits"]

INCIDENT_CAUSE = {
    "network_outage": "network",
    "network_degradation": "network",
    "billing_error": "billing",
    "system_failure": "service",
}
HIT_COLUMNS = ["msisdn", "exposure", "n_incidents", "cause", "reason_en", "reason_zh"]


def _explode_scope(incidents: pd.DataFrame) -> pd.DataFrame:
    parts = incidents.assign(target=incidents["scope"].astype(str).str.split(";")).explode("target")
    parts["target"] = parts["target"].str.strip()
    return parts.loc[parts["target"].ne("") & parts["target"].notna()]


def incident_exposure(
    month: str,
    *,
    incidents: pd.DataFrame,
    subscriber_cells: pd.DataFrame,
    subscribers: pd.DataFrame,
    config: PotentialConfig,
) -> pd.DataFrame:
    """One row per (subscriber, incident) match in the window ending with ``month``:
    msisdn, incident_id, type, start, hours, share, cells, exposure."""
    first = month_shift(month, -(config.incident_window_months - 1))
    start, _ = month_bounds(first)
    _, end = month_bounds(month)
    inc = incidents.assign(start=pd.to_datetime(incidents["start"]), end=pd.to_datetime(incidents["end"]))
    inc = inc.loc[(inc["start"] < end) & (inc["end"] >= start)].copy()
    out_cols = [
        "msisdn",
        "incident_id",
        "type",
        "start",
        "severity",
        "hours",
        "share",
        "cells",
        "district",
        "exposure",
    ]
    if inc.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in out_cols})
    clipped_end = inc["end"].where(inc["end"] < end, end)
    clipped_start = inc["start"].where(inc["start"] > start, start)
    overlap = (clipped_end - clipped_start).dt.total_seconds() / 3600.0
    inc["hours"] = overlap.clip(lower=0, upper=config.incident_max_hours)
    sev = inc["severity"].astype("int64").map(config.severity_weights).fillna(1.0)
    inc["weight"] = sev * inc["type"].astype(str).map(config.incident_type_weights).fillna(1.0)
    exploded = _explode_scope(inc)
    matches: list[pd.DataFrame] = []
    cols = ["id", "type", "start", "severity", "hours", "weight"]
    net = exploded.loc[exploded["scope_type"].astype(str) == "cells", [*cols, "target"]]
    if len(net):
        sc_month = pd.to_datetime(subscriber_cells["month"])
        sc = subscriber_cells.loc[(sc_month >= start) & (sc_month < end)]
        shares = sc.groupby(["msisdn", "cell_id"], as_index=False).agg(
            traffic_share=("traffic_share", "mean")
        )
        hit = net.merge(
            shares.astype({"cell_id": "object", "msisdn": "object"}),
            left_on="target",
            right_on="cell_id",
            how="inner",
        )
        hit = hit.groupby(["msisdn", *cols], as_index=False).agg(
            share=("traffic_share", "sum"), cells=("cell_id", lambda c: ", ".join(sorted(map(str, c))))
        )
        hit = hit.loc[hit["share"] >= config.incident_min_share]
        matches.append(hit)
    acc = exploded.loc[exploded["scope_type"].astype(str) == "accounts", [*cols, "target"]]
    if len(acc):
        acc = acc.rename(columns={"target": "msisdn"}).assign(
            share=1.0, cells="", hours=config.account_incident_hours
        )
        matches.append(acc)
    dist = exploded.loc[exploded["scope_type"].astype(str) == "district", [*cols, "target"]]
    if len(dist):
        home = subscribers[["msisdn", "district"]].astype({"district": "object", "msisdn": "object"})
        hit = dist.merge(home, left_on="target", right_on="district", how="inner")
        matches.append(hit.drop(columns=["target"]).assign(share=1.0, cells=""))
    if not matches:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in out_cols})
    hits = pd.concat([m.drop(columns=["target"], errors="ignore") for m in matches], ignore_index=True)
    if "district" not in hits.columns:
        hits["district"] = ""
    hits["district"] = hits["district"].astype("object").where(hits["district"].notna(), "")
    hits["msisdn"] = hits["msisdn"].astype(str)
    hits["exposure"] = hits["weight"] * hits["hours"] * hits["share"].clip(upper=1.0)
    hits = hits.rename(columns={"id": "incident_id"})
    return (
        hits[out_cols]
        .sort_values(["msisdn", "exposure", "incident_id"], ascending=[True, False, True], kind="mergesort")
        .reset_index(drop=True)
    )


def _sentence(hits: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    day = hits["start"].dt.strftime("%Y-%m-%d")
    hours = hits["hours"].map(lambda h: f"{h:.1f}")
    pct = (hits["share"] * 100).round().astype("int64").astype(str)
    name_en = hits["type"].map(lambda t: INCIDENT_LABELS.get(t, (t, t))[0])
    name_zh = hits["type"].map(lambda t: INCIDENT_LABELS.get(t, (t, t))[1])
    sev = hits["severity"].astype("int64").astype(str)
    many = hits["cells"].str.contains(",")
    cell_en = ("cell" + many.map({True: "s ", False: " "}) + hits["cells"]).astype(str)
    district_zh = hits["district"].map(lambda d: DISTRICT_ZH.get(d, d))
    scope = hits["cells"].ne("").map({True: "cells", False: "other"})
    scope = scope.where(scope == "cells", hits["district"].ne("").map({True: "district", False: "accounts"}))
    en = pd.Series("", index=hits.index, dtype="object")
    zh = pd.Series("", index=hits.index, dtype="object")
    is_cells, is_dist, is_acc = scope == "cells", scope == "district", scope == "accounts"
    en[is_cells] = (hours + " h " + name_en + " on " + cell_en + " (" + pct + " % of your traffic), " + day)[
        is_cells
    ]
    zh[is_cells] = (
        day
        + " 小区"
        + hits["cells"].str.replace(", ", "、")
        + name_zh
        + hours
        + "小时（占您流量的"
        + pct
        + "%）"
    )[is_cells]
    en[is_dist] = (hours + " h " + name_en + " in " + hits["district"] + " district, " + day)[is_dist]
    zh[is_dist] = (day + " " + district_zh + name_zh + hours + "小时")[is_dist]
    en[is_acc] = (name_en + " on your account (severity " + sev + "), " + day)[is_acc]
    zh[is_acc] = (day + " 您的账户出现" + name_zh + "（严重程度" + sev + "）")[is_acc]
    return en, zh


def incident_hits(
    month: str,
    *,
    incidents: pd.DataFrame,
    subscriber_cells: pd.DataFrame,
    subscribers: pd.DataFrame,
    config: PotentialConfig,
    top: int = 2,
) -> pd.DataFrame:
    """Per subscriber: total exposure, number of incidents, cause of the worst one and reasons
    (the ``top`` worst incidents, then "and N more"). All subscribers with any match are returned;
    the caller applies ``incident_min_exposure``."""
    hits = incident_exposure(
        month, incidents=incidents, subscriber_cells=subscriber_cells, subscribers=subscribers, config=config
    )
    return summarise_hits(hits, top=top)


def summarise_hits(exposure: pd.DataFrame, *, top: int = 2) -> pd.DataFrame:
    """Per subscriber, from the (subscriber, incident) matches of :func:`incident_exposure` (or of
    ``incident_exposure.sql``): total exposure, number of incidents, cause of the worst one and
    the reasons of the ``top`` worst."""
    hits = exposure.sort_values(
        ["msisdn", "exposure", "incident_id"], ascending=[True, False, True], kind="mergesort"
    ).reset_index(drop=True)
    if hits.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "exposure" else "object") for c in HIT_COLUMNS}
        )
    rank = hits.groupby("msisdn").cumcount().to_numpy()
    grouped = hits.groupby("msisdn", sort=True)
    out = pd.DataFrame(
        {
            "exposure": grouped["exposure"].sum(),
            "n_incidents": grouped.size().astype("int64"),
            "cause": grouped["type"].first().map(INCIDENT_CAUSE).fillna("unknown"),
        }
    )
    # Sentences only for the shown incidents, joined rank by rank (the k-th worst of every
    # subscriber at once): the same text as a per-subscriber join, without a Python call per group.
    shown = hits.loc[rank < top].reset_index(drop=True)
    shown_rank, shown_ids = rank[rank < top], shown["msisdn"].to_numpy()
    en, zh = (text.to_numpy(dtype=object) for text in _sentence(shown))
    reason_en = np.empty(len(out), dtype=object)
    reason_zh = np.empty(len(out), dtype=object)
    for k in range(top):  # every subscriber has a worst incident (k = 0)
        at = shown_rank == k
        pos = out.index.get_indexer(shown_ids[at])
        reason_en[pos] = en[at] if k == 0 else reason_en[pos] + "; " + en[at]
        reason_zh[pos] = zh[at] if k == 0 else reason_zh[pos] + "；" + zh[at]
    out["reason_en"], out["reason_zh"] = reason_en, reason_zh
    more = out["n_incidents"] - top
    out.loc[more > 0, "reason_en"] += "; and " + more[more > 0].astype(str) + " more"
    out.loc[more > 0, "reason_zh"] += "；另有" + more[more > 0].astype(str) + "起"
    return out.rename_axis("msisdn").reset_index()[HIT_COLUMNS]

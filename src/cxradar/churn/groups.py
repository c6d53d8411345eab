"""Corporate-group (VPMN, 集团客户) collective churn: group signals, alerts with evidence, and
their evaluation against known group churn events.

For each group and as-of month M (members: lines of the group not gone before M-1 began):

    forward_surge   members' mean call forwarding in M >= ``forward_surge_ratio`` x the mean of the
                    ``baseline_months`` before, and >= ``forward_min_share`` of members forward more
                    than twice their own baseline (+1)
    spend_drop      the group's spend in M <= (1 - ``spend_drop_share``) x its baseline monthly spend
    at_risk         share of active members whose churn probability >= ``at_risk_probability`` is
                    >= ``at_risk_share`` (only when member probabilities are given)
    members_left    share of members who left voluntarily in M-1..M >= ``ported_share``

An alert needs ``min_signals`` signals, one of them a leading one (forward surge or at-risk share)
unless ``require_leading`` is false - members who already left and falling spend alone follow
ordinary churn; its evidence lists each signal's figures in en and zh.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxradar.months import month_bounds, month_shift

__all__ = ["GROUP_SIGNALS", "evaluate_group_alerts", "group_alerts"]

GROUP_SIGNALS = ("forward_surge", "spend_drop", "at_risk", "members_left")


def _members(subscribers: pd.DataFrame, month: str) -> pd.DataFrame:
    start_prev, _ = month_bounds(month_shift(month, -1))
    _, end = month_bounds(month)
    subs = subscribers.loc[subscribers["group_id"].notna()].copy()
    subs["msisdn"] = subs["msisdn"].astype(str)
    when = pd.to_datetime(subs["status_date"])
    gone_before = (subs["status"].astype("string") == "churned") & (when < start_prev)
    joined = pd.to_datetime(subs["join_date"]) < end
    subs = subs.loc[~gone_before.fillna(False) & joined]
    left = (
        (subs["status"].astype("string") == "churned")
        & (subs["churn_type"].astype("string") == "voluntary")
        & (pd.to_datetime(subs["status_date"]) >= start_prev)
        & (pd.to_datetime(subs["status_date"]) < end)
    )
    return pd.DataFrame(
        {"msisdn": subs["msisdn"], "group_id": subs["group_id"].astype(str), "left": left.fillna(False)}
    )


def group_alerts(
    month: str,
    *,
    subscribers: pd.DataFrame,
    usage: pd.DataFrame,
    settings: dict[str, Any],
    probability: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per watched group as of ``month``: the signals' figures, flags, ``n_signals``,
    ``alert`` and ``evidence_en`` / ``evidence_zh``. ``probability`` is indexed by msisdn."""
    base_n = int(settings.get("baseline_months", 3))
    members = _members(subscribers, month)
    first, _ = month_bounds(month_shift(month, -base_n))
    _, end = month_bounds(month)
    um = pd.to_datetime(usage["month"])
    rows = usage.loc[(um >= first) & (um < end), ["msisdn", "month", "spend", "call_forward_count"]].copy()
    rows["msisdn"] = rows["msisdn"].astype(str)
    rows["now"] = pd.to_datetime(rows["month"]).dt.strftime("%Y-%m") == month
    rows = rows.merge(members[["msisdn", "group_id"]], on="msisdn", how="inner")
    cf = pd.to_numeric(rows["call_forward_count"], errors="coerce").fillna(0.0)
    spend = pd.to_numeric(rows["spend"], errors="coerce").fillna(0.0)
    rows = rows.assign(cf=cf, spend=spend)
    now, before = rows.loc[rows["now"]], rows.loc[~rows["now"]]
    g = pd.DataFrame({"members": members.groupby("group_id").size()})
    g["members_left"] = members.groupby("group_id")["left"].sum()
    g["forward_now"] = now.groupby("group_id")["cf"].mean()
    g["forward_base"] = before.groupby("group_id")["cf"].sum() / before.groupby("group_id")[
        "msisdn"
    ].count().clip(lower=1)
    own = before.groupby("msisdn")["cf"].mean()
    surge_member = now["cf"].to_numpy() > 2 * now["msisdn"].map(own).fillna(0.0).to_numpy() + 1
    g["forward_member_share"] = (
        pd.Series(surge_member, index=now.index).groupby(now["group_id"]).sum() / g["members"]
    )
    g["spend_now"] = now.groupby("group_id")["spend"].sum()
    g["spend_base"] = before.groupby("group_id")["spend"].sum() / base_n
    g = g.fillna(
        {
            "members_left": 0,
            "forward_now": 0.0,
            "forward_base": 0.0,
            "forward_member_share": 0.0,
            "spend_now": 0.0,
            "spend_base": 0.0,
        }
    )
    g = g.loc[g["members"] >= int(settings.get("min_members", 5))].copy()
    g["forward_ratio"] = (g["forward_now"] + 0.1) / (g["forward_base"] + 0.1)
    g["spend_change"] = np.where(
        g["spend_base"] > 0, g["spend_now"] / g["spend_base"].where(g["spend_base"] > 0) - 1, 0.0
    )
    g["left_share"] = g["members_left"] / g["members"]
    if probability is not None:
        prob = members["msisdn"].map(probability)
        risky = (prob >= float(settings.get("at_risk_probability", 0.3))).where(prob.notna())
        g["at_risk_share"] = risky.groupby(members["group_id"]).mean().reindex(g.index)
    else:
        g["at_risk_share"] = np.nan
    g["forward_surge"] = (g["forward_ratio"] >= float(settings.get("forward_surge_ratio", 1.5))) & (
        g["forward_member_share"] >= float(settings.get("forward_min_share", 0.3))
    )
    g["spend_drop"] = g["spend_change"] <= -float(settings.get("spend_drop_share", 0.12))
    g["at_risk"] = (
        (g["at_risk_share"] >= float(settings.get("at_risk_share", 0.25))).fillna(False).astype(bool)
    )
    g["members_left_flag"] = g["left_share"] >= float(settings.get("ported_share", 0.05))
    flags = g[["forward_surge", "spend_drop", "at_risk", "members_left_flag"]].astype(bool)
    g["n_signals"] = flags.sum(axis=1).astype("int64")
    leading = g["forward_surge"] | g["at_risk"] if settings.get("require_leading", True) else True
    g["alert"] = (g["n_signals"] >= int(settings.get("min_signals", 2))) & leading
    g["evidence_en"], g["evidence_zh"] = _evidence(g)
    g.insert(0, "month", month)
    return (
        g.reset_index(names="group_id")
        .sort_values(["alert", "n_signals", "spend_change"], ascending=[False, False, True], kind="mergesort")
        .reset_index(drop=True)
    )


def _evidence(g: pd.DataFrame) -> tuple[list[str], list[str]]:
    en_all, zh_all = [], []
    for r in g.itertuples():
        en, zh = [], []
        if r.forward_surge:
            en.append(
                f"call forwarding x{r.forward_ratio:.1f} vs baseline ({r.forward_member_share:.0%} of members surge)"
            )
            zh.append(f"成员呼叫转移为基线的{r.forward_ratio:.1f}倍（{r.forward_member_share:.0%}成员激增）")
        if r.spend_drop:
            en.append(f"group spend {r.spend_change:+.0%} vs baseline")
            zh.append(f"集团消费较基线{r.spend_change:+.0%}")
        if r.at_risk:
            en.append(f"{r.at_risk_share:.0%} of members at churn risk")
            zh.append(f"{r.at_risk_share:.0%}成员有离网风险")
        if r.members_left_flag:
            left, size = int(float(str(r.members_left))), int(float(str(r.members)))
            en.append(f"{left} of {size} members left in 2 months")
            zh.append(f"近2月{size}名成员中{left}名已离网")
        en_all.append("; ".join(en))
        zh_all.append("；".join(zh))
    return en_all, zh_all


def evaluate_group_alerts(
    alerts: pd.DataFrame, events: pd.DataFrame, months: list[str], horizon: int = 3
) -> dict[str, Any]:
    """Score alerts (rows of :func:`group_alerts` over ``months``) against group churn events
    (``group_id``, ``month`` the group started to leave).

    An event in month L is *caught ahead* when its group had an alert in L-horizon .. L-1; only
    events whose L-1 is among ``months`` are scored. An alert is a *true alert* when an event of its
    group starts 1..horizon months later; alerts in or after the leaving month are counted apart."""
    ev = events.assign(
        group_id=events["group_id"].astype(str), L=pd.to_datetime(events["month"]).dt.strftime("%Y-%m")
    )
    fired = alerts.loc[alerts["alert"], ["group_id", "month"]].astype(str)
    scored = ev.loc[ev["L"].map(lambda m: month_shift(m, -1) in months)]
    per_event = []
    for gid, leave in zip(scored["group_id"].tolist(), scored["L"].tolist(), strict=True):
        window = [month_shift(str(leave), -k) for k in range(horizon, 0, -1)]
        hit = fired.loc[(fired["group_id"] == gid) & fired["month"].isin(window), "month"]
        ahead = (pd.Period(str(leave), "M") - pd.Period(str(hit.min()), "M")).n if len(hit) else 0
        per_event.append({"group_id": gid, "month": leave, "caught": bool(len(hit)), "months_ahead": ahead})
    ev_first = {str(k): str(v) for k, v in ev.groupby("group_id")["L"].min().items()}
    true_n, during_n, false_n = 0, 0, 0
    for gid, month in zip(fired["group_id"].tolist(), fired["month"].tolist(), strict=True):
        first = ev_first.get(str(gid))
        if first is None:
            false_n += 1
            continue
        gap = (pd.Period(first, "M") - pd.Period(str(month), "M")).n
        if 1 <= gap <= horizon:
            true_n += 1
        elif gap <= 0:
            during_n += 1
        else:
            false_n += 1
    caught = [e for e in per_event if e["caught"]]
    return {
        "events": len(per_event),
        "caught_ahead": len(caught),
        "recall": len(caught) / len(per_event) if per_event else float("nan"),
        "precision": true_n / (true_n + false_n) if true_n + false_n else float("nan"),
        "alerts": len(fired),
        "alerts_true": true_n,
        "alerts_false": false_n,
        "alerts_during_or_after": during_n,
        "mean_months_ahead": float(np.mean([e["months_ahead"] for e in caught])) if caught else float("nan"),
        "per_event": per_event,
    }

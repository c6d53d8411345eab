"""Care and campaigns: strategies, channels and capacity, who policies held back, campaign effects.

Per care month the run writes ``care/YYYY-MM/care_summary.json`` (counts by strategy, channel,
rule; customers a policy moved to wait-for-contact by reason, ``moved_by_reason``, and those left
without care, ``left_out_by_reason``: moved customers count as cared for, see
:mod:`cxradar.care.moved`) and, one month later, ``campaign_evaluation.json`` (treatment against
control with intervals, contribution to the company-wide score, ROI, the uplift model for the next
round). Those are read for every month of the run, so the tables show the history. Channel
capacity used is the busiest campaign day of this month's plan over the daily capacity in the
care policies (``conf/care/policies.yaml`` unless the report is given another file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.care.policies import load_policies
from cxradar.dashboard.aggregates.context import AggregateContext, dig, label_columns
from cxradar.dashboard.tables import coded, col, spec

__all__ = ["EFFECT_MEASURES", "SPECS", "build"]

# measure -> (path in campaign_evaluation.json, key of the estimate)
EFFECT_MEASURES: dict[str, tuple[tuple[str, ...], str]] = {
    "satisfaction_itt": (("satisfaction_itt",), "diff"),
    "satisfaction_on_participants": (("satisfaction_on_participants",), "diff"),
    "index_points_on_participants": (("index_points_on_participants",), "diff"),
    "contribution_points": (("contribution",), "points_diff"),
    "churn_rate": (("churn",), "diff"),
    "difference_in_differences": (("difference_in_differences",), "diff"),
}

# the columns of the policy tables: customers a policy held back, per care month and reason
_BY_REASON = (
    col("period", "string", "care month", "关怀月份"),
    *coded("reason", "reason", "原因"),
    col("customers", "int", "customers", "客户数"),
)
_HELD_BACK_GRAIN = ("one row per care month and reason", "每个关怀月份每种原因一行")

SPECS = [
    spec(
        "care_strategies",
        "care",
        ("one row per care month and strategy", "每个关怀月份每种策略一行"),
        ("Customers assigned to each care strategy, per month.", "各关怀策略分配的客户数（按月）。"),
        col("period", "string", "care month", "关怀月份"),
        *coded("strategy", "strategy", "策略"),
        col("customers", "int", "customers", "客户数"),
    ),
    spec(
        "care_channels",
        "care",
        ("one row per care month and channel", "每个关怀月份每个渠道一行"),
        (
            "Customers per channel, and for this month the busiest campaign day against the channel's daily capacity.",
            "各渠道客户数；本月还给出活动最繁忙一天的接触量与渠道日容量之比。",
        ),
        col("period", "string", "care month", "关怀月份"),
        *coded("channel", "channel", "渠道"),
        col("customers", "int", "customers", "客户数"),
        col("peak_day", "int", "busiest day", "最繁忙日接触量"),
        col("capacity_per_day", "int", "capacity per day", "日容量"),
        col("capacity_used", "float", "capacity used (busiest day)", "容量使用率（最繁忙日）"),
    ),
    spec(
        "care_left_out",
        "care",
        _HELD_BACK_GRAIN,
        (
            "Customers the care policies left without any care this round, and why (only with on_excluded: drop; "
            "those moved to wait-for-contact are in care_moved_to_wait).",
            "被关怀策略排除、本轮未获任何关怀的客户及原因（仅在 on_excluded: drop 时出现；改为守株待兔的客户见 care_moved_to_wait）。",
        ),
        *_BY_REASON,
    ),
    spec(
        "care_moved_to_wait",
        "care",
        _HELD_BACK_GRAIN,
        (
            "Customers a care policy (contact fatigue, do-not-disturb, capacity ...) kept from the proactive "
            "care their rule chose and moved to wait-for-contact: they are cared for at their next contact.",
            "因关怀策略（接触频次、免打扰、容量等）未能进行规则选定的主动关怀、改为守株待兔的客户：在其下次接触时关怀。",
        ),
        *_BY_REASON,
    ),
    spec(
        "care_rules",
        "care",
        ("one row per care rule", "每条关怀规则一行"),
        ("Customers decided by each care rule this month.", "本月每条关怀规则决定的客户数。"),
        *coded("rule", "rule", "规则"),
        col("customers", "int", "customers", "客户数"),
    ),
    spec(
        "campaign_effects",
        "care",
        ("one row per evaluated campaign and measure", "每个已评估活动每项指标一行"),
        (
            "Treatment against control for each evaluated campaign: the effect with its 95% interval and p-value.",
            "每个已评估活动的处理组与对照组对比：效果、95%置信区间和p值。",
        ),
        col("campaign", "string", "campaign", "活动"),
        col("evaluated_in", "string", "evaluated in", "评估月份"),
        col("measure", "string", "measure", "指标"),
        col("estimate", "float", "effect", "效果"),
        col("ci_low", "float", "95% interval low", "95%区间下限"),
        col("ci_high", "float", "95% interval high", "95%区间上限"),
        col("p_value", "float", "p-value", "p值"),
        col("n_treatment", "int", "treatment", "处理组人数"),
        col("n_control", "int", "control", "对照组人数"),
    ),
    spec(
        "campaign_groups",
        "care",
        ("one row per campaign, breakdown and group", "每个活动每个分组一行"),
        (
            "The satisfaction effect (1-10 points) per strategy, segment and other breakdowns of each campaign.",
            "每个活动按策略、客户群等分组的满意度效果（1-10分制）。",
        ),
        col("campaign", "string", "campaign", "活动"),
        col("by", "string", "breakdown", "维度"),
        col("level", "string", "group (code)", "分组（代码）"),
        col("label_en", "string", "group (English)", "分组（英文）"),
        col("label_zh", "string", "group (Chinese)", "分组（中文）"),
        col("n_treatment", "int", "treatment", "处理组人数"),
        col("n_control", "int", "control", "对照组人数"),
        col("estimate", "float", "effect", "效果"),
        col("ci_low", "float", "95% interval low", "95%区间下限"),
        col("ci_high", "float", "95% interval high", "95%区间上限"),
        col("p_value", "float", "p-value", "p值"),
    ),
    spec(
        "campaign_value",
        "care",
        ("one row per evaluated campaign", "每个已评估活动一行"),
        (
            "Participation, reach, cost, prevented churners, benefit and return on investment of each campaign.",
            "每个活动的参与率、覆盖比例、成本、挽留人数、收益和投资回报率。",
        ),
        col("campaign", "string", "campaign", "活动"),
        col("participation_rate", "float", "participation", "参与率"),
        col("share_reached", "float", "share of customers reached", "覆盖客户比例"),
        col(
            "points_at_20pct_share",
            "float",
            "contribution at a 20% share (points)",
            "按20%覆盖折算贡献（分）",
        ),
        col("cost_total", "float", "cost (CNY)", "成本（元）"),
        col("cost_per_treated", "float", "cost per treated customer (CNY)", "人均成本（元）"),
        col("prevented_churners", "float", "churners prevented", "挽留离网人数"),
        col("benefit", "float", "benefit (CNY)", "收益（元）"),
        col("roi", "float", "return on investment", "投资回报率"),
        col("roi_ci_low", "float", "ROI interval low", "回报率区间下限"),
        col("roi_ci_high", "float", "ROI interval high", "回报率区间上限"),
    ),
    spec(
        "uplift_next_round",
        "care",
        ("one row per evaluated campaign", "每个已评估活动一行"),
        (
            "The uplift model fitted on the campaign for the next round: Qini of targeting by uplift against targeting by risk.",
            "基于活动结果拟合、用于下一轮的增益模型：按增益定向与按风险定向的Qini系数。",
        ),
        col("campaign", "string", "campaign", "活动"),
        col("learner", "string", "model", "模型"),
        col("qini_uplift", "float", "Qini, targeting by uplift", "按增益定向Qini"),
        col("qini_risk", "float", "Qini, targeting by risk", "按风险定向Qini"),
        col("next_campaign", "string", "next campaign", "下一轮活动"),
        col("next_treatment", "int", "next round: treatment", "下一轮处理组"),
        col("next_control", "int", "next round: control", "下一轮对照组"),
        col("next_power", "float", "next round: power", "下一轮统计功效"),
    ),
]

_COLUMNS = {s.name: s.column_names[1:] for s in SPECS}  # table -> its columns after month


def _counts(summaries: dict[str, dict[str, Any]], key: str, kind: str, ctx: AggregateContext) -> pd.DataFrame:
    rows = [
        {"period": period, "code": code, "customers": int(n)}
        for period, summary in summaries.items()
        for code, n in (summary.get(key) or {}).items()
    ]
    frame = pd.DataFrame(rows, columns=["period", "code", "customers"])
    return label_columns(frame, kind, ctx.labels)


def _peak_days(ctx: AggregateContext) -> pd.DataFrame:
    columns = ctx.files.columns("care_plan")
    if not {"channel", "scheduled_day"} <= columns:
        return pd.DataFrame(columns=["code", "peak_day"])
    group_filter = "WHERE \"group\" = 'treatment'" if "group" in columns else ""
    return ctx.files.sql(
        f"""SELECT channel AS code, max(n) AS peak_day FROM (
              SELECT channel, scheduled_day, count(*) AS n FROM care_plan {group_filter} GROUP BY ALL)
            GROUP BY 1"""
    )


def care_channels(
    ctx: AggregateContext, summaries: dict[str, dict[str, Any]], policies: Path | None
) -> pd.DataFrame:
    frame = _counts(summaries, "by_channel", "channel", ctx)
    capacity = {ch: per_day for ch, (per_day, _week) in load_policies(policies).capacity.items()}
    peak = _peak_days(ctx).assign(period=ctx.month)
    frame = frame.merge(peak, on=["period", "code"], how="left")
    frame["capacity_per_day"] = frame["code"].map(capacity)
    frame["capacity_used"] = frame["peak_day"] / frame["capacity_per_day"]
    frame = frame.astype({"peak_day": "Int64", "capacity_per_day": "Int64", "capacity_used": "float64"})
    return frame.rename(columns={"code": "channel"})[_COLUMNS["care_channels"]]


def _evaluations(ctx: AggregateContext) -> dict[str, dict[str, Any]]:
    out = {}
    for period in ctx.files.care_months():
        evaluation = ctx.files.json(f"care/{period}/campaign_evaluation.json")
        if evaluation and evaluation.get("evaluated", True):
            out[period] = evaluation
    current = ctx.summary.get("campaign_evaluation")
    if isinstance(current, dict) and current.get("campaign"):
        out.setdefault(str(current["campaign"]).removeprefix("care-"), current)
    return out


def campaign_effects(evaluations: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for ev in evaluations.values():
        for measure, (path, key) in EFFECT_MEASURES.items():
            node = dig(ev, *path)
            if not isinstance(node, dict) or node.get(key) is None:
                continue
            low = node.get("ci_low", node.get("points_ci_low"))
            high = node.get("ci_high", node.get("points_ci_high"))
            rows.append(
                {
                    "campaign": ev.get("campaign"),
                    "evaluated_in": ev.get("month"),
                    "measure": measure,
                    "estimate": node.get(key),
                    "ci_low": low,
                    "ci_high": high,
                    "p_value": node.get("p_value"),
                    "n_treatment": node.get("n_treatment", ev.get("n_treatment")),
                    "n_control": node.get("n_control", ev.get("n_control")),
                }
            )
    frame = pd.DataFrame(rows, columns=_COLUMNS["campaign_effects"])
    return frame.astype(
        {"estimate": "float64", "ci_low": "float64", "ci_high": "float64", "p_value": "float64"}
        | {"n_treatment": "Int64", "n_control": "Int64"}
    )


_GROUP_KINDS = {"primary_kind": "kind"}


def campaign_groups(ctx: AggregateContext, evaluations: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for ev in evaluations.values():
        for entry in ev.get("by") or []:
            by = str(entry.get("by"))
            label = ctx.labels.get(_GROUP_KINDS.get(by, by), entry.get("level"))
            rows.append(
                {
                    "campaign": ev.get("campaign"),
                    "by": by,
                    "level": str(entry.get("level")),
                    "label_en": label.en,
                    "label_zh": label.zh,
                    "n_treatment": entry.get("n_treatment"),
                    "n_control": entry.get("n_control"),
                    "estimate": entry.get("diff"),
                    "ci_low": entry.get("ci_low"),
                    "ci_high": entry.get("ci_high"),
                    "p_value": entry.get("p_value"),
                }
            )
    frame = pd.DataFrame(rows, columns=_COLUMNS["campaign_groups"])
    return frame.astype(
        {c: "float64" for c in ("estimate", "ci_low", "ci_high", "p_value")}
        | {"n_treatment": "Int64", "n_control": "Int64"}
    )


def campaign_value(evaluations: dict[str, dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for ev in evaluations.values():
        rows.append(
            {
                "campaign": ev.get("campaign"),
                "participation_rate": ev.get("participation_rate"),
                "share_reached": dig(ev, "contribution", "share_reached"),
                "points_at_20pct_share": dig(ev, "contribution", "points_at_20pct_share"),
                "cost_total": dig(ev, "cost", "total"),
                "cost_per_treated": dig(ev, "cost", "per_treated"),
                "prevented_churners": dig(ev, "roi", "prevented_churners"),
                "benefit": dig(ev, "roi", "benefit"),
                "roi": dig(ev, "roi", "roi"),
                "roi_ci_low": dig(ev, "roi", "roi_ci_low"),
                "roi_ci_high": dig(ev, "roi", "roi_ci_high"),
            }
        )
    frame = pd.DataFrame(rows, columns=_COLUMNS["campaign_value"])
    return frame.astype({c: "float64" for c in _COLUMNS["campaign_value"][1:]})


def uplift_next_round(ctx: AggregateContext, evaluations: dict[str, dict[str, Any]]) -> pd.DataFrame:
    design = ctx.files.json(f"care/{ctx.month}/campaign_design.json") or {}
    rows = []
    for ev in evaluations.values():
        model = ev.get("uplift_model") or {}
        if not model.get("fitted"):
            continue
        is_current = ev.get("month") == ctx.month
        rows.append(
            {
                "campaign": ev.get("campaign"),
                "learner": model.get("learner"),
                "qini_uplift": model.get("qini_uplift"),
                "qini_risk": model.get("qini_risk"),
                "next_campaign": design.get("campaign") if is_current else None,
                "next_treatment": design.get("n_treatment") if is_current else None,
                "next_control": design.get("n_control") if is_current else None,
                "next_power": dig(design, "power_calculation", "power") if is_current else None,
            }
        )
    frame = pd.DataFrame(rows, columns=_COLUMNS["uplift_next_round"])
    return frame.astype(
        {"qini_uplift": "float64", "qini_risk": "float64", "next_power": "float64"}
        | {"next_treatment": "Int64", "next_control": "Int64"}
    )


def build(ctx: AggregateContext, policies: Path | None = None) -> dict[str, pd.DataFrame]:
    summaries = {
        period: s
        for period in ctx.files.care_months()
        if (s := ctx.files.json(f"care/{period}/care_summary.json"))
    }
    strategies = _counts(summaries, "by_strategy", "strategy", ctx).rename(columns={"code": "strategy"})
    left_out = _counts(summaries, "left_out_by_reason", "left_out", ctx).rename(columns={"code": "reason"})
    moved = _counts(summaries, "moved_by_reason", "left_out", ctx).rename(columns={"code": "reason"})
    current = {ctx.month: summaries[ctx.month]} if ctx.month in summaries else {}
    rules = _counts(current, "by_rule", "rule", ctx).rename(columns={"code": "rule"})
    evaluations = _evaluations(ctx)
    return {
        "care_strategies": strategies[_COLUMNS["care_strategies"]],
        "care_channels": care_channels(ctx, summaries, policies),
        "care_left_out": left_out[_COLUMNS["care_left_out"]],
        "care_moved_to_wait": moved[_COLUMNS["care_moved_to_wait"]],
        "care_rules": rules[_COLUMNS["care_rules"]],
        "campaign_effects": campaign_effects(evaluations),
        "campaign_groups": campaign_groups(ctx, evaluations),
        "campaign_value": campaign_value(evaluations),
        "uplift_next_round": uplift_next_round(ctx, evaluations),
    }

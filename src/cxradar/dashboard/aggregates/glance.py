"""This month at a glance: the headline figures, the explicit pool's flow and the potential list.

``headline`` holds one row per figure with last month's value beside it. Last month's value comes
from the headline stored when last month's report was built; the pool figures, which the pool
history keeps for every month, are taken from the history when no stored headline exists.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext, dig, label_columns
from cxradar.dashboard.tables import coded, col, spec

__all__ = ["HEADLINE_KEYS", "SPECS", "build"]

# key -> path in summary.json (value, and optionally the interval's low/high)
HEADLINE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...] | None]] = {
    "pool_size": (("pool", "size"), None, None),
    "pool_entered": (("pool", "entered"), None, None),
    "pool_exited": (("pool", "exited"), None, None),
    "potential_size": (("potential", "size"), None, None),
    "potential_silent": (("potential", "kinds", "silent", "count"), None, None),
    "potential_incident_hit": (("potential", "kinds", "incident_hit", "count"), None, None),
    "potential_model_predicted": (("potential", "kinds", "model_predicted", "count"), None, None),
    "coverage_estimated": (("model", "population", "recall"), None, None),
    "csi_satisfaction": (("survey", "csi", "index", "Satisfaction"), None, None),
    "survey_high_share": (
        ("survey", "overall", "high_share"),
        ("survey", "overall", "high_share_ci", "0"),
        ("survey", "overall", "high_share_ci", "1"),
    ),
    "campaign_effect_points": (
        ("campaign_evaluation", "index_points_on_participants", "diff"),
        ("campaign_evaluation", "index_points_on_participants", "ci_low"),
        ("campaign_evaluation", "index_points_on_participants", "ci_high"),
    ),
    "campaign_contribution_points": (
        ("campaign_evaluation", "contribution", "points_diff"),
        ("campaign_evaluation", "contribution", "points_ci_low"),
        ("campaign_evaluation", "contribution", "points_ci_high"),
    ),
    "churn_listed": (("churn", "counts", "churners_listed"), None, None),
    "churn_group_alerts": (("churn", "counts", "group_alerts"), None, None),
    "churn_multi_sim": (("churn", "counts", "multi_sim"), None, None),
    "fcr": (("survey", "complaints", "fcr"), None, None),
}

SPECS = [
    spec(
        "headline",
        "glance",
        ("one row per headline figure", "每个关键指标一行"),
        (
            "The month's headline figures (as in summary.json) with last month's value.",
            "本月关键指标（与summary.json一致）及上月数值。",
        ),
        col("key", "string", "figure", "指标"),
        col("value", "float", "this month", "本月"),
        col("ci_low", "float", "interval low (95%)", "置信区间下限（95%）"),
        col("ci_high", "float", "interval high (95%)", "置信区间上限（95%）"),
        col("previous", "float", "last month", "上月"),
    ),
    spec(
        "pool_flow",
        "glance",
        ("one row per month of the pool history", "池历史每月一行"),
        (
            "The explicit pool per month: customers entering, re-signalling, exiting, and its size at month end.",
            "明确不满意客户池每月流入、再次发声、退出人数及月末规模。",
        ),
        col("period", "string", "month", "月份"),
        col("entered", "int", "entered", "流入"),
        col("re_signalled", "int", "signalled again", "再次发声"),
        col("exited", "int", "exited", "退出"),
        col("size", "int", "size at month end", "月末规模"),
    ),
    spec(
        "pool_exits",
        "glance",
        ("one row per month and exit reason", "每月每种退出原因一行"),
        ("Why customers left the explicit pool, per month.", "客户退出明确不满意客户池的原因（按月）。"),
        col("period", "string", "month", "月份"),
        *coded("reason", "exit reason", "退出原因"),
        col("customers", "int", "customers", "客户数"),
    ),
    spec(
        "pool_composition",
        "glance",
        ("one row per entry signal or cause", "每种入池信号或原因一行"),
        (
            "The explicit pool at month end by the signal that brought customers in and by cause.",
            "月末明确不满意客户池按入池信号及不满原因的构成。",
        ),
        col("dimension", "string", "breakdown", "维度"),
        col("code", "string", "value (code)", "取值（代码）"),
        col("label_en", "string", "value (English)", "取值（英文）"),
        col("label_zh", "string", "value (Chinese)", "取值（中文）"),
        col("customers", "int", "customers", "客户数"),
    ),
    spec(
        "potential_kinds",
        "glance",
        ("one row per kind of potential dissatisfaction", "每类潜在不满意一行"),
        (
            "Potentially dissatisfied customers by kind (a customer may be several kinds) and those of one kind only.",
            "潜在不满意客户按类型统计（一位客户可属多类）及仅属该类的人数。",
        ),
        *coded("kind", "kind", "类型"),
        col("customers", "int", "customers", "客户数"),
        col("only_this_kind", "int", "of this kind only", "仅属此类"),
    ),
]


def _value(summary: dict[str, Any], path: tuple[str, ...] | None) -> float | None:
    if path is None:
        return None
    node: Any = summary
    for key in path:
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            node = dig(node, key)
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def pool_flow(ctx: AggregateContext) -> pd.DataFrame:
    if not ctx.files.has("pool_history"):
        return pd.DataFrame(columns=["period", "entered", "re_signalled", "exited", "size"])
    frame = ctx.files.sql(
        """
        WITH m AS (
          SELECT month AS period,
                 count(*) FILTER (WHERE event = 'enter') AS entered,
                 count(*) FILTER (WHERE event = 're_signal') AS re_signalled,
                 count(*) FILTER (WHERE event = 'exit') AS exited
          FROM pool_history WHERE month <= ? GROUP BY month)
        SELECT period, entered, re_signalled, exited,
               sum(entered - exited) OVER (ORDER BY period) AS size
        FROM m ORDER BY period
        """,
        [ctx.month],
    )
    return frame.astype({c: "int64" for c in ("entered", "re_signalled", "exited", "size")})


def pool_exits(ctx: AggregateContext) -> pd.DataFrame:
    if not ctx.files.has("pool_history"):
        return pd.DataFrame(columns=["period", "reason", "label_en", "label_zh", "customers"])
    frame = ctx.files.sql(
        """SELECT month AS period, signal AS code, count(*) AS customers FROM pool_history
           WHERE event = 'exit' AND month <= ? GROUP BY ALL ORDER BY period, customers DESC""",
        [ctx.month],
    )
    frame = label_columns(frame, "exit", ctx.labels).rename(columns={"code": "reason"})
    return frame[["period", "reason", "label_en", "label_zh", "customers"]]


def pool_composition(ctx: AggregateContext) -> pd.DataFrame:
    if not ctx.files.has("pool"):
        return pd.DataFrame(columns=["dimension", "code", "label_en", "label_zh", "customers"])
    parts = []
    for dimension, column, kind in (("signal", "entry_signal", "signal"), ("cause", "cause", "cause")):
        part = ctx.files.sql(
            f"SELECT coalesce({column}, 'unknown') AS code, count(*) AS customers FROM pool "
            "GROUP BY 1 ORDER BY customers DESC, code"
        )
        parts.append(label_columns(part, kind, ctx.labels).assign(dimension=dimension))
    frame = pd.concat(parts, ignore_index=True)
    return frame[["dimension", "code", "label_en", "label_zh", "customers"]]


def potential_kinds(ctx: AggregateContext) -> pd.DataFrame:
    if not ctx.files.has("potential"):
        return pd.DataFrame(columns=["kind", "label_en", "label_zh", "customers", "only_this_kind"])
    frame = ctx.files.sql(
        """
        WITH k AS (SELECT msisdn, unnest(string_split(kinds, ';')) AS code,
                          len(string_split(kinds, ';')) AS n FROM potential)
        SELECT code, count(DISTINCT msisdn) AS customers,
               count(DISTINCT msisdn) FILTER (WHERE n = 1) AS only_this_kind
        FROM k GROUP BY code ORDER BY customers DESC
        """
    )
    frame = label_columns(frame, "kind", ctx.labels).rename(columns={"code": "kind"})
    return frame[["kind", "label_en", "label_zh", "customers", "only_this_kind"]]


def headline(ctx: AggregateContext, flow: pd.DataFrame) -> pd.DataFrame:
    before = ctx.stored("headline", ctx.files.previous_month)
    previous = dict(zip(before["key"], before["value"], strict=True)) if len(before) else {}
    last = flow.loc[flow["period"] == ctx.files.previous_month]
    if len(last):  # the pool history keeps every month: use it when no stored headline exists
        row = last.iloc[0]
        for key, column in (("pool_size", "size"), ("pool_entered", "entered"), ("pool_exited", "exited")):
            previous.setdefault(key, float(row[column]))
    rows = []
    for key, (path, low, high) in HEADLINE_KEYS.items():
        rows.append(
            {
                "key": key,
                "value": _value(ctx.summary, path),
                "ci_low": _value(ctx.summary, low),
                "ci_high": _value(ctx.summary, high),
                "previous": previous.get(key),
            }
        )
    return pd.DataFrame(rows).astype({c: "float64" for c in ("value", "ci_low", "ci_high", "previous")})


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    flow = pool_flow(ctx)
    return {
        "headline": headline(ctx, flow),
        "pool_flow": flow,
        "pool_exits": pool_exits(ctx),
        "pool_composition": pool_composition(ctx),
        "potential_kinds": potential_kinds(ctx),
    }

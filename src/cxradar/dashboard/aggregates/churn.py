"""Churn outlook: the listed likely churners by risk band, factor and segment, group alerts, multi-SIM.

The churn step lists the top share of scored customers by probability (``churn/churners.parquet``,
with the top factors as sentences). The *expected* churners on the list are the sum of the
probabilities, and the expected lift is the list's mean probability over the training churn rate -
what the model promises, until the horizon shows the actual churn. Factors are counted from the
reason sentences (``label = value raises the risk``) and named in both languages through the
feature catalog.
"""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext, dig, label_columns
from cxradar.dashboard.tables import coded, col, spec

__all__ = ["SPECS", "build"]

SPECS = [
    spec(
        "churn_outlook",
        "churn",
        ("one row", "一行"),
        (
            "Scored customers, the list of likely churners, expected churners on it and the expected lift over the base rate.",
            "评分客户数、可能离网客户名单、名单中预期离网人数及相对基准离网率的预期提升倍数。",
        ),
        col("scored", "int", "customers scored", "评分客户数"),
        col("listed", "int", "likely churners listed", "列入名单人数"),
        col("expected_churners", "float", "expected churners on the list", "名单预期离网人数"),
        col("mean_probability", "float", "mean probability on the list", "名单平均离网概率"),
        col("base_rate", "float", "base churn rate (training)", "基准离网率（训练期）"),
        col("expected_lift", "float", "expected lift over random", "预期提升倍数"),
        col("retention_value", "float", "retention value at stake (CNY)", "挽留价值（元）"),
        col("horizon_months", "int", "horizon (months)", "预测期（月）"),
    ),
    spec(
        "churn_risk_bands",
        "churn",
        ("one row per probability band", "每个概率区间一行"),
        ("Listed likely churners per band of churn probability.", "名单客户按离网概率区间分布。"),
        col("band", "string", "probability band", "概率区间"),
        col("band_low", "float", "band from", "区间下限"),
        col("customers", "int", "customers", "客户数"),
        col("expected_churners", "float", "expected churners", "预期离网人数"),
    ),
    spec(
        "churn_factors",
        "churn",
        ("one row per factor", "每个因素一行"),
        (
            "Factors that raise the churn risk of listed customers: how often each is the first and among the top factors.",
            "推高名单客户离网风险的因素：作为首要因素及前几位因素的次数。",
        ),
        col("factor_en", "string", "factor (English)", "因素（英文）"),
        col("factor_zh", "string", "factor (Chinese)", "因素（中文）"),
        col("first_factor", "int", "customers: first factor", "首要因素人数"),
        col("top_factor", "int", "customers: among the top factors", "前几位因素人数"),
    ),
    spec(
        "churn_segments",
        "churn",
        ("one row per segment", "每个客户群一行"),
        ("Listed likely churners and their retention value per segment.", "各客户群名单人数及挽留价值。"),
        *coded("segment", "segment", "客户群"),
        col("customers", "int", "customers", "客户数"),
        col("retention_value", "float", "retention value (CNY)", "挽留价值（元）"),
    ),
    spec(
        "churn_group_alerts",
        "churn",
        ("one row per alerted corporate group", "每个预警集团一行"),
        (
            "Corporate groups (VPMN) with a collective-churn alert and the evidence in words.",
            "发出集体离网预警的集团客户（VPMN）及文字证据。",
        ),
        col("group_id", "string", "group", "集团"),
        col("members", "int", "members", "成员数"),
        col("members_left", "int", "members left", "已离网成员"),
        col("n_signals", "int", "signals", "预警信号数"),
        col("evidence_en", "string", "evidence (English)", "证据（英文）"),
        col("evidence_zh", "string", "evidence (Chinese)", "证据（中文）"),
    ),
    spec(
        "churn_multi_sim",
        "churn",
        ("one row per segment", "每个客户群一行"),
        ("Multi-SIM big customers per segment.", "各客户群的多卡大客户。"),
        *coded("segment", "segment", "客户群"),
        col("customers", "int", "customers", "客户数"),
        col("avg_spend_6m", "float", "mean spend, 6 months (CNY)", "近6个月月均消费（元）"),
    ),
    spec(
        "churn_exclusions",
        "churn",
        ("one row per exclusion reason", "每种排除原因一行"),
        (
            "Customers left out of churn scoring this month, and why (the seed's exclusions).",
            "本月未纳入离网评分的客户及原因（案例规定的排除项）。",
        ),
        col("reason", "string", "reason (code)", "原因（代码）"),
        col("label_en", "string", "reason (English)", "原因（英文）"),
        col("label_zh", "string", "reason (Chinese)", "原因（中文）"),
        col("customers", "int", "customers", "客户数"),
    ),
]


def outlook(ctx: AggregateContext) -> pd.DataFrame:
    report = ctx.files.json("churn/churn_report.json") or {}
    if not ctx.files.has("churners") or report.get("month") != ctx.month:
        return pd.DataFrame(columns=SPECS[0].column_names[1:])
    row = ctx.files.sql(
        "SELECT count(*) AS listed, sum(probability) AS expected, avg(probability) AS mean_p, "
        "sum(retention_value) AS retention FROM churners"
    ).iloc[0]
    base = dig(report, "model", "churn_rate")
    return pd.DataFrame(
        [
            {
                "scored": dig(report, "counts", "scored"),
                "listed": int(row["listed"]),
                "expected_churners": float(row["expected"] or 0.0),
                "mean_probability": float(row["mean_p"] or 0.0),
                "base_rate": base,
                "expected_lift": float(row["mean_p"]) / base if base else None,
                "retention_value": float(row["retention"] or 0.0),
                "horizon_months": report.get("horizon_months"),
            }
        ]
    ).astype(
        {"scored": "Int64", "base_rate": "float64", "expected_lift": "float64", "horizon_months": "Int64"}
    )


def risk_bands(ctx: AggregateContext) -> pd.DataFrame:
    frame = ctx.files.sql(
        """SELECT least(floor(probability * 10), 9) / 10 AS band_low, count(*) AS customers,
                  sum(probability) AS expected_churners FROM churners GROUP BY 1 ORDER BY 1"""
    )
    frame["band"] = [f"{lo:.1f}-{lo + 0.1:.1f}" for lo in frame["band_low"]]
    return frame[SPECS[1].column_names[1:]]


_REASON = r"(.+?) = (\S+) (raises|lowers) the risk(?:; |$)"


def factors(ctx: AggregateContext) -> pd.DataFrame:
    """Count factors in the reason sentences ``label = value raises|lowers the risk; ...`` (labels
    may themselves hold ``; `` or ``=``, so the sentence is matched as a whole, not split)."""
    frame = ctx.files.sql(
        f"""
        WITH m AS (SELECT regexp_extract_all(reasons_en, '{_REASON}', 1) AS labels,
                          regexp_extract_all(reasons_en, '{_REASON}', 3) AS directions
                   FROM churners WHERE reasons_en IS NOT NULL),
             u AS (SELECT unnest(labels) AS factor_en, unnest(directions) AS direction,
                          generate_subscripts(labels, 1) AS position FROM m)
        SELECT factor_en, count(*) FILTER (WHERE position = 1) AS first_factor, count(*) AS top_factor
        FROM u WHERE direction = 'raises' GROUP BY 1 ORDER BY top_factor DESC, factor_en
        """
    )
    frame["factor_zh"] = [ctx.labels.feature_by_english(f).zh for f in frame["factor_en"]]
    return frame[SPECS[2].column_names[1:]].reset_index(drop=True)


def segments(ctx: AggregateContext, view: str, value: str, value_name: str) -> pd.DataFrame:
    frame = ctx.files.sql(
        f"SELECT coalesce(segment, 'unknown') AS code, count(*) AS customers, {value} AS {value_name} "
        f"FROM {view} GROUP BY 1 ORDER BY customers DESC, code"
    )
    return label_columns(frame, "segment", ctx.labels).rename(columns={"code": "segment"})


def exclusions(ctx: AggregateContext) -> pd.DataFrame:
    report = ctx.files.json("churn/churn_report.json") or {}
    excluded = dig(report, "exclusions", ctx.month, "excluded") or {}
    rows = [
        {
            "reason": code,
            "label_en": e.get("en", code),
            "label_zh": e.get("zh", code),
            "customers": e.get("rows"),
        }
        for code, e in excluded.items()
    ]
    return pd.DataFrame(rows, columns=SPECS[6].column_names[1:]).astype({"customers": "Int64"})


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    empty = {s.name: pd.DataFrame(columns=s.column_names[1:]) for s in SPECS}
    out = dict(empty)
    current = (ctx.files.json("churn/churn_report.json") or {}).get("month") == ctx.month
    if not current:
        return out
    out["churn_outlook"] = outlook(ctx)
    out["churn_exclusions"] = exclusions(ctx)
    if ctx.files.has("churners"):
        out["churn_risk_bands"] = risk_bands(ctx)
        out["churn_factors"] = factors(ctx)
        out["churn_segments"] = segments(ctx, "churners", "sum(retention_value)", "retention_value")[
            SPECS[3].column_names[1:]
        ]
    if ctx.files.has("group_alerts"):
        out["churn_group_alerts"] = ctx.files.sql(
            "SELECT group_id, members, members_left, n_signals, evidence_en, evidence_zh FROM group_alerts "
            "WHERE alert ORDER BY n_signals DESC, members DESC, group_id"
        )
    if ctx.files.has("multi_sim"):
        out["churn_multi_sim"] = segments(ctx, "multi_sim", "avg(avg_spend_6m)", "avg_spend_6m")[
            SPECS[5].column_names[1:]
        ]
    return out

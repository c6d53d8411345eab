"""Survey, touchpoints and complaints: the 1-10 distribution, the 8-10 share by group, waves,
the 4S touchpoints, complaint concentration and first-contact resolution against the targets.

Survey answers are a sample (a few thousand rows even for a large operator): the answers up to the
month are read with SQL, joined in SQL to the respondents' own subscriber rows only, and handed
to the survey analytics of :mod:`cxradar.survey.scores` (the same weighted estimates, intervals and
tests as ``cxradar survey report``). Complaints can be many, so their tables are SQL aggregates;
the definitions follow :mod:`cxradar.survey.complaints` (complaints *opened* in the month; FCR
among those where first-contact resolution is known; the value-added target for that product).
"""

from __future__ import annotations

import gc
from dataclasses import replace

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext, label_columns
from cxradar.dashboard.tables import coded, col, spec
from cxradar.survey.config import SurveyConfig, load_survey_config
from cxradar.survey.scores import (
    band_summary,
    compare_groups,
    prepare_responses,
    score_distribution,
    wave_trend,
)
from cxradar.survey.touchpoints import touchpoint_importance, touchpoint_priorities, touchpoint_scores

__all__ = ["GROUP_DIMENSIONS", "SPECS", "build"]

GROUP_DIMENSIONS = ("core", "segment", "brand", "district")
_GROUP_COLUMNS = ("n", "mean", "mean_lo", "mean_hi", "high_share", "high_lo", "high_hi", "low_share")

SPECS = [
    spec(
        "survey_distribution",
        "survey",
        ("one row per score 1-10", "每个分值（1-10）一行"),
        (
            "The month's 1-10 overall scores: respondents and weighted share.",
            "本月1-10分总体评分：受访人数及加权占比。",
        ),
        col("score", "int", "score", "分值"),
        col("respondents", "int", "respondents", "受访人数"),
        col("share", "float", "share (weighted)", "占比（加权）"),
    ),
    spec(
        "survey_groups",
        "survey",
        ("one row per breakdown and group", "每个维度每个分组一行"),
        (
            "Mean score and the high-score share (8-10) with 95% intervals: all, core vs mass, segment, brand, district.",
            "平均分及高分段（8-10分）占比和95%置信区间：全部、核心与大众、客户群、品牌、区县。",
        ),
        col("dimension", "string", "breakdown", "维度"),
        col("code", "string", "group (code)", "分组（代码）"),
        col("label_en", "string", "group (English)", "分组（英文）"),
        col("label_zh", "string", "group (Chinese)", "分组（中文）"),
        col("respondents", "int", "respondents", "受访人数"),
        col("mean", "float", "mean score", "平均分"),
        col("mean_lo", "float", "mean: 95% low", "平均分95%下限"),
        col("mean_hi", "float", "mean: 95% high", "平均分95%上限"),
        col("high_share", "float", "high-score share (8-10)", "高分段占比（8-10分）"),
        col("high_lo", "float", "high share: 95% low", "高分段95%下限"),
        col("high_hi", "float", "high share: 95% high", "高分段95%上限"),
        col("low_share", "float", "low-score share (1-6)", "低分段占比（1-6分）"),
    ),
    spec(
        "survey_tests",
        "survey",
        ("one row per breakdown and measure", "每个维度每项指标一行"),
        (
            "Do the groups differ? Wald tests of the weighted estimates.",
            "各分组是否存在差异：加权估计的Wald检验。",
        ),
        col("by", "string", "breakdown", "维度"),
        col("measure", "string", "measure", "指标"),
        col("statistic", "float", "test statistic", "检验统计量"),
        col("df", "float", "degrees of freedom", "自由度"),
        col("p_value", "float", "p-value", "p值"),
        col("significant", "bool", "significant", "是否显著"),
    ),
    spec(
        "survey_pairwise",
        "survey",
        ("one row per pair of groups", "每对分组一行"),
        (
            "Pairwise differences of the mean score with p-values adjusted for multiple comparisons (Holm).",
            "平均分两两比较，p值经多重比较校正（Holm法）。",
        ),
        col("by", "string", "breakdown", "维度"),
        col("group_a", "string", "group A", "分组A"),
        col("group_b", "string", "group B", "分组B"),
        col("difference", "float", "difference (A - B)", "差值（A-B）"),
        col("p_adjusted", "float", "adjusted p-value", "校正后p值"),
        col("significant", "bool", "significant", "是否显著"),
    ),
    spec(
        "survey_waves",
        "survey",
        ("one row per survey wave", "每轮调查一行"),
        ("Mean score and high-score share per survey wave.", "各轮调查的平均分与高分段占比。"),
        col("wave", "string", "wave", "调查轮次"),
        col("respondents", "int", "respondents", "受访人数"),
        col("mean", "float", "mean score", "平均分"),
        col("high_share", "float", "high-score share (8-10)", "高分段占比（8-10分）"),
    ),
    spec(
        "touchpoints",
        "survey",
        ("one row per 4S touchpoint", "每个4S触点一行"),
        (
            "4S touchpoint scores against their targets, their share of the explained variation and the priority.",
            "4S触点得分与目标对比、对总体满意度可解释差异的贡献及改进优先级。",
        ),
        *coded("touchpoint", "touchpoint", "触点"),
        col("respondents", "int", "respondents", "受访人数"),
        col("mean", "float", "mean score", "平均分"),
        col("target", "float", "target", "目标"),
        col("gap", "float", "gap to target", "距目标差距"),
        col("importance_share", "float", "share of explained variation", "可解释差异占比"),
        col("rank", "int", "priority", "优先级"),
        col("sentence_en", "string", "priority (English)", "优先事项（英文）"),
        col("sentence_zh", "string", "priority (Chinese)", "优先事项（中文）"),
    ),
    spec(
        "complaint_types",
        "survey",
        ("one row per month and complaint type", "每月每种投诉类型一行"),
        (
            "Complaints by type over the last months, with each type's share and the cumulative (Pareto) share.",
            "近几个月各类投诉量、占比及累计（帕累托）占比。",
        ),
        col("period", "string", "month", "月份"),
        *coded("type", "complaint type", "投诉类型"),
        col("complaints", "int", "complaints", "投诉量"),
        col("share", "float", "share", "占比"),
        col("cumulative_share", "float", "cumulative share", "累计占比"),
        col("vital_few", "bool", "among the vital few (80%)", "属关键少数（80%）"),
    ),
    spec(
        "complaint_districts",
        "survey",
        ("one row per district", "每个区县一行"),
        (
            "The month's complaints per district and per 10,000 subscribers.",
            "本月各区县投诉量及每万户投诉量。",
        ),
        *coded("district", "district", "区县"),
        col("complaints", "int", "complaints", "投诉量"),
        col("subscribers", "int", "subscribers", "用户数"),
        col("per_10k", "float", "per 10,000 subscribers", "每万户投诉量"),
    ),
    spec(
        "complaint_resolution",
        "survey",
        ("one row per breakdown and group", "每个维度每个分组一行"),
        (
            "First-contact resolution of the month's complaints against the targets (80% overall, 85% value-added).",
            "本月投诉一次解决率与目标对比（总体80%，增值业务85%）。",
        ),
        col("dimension", "string", "breakdown", "维度"),
        col("code", "string", "group (code)", "分组（代码）"),
        col("label_en", "string", "group (English)", "分组（英文）"),
        col("label_zh", "string", "group (Chinese)", "分组（中文）"),
        col("complaints", "int", "complaints", "投诉量"),
        col("fcr", "float", "first-contact resolution", "一次解决率"),
        col("fcr_target", "float", "target", "目标"),
        col("met", "bool", "target met", "是否达标"),
    ),
    spec(
        "complaint_trend",
        "survey",
        ("one row per month", "每月一行"),
        ("Complaints and first-contact resolution per month.", "每月投诉量及一次解决率。"),
        col("period", "string", "month", "月份"),
        col("complaints", "int", "complaints", "投诉量"),
        col("fcr", "float", "first-contact resolution", "一次解决率"),
        col("fcr_target", "float", "target", "目标"),
    ),
]


def _responses(ctx: AggregateContext, config: SurveyConfig) -> pd.DataFrame:
    if not ctx.files.has("surveys") or "answered_at" not in ctx.files.columns("surveys"):
        return pd.DataFrame()
    end = f"{ctx.month}-01"
    surveys = ctx.files.sql(
        "SELECT * FROM surveys WHERE answered_at < (CAST(? AS DATE) + INTERVAL 1 MONTH)", [end]
    )
    subscribers = None
    if ctx.files.has("subscribers"):
        attrs = [
            c
            for c in ("segment", "district", "brand", "customer_level")
            if c in ctx.files.columns("subscribers")
        ]
        subscribers = ctx.files.sql(
            f"""SELECT msisdn, {", ".join(attrs)} FROM subscribers
                WHERE msisdn IN (SELECT msisdn FROM surveys)"""
        )
    return prepare_responses(surveys, subscribers, config)


def _group_kind(dimension: str) -> str:
    return {"core": "core"}.get(dimension, dimension)


def survey_tables(ctx: AggregateContext, config: SurveyConfig) -> dict[str, pd.DataFrame]:
    responses = _responses(ctx, config)
    empty = {s.name: pd.DataFrame(columns=s.column_names[1:]) for s in SPECS[:6]}
    if responses.empty:
        return empty
    start = pd.Timestamp(f"{ctx.month}-01")
    month_rows = responses.loc[responses["month"] == start]
    if month_rows.empty:
        return empty
    dist = score_distribution(month_rows).rename(columns={"count": "respondents"})
    groups = [band_summary(month_rows, config).assign(dimension="all", code="all")]
    tests, pairs = [], []
    for by in GROUP_DIMENSIONS:
        if by in month_rows.columns and month_rows[by].notna().any():
            summary, test, pair = compare_groups(month_rows, by, config)
            groups.append(summary.rename(columns={by: "code"}).assign(dimension=by))
            tests.append(test)
            pairs.append(pair.loc[pair["measure"] == "mean"] if "measure" in pair.columns else pair)
    labelled = []
    for frame in groups:
        kind = _group_kind(str(frame["dimension"].iloc[0])) if len(frame) else "segment"
        frame = frame.assign(code=frame["code"].astype(str))
        labelled.append(label_columns(frame, kind, ctx.labels))
    group_table = pd.concat(labelled, ignore_index=True).rename(columns={"n": "respondents"})
    per_wave, _trend = wave_trend(responses, config)
    out = {
        "survey_distribution": dist[["score", "respondents", "share"]],
        "survey_groups": group_table[SPECS[1].column_names[1:]],
        "survey_tests": (
            pd.concat(tests, ignore_index=True)[SPECS[2].column_names[1:]] if tests else empty["survey_tests"]
        ),
        "survey_pairwise": (
            pd.concat(pairs, ignore_index=True)[SPECS[3].column_names[1:]]
            if pairs
            else empty["survey_pairwise"]
        ),
        "survey_waves": per_wave.rename(columns={"n": "respondents"})[SPECS[4].column_names[1:]],
        "touchpoints": _touchpoints(ctx, responses, month_rows, config),
    }
    return out


def _touchpoints(
    ctx: AggregateContext, responses: pd.DataFrame, month_rows: pd.DataFrame, config: SurveyConfig
) -> pd.DataFrame:
    scores = touchpoint_scores(month_rows, config)
    if not len(scores):
        return pd.DataFrame(columns=SPECS[5].column_names[1:])
    # The report shows each touchpoint's LMG share, not its bootstrap interval: one resample keeps
    # the call cheap (the interval is the survey report's, `cxradar survey report`).
    importance = touchpoint_importance(responses, replace(config, touchpoint_bootstrap=1))
    table = touchpoint_priorities(scores, importance) if len(importance) else scores
    table = label_columns(table.rename(columns={"touchpoint": "code"}), "touchpoint", ctx.labels)
    table = table.rename(columns={"code": "touchpoint", "n": "respondents", "lmg_share": "importance_share"})
    for column in ("importance_share", "rank", "sentence_en", "sentence_zh"):
        if column not in table.columns:
            table[column] = None
    return table[SPECS[5].column_names[1:]]


def complaint_tables(ctx: AggregateContext, config: SurveyConfig) -> dict[str, pd.DataFrame]:
    empty = {s.name: pd.DataFrame(columns=s.column_names[1:]) for s in SPECS[6:]}
    if not ctx.files.has("complaints"):
        return empty
    targets = config.complaints
    months = config.complaints.trend_months
    first = (pd.Timestamp(f"{ctx.month}-01") - pd.DateOffset(months=months - 1)).strftime("%Y-%m")
    columns = ctx.files.columns("complaints")
    types = ctx.files.sql(
        """
        WITH c AS (SELECT strftime(opened_at, '%Y-%m') AS period, coalesce(type, 'unknown') AS code, count(*) AS complaints
                   FROM complaints WHERE strftime(opened_at, '%Y-%m') BETWEEN ? AND ? GROUP BY ALL)
        SELECT period, code, complaints, complaints / sum(complaints) OVER (PARTITION BY period) AS share,
               sum(complaints) OVER (PARTITION BY period ORDER BY complaints DESC, code
                                     ROWS UNBOUNDED PRECEDING) / sum(complaints) OVER (PARTITION BY period)
                 AS cumulative_share
        FROM c ORDER BY period, complaints DESC, code
        """,
        [first, ctx.month],
    )
    types["vital_few"] = (types["cumulative_share"] - types["share"]) < targets.pareto_share
    types = label_columns(types, "complaint_type", ctx.labels).rename(columns={"code": "type"})
    fcr_expr = "avg(first_contact_resolved::INT)" if "first_contact_resolved" in columns else "NULL::DOUBLE"
    trend = ctx.files.sql(
        f"""SELECT strftime(opened_at, '%Y-%m') AS period, count(*) AS complaints, {fcr_expr} AS fcr
            FROM complaints WHERE strftime(opened_at, '%Y-%m') BETWEEN ? AND ? GROUP BY 1 ORDER BY 1""",
        [first, ctx.month],
    ).assign(fcr_target=targets.fcr_target)
    parts = []
    for dimension in ("all", "type", "product", "channel"):
        if dimension != "all" and dimension not in columns:
            continue
        key = "'all'" if dimension == "all" else f"coalesce(CAST({dimension} AS VARCHAR), 'unknown')"
        part = ctx.files.sql(
            f"""SELECT {key} AS code, count(*) AS complaints, {fcr_expr} AS fcr FROM complaints
                WHERE strftime(opened_at, '%Y-%m') = ? GROUP BY 1 ORDER BY complaints DESC, code""",
            [ctx.month],
        )
        part["fcr_target"] = [
            targets.fcr_target_by_product.get(c, targets.fcr_target)
            if dimension == "product"
            else targets.fcr_target
            for c in part["code"]
        ]
        kind = {"type": "complaint_type", "product": "product", "channel": "channel"}.get(
            dimension, "segment"
        )
        parts.append(label_columns(part, kind, ctx.labels).assign(dimension=dimension))
    resolution = pd.concat(parts, ignore_index=True)
    resolution["met"] = resolution["fcr"] >= resolution["fcr_target"]
    out = {
        "complaint_types": types[SPECS[6].column_names[1:]],
        "complaint_resolution": resolution[SPECS[8].column_names[1:]],
        "complaint_trend": trend[SPECS[9].column_names[1:]],
        "complaint_districts": empty["complaint_districts"],
    }
    if ctx.files.has("subscribers", "features") and "district" in ctx.files.columns("features"):
        districts = ctx.files.sql(
            """
            WITH base AS (SELECT coalesce(district, 'unknown') AS code, count(*) AS subscribers FROM features GROUP BY 1),
                 c AS (SELECT coalesce(s.district, 'unknown') AS code, count(*) AS complaints
                       FROM complaints k JOIN subscribers s USING (msisdn)
                       WHERE strftime(k.opened_at, '%Y-%m') = ? GROUP BY 1)
            SELECT base.code, coalesce(c.complaints, 0) AS complaints, base.subscribers,
                   10000.0 * coalesce(c.complaints, 0) / base.subscribers AS per_10k
            FROM base LEFT JOIN c USING (code) ORDER BY per_10k DESC, code
            """,
            [ctx.month],
        )
        districts = label_columns(districts, "district", ctx.labels).rename(columns={"code": "district"})
        out["complaint_districts"] = districts[SPECS[7].column_names[1:]]
    return out


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    config = load_survey_config()
    # statsmodels' multipletests (the Holm adjustment of the pairwise tests) calls gc.collect() on
    # every call: about a second each in a process holding many objects. Freezing the objects that
    # exist now makes those collections cheap; unfreeze hands them back to the collector.
    gc.freeze()
    try:
        survey = survey_tables(ctx, config)
    finally:
        gc.unfreeze()
    return {**survey, **complaint_tables(ctx, config)}

"""Page 6 - survey, touchpoints, complaints: the 1-10 distribution, 8-10 share by group, waves, the
4S touchpoints, complaint concentration and first-contact resolution against the 80 % / 85 % targets.
Statistics tables are collapsed below the charts, p-values written for people (p < 0.001)."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import Series, line
from cxradar.dashboard.model import Block, Bullets, Page, Section, Table
from cxradar.dashboard.pages.chartspec import Measure, prefixed, row_bars
from cxradar.dashboard.pages.common import frame_table, notice_section, row_labels, with_column
from cxradar.dashboard.text import Text, same, t

__all__ = ["PAGE_ID", "build"]

PAGE_ID = "survey"
DIMENSIONS = {
    "all": t("all", "全部"),
    "core": t("core vs mass", "核心与大众"),
    "segment": t("segment", "客户群"),
    "brand": t("brand", "品牌"),
    "district": t("district", "区县"),
    "type": t("complaint type", "投诉类型"),
    "product": t("product", "产品"),
    "channel": t("channel", "渠道"),
}
BREAKDOWN = t("breakdown", "维度")
MEASURES = {
    "mean": t("mean score", "平均分"),
    "high_share": t("high-score share", "高分段占比"),
    "low_share": t("low-score share", "低分段占比"),
}


def survey_sections(m: MonthTables) -> list[Section]:
    dist, groups, waves = m.table("survey_distribution"), m.table("survey_groups"), m.table("survey_waves")
    tests, pairs, tps = m.table("survey_tests"), m.table("survey_pairwise"), m.table("touchpoints")
    if not len(dist):
        return [
            notice_section(
                t("Survey", "满意度调查"),
                t("No survey answers this month", "本月无调查数据"),
                t("load the month's survey table", "请导入本月调查表"),
            )
        ]
    sections = [
        Section(
            t("The 1-10 score", "1-10分评分"),
            [
                row_bars(
                    "survey-distribution",
                    t("Distribution of the overall score (weighted)", "总体评分分布（加权）"),
                    dist,
                    Measure("share", t("share of respondents", "受访者占比")),
                    categories=[same(str(s)) for s in dist["score"]],
                    percent=True,
                ),
            ],
        )
    ]
    core_seg = groups.loc[groups["dimension"].isin(["all", "core", "segment", "brand"])]
    if len(core_seg):
        sections[0].blocks.append(
            row_bars(
                "survey-high-share",
                t("High-score share (8-10) by group", "各分组高分段（8-10分）占比"),
                core_seg,
                Measure("high_share", t("high-score share", "高分段占比")),
                categories=prefixed(DIMENSIONS, core_seg["dimension"], row_labels(core_seg)),
                horizontal=True,
                percent=True,
            )
        )
    if len(waves) > 1:
        sections.append(
            Section(
                t("Trend over survey waves", "各轮调查趋势"),
                [
                    line(
                        "survey-waves",
                        t("Mean score and high-score share per wave", "各轮平均分与高分段占比"),
                        list(waves["wave"]),
                        [
                            Series(t("mean score", "平均分"), list(waves["mean"]), kind="line"),
                            Series(
                                t("high-score share", "高分段占比"),
                                list(waves["high_share"]),
                                kind="line",
                                axis=1,
                            ),
                        ],
                        value_name=t("mean (1-10)", "平均分（1-10）"),
                        right_percent=True,
                        right_name=t("high share", "高分段占比"),
                    )
                ],
            )
        )
    if len(tps):
        bullets = [
            Text(str(r["sentence_en"]), str(r["sentence_zh"]))
            for _i, r in tps.iterrows()
            if isinstance(r["sentence_en"], str)
        ]
        target = float(tps["target"].iloc[0])
        sections.append(
            Section(
                t("4S touchpoints", "4S触点"),
                [
                    row_bars(
                        "survey-touchpoints",
                        t("Touchpoint scores against the target", "各触点得分与目标对比"),
                        tps,
                        Measure("mean", t("mean score", "平均分")),
                        horizontal=True,
                        mark=(t("target", "目标"), target),
                    ),
                    *([Bullets(bullets)] if bullets else []),
                    frame_table(
                        t("Touchpoints", "触点"),
                        tps,
                        "touchpoints",
                        [
                            ("label", "text"),
                            ("respondents", "count"),
                            ("mean", "num2"),
                            ("target", "num1"),
                            ("gap", "num2"),
                            ("importance_share", "pct"),
                            ("rank", "count"),
                        ],
                    ),
                ],
            )
        )
    stats: list[Block] = [
        with_column(
            frame_table(
                t(
                    "Mean and high-score share by group, with 95% intervals",
                    "各分组平均分与高分段占比（含95%置信区间）",
                ),
                groups,
                "survey_groups",
                [
                    ("label", "text"),
                    ("respondents", "count"),
                    ("mean", "num2"),
                    ("mean_lo", "num2"),
                    ("mean_hi", "num2"),
                    ("high_share", "pct"),
                    ("high_lo", "pct"),
                    ("high_hi", "pct"),
                    ("low_share", "pct"),
                ],
            ),
            BREAKDOWN,
            _dimensions(groups["dimension"]),
        )
    ]
    if len(tests):
        table = frame_table(
            t("Do the groups differ? (Wald tests)", "分组差异检验（Wald检验）"),
            tests,
            "survey_tests",
            [("statistic", "num2"), ("df", "num1"), ("p_value", "p"), ("significant", "bool")],
        )
        with_column(
            table, t("measure", "指标"), [MEASURES.get(str(x), same(str(x))) for x in tests["measure"]]
        )
        stats.append(with_column(table, BREAKDOWN, _dimensions(tests["by"])))
    if len(pairs):
        table = frame_table(
            t("Pairs of groups (mean score, Holm-adjusted)", "分组两两比较（平均分，Holm校正）"),
            pairs,
            "survey_pairwise",
            [
                ("group_a", "text"),
                ("group_b", "text"),
                ("difference", "num2"),
                ("p_adjusted", "p"),
                ("significant", "bool"),
            ],
        )
        _label_pairs(table, pairs, m)
        stats.append(table)
    sections.append(Section(t("Statistics", "统计检验"), stats))
    return sections


def _dimensions(codes: pd.Series) -> list[Text]:
    return [DIMENSIONS.get(str(d), same(str(d))) for d in codes]


def _label_pairs(table: Table, pairs: pd.DataFrame, m: MonthTables) -> None:
    groups = m.table("survey_groups")
    names = {
        (str(r["dimension"]), str(r["code"])): Text(str(r["label_en"]), str(r["label_zh"]))
        for _i, r in groups.iterrows()
    }
    for row, (_i, r) in zip(table.rows, pairs.iterrows(), strict=True):
        by = str(r["by"])
        row[0] = names.get((by, str(r["group_a"])), row[0])
        row[1] = names.get((by, str(r["group_b"])), row[1])
    with_column(table, BREAKDOWN, _dimensions(pairs["by"]))


def complaint_sections(m: MonthTables) -> list[Section]:
    types, districts = m.table("complaint_types"), m.table("complaint_districts")
    resolution, trend = m.table("complaint_resolution"), m.table("complaint_trend")
    if not len(resolution):
        return [
            notice_section(
                t("Complaints", "投诉"),
                t("No complaints this month", "本月无投诉数据"),
                t("load the complaints table", "请导入投诉表"),
            )
        ]
    now = types.loc[types["period"] == m.month]
    blocks: list[Block] = []
    if len(now):
        blocks.append(
            row_bars(
                "complaints-pareto",
                t("Complaint concentration this month (Pareto)", "本月投诉集中度（帕累托）"),
                now,
                [
                    Measure("complaints", t("complaints", "投诉量")),
                    Measure("cumulative_share", t("cumulative share", "累计占比"), kind="line", axis=1),
                ],
                right_percent=True,
                value_name=t("complaints", "投诉量"),
                right_name=t("cumulative", "累计"),
            )
        )
    if len(districts):
        blocks.append(
            row_bars(
                "complaints-districts",
                t("Complaints per 10,000 subscribers by district", "各区县每万户投诉量"),
                districts,
                Measure("per_10k", t("per 10,000 subscribers", "每万户")),
                horizontal=True,
            )
        )
    fcr_rows = resolution.loc[resolution["dimension"].isin(["all", "type", "product"])]
    blocks.append(
        row_bars(
            "complaints-fcr",
            t("First-contact resolution against the target", "一次解决率与目标对比"),
            fcr_rows,
            [
                Measure("fcr", t("first-contact resolution", "一次解决率")),
                Measure("fcr_target", t("target", "目标"), kind="scatter"),
            ],
            categories=prefixed(DIMENSIONS, fcr_rows["dimension"], row_labels(fcr_rows)),
            horizontal=True,
            percent=True,
            note=t(
                "Targets: 80% overall, 85% for value-added services (the seed).",
                "目标：总体80%，增值业务85%（案例要求）。",
            ),
        )
    )
    if len(trend) > 1:
        blocks.append(
            line(
                "complaints-trend",
                t("Complaints and first-contact resolution per month", "每月投诉量与一次解决率"),
                list(trend["period"]),
                [
                    Series(t("complaints", "投诉量"), list(trend["complaints"]), kind="bar"),
                    Series(
                        t("first-contact resolution", "一次解决率"), list(trend["fcr"]), kind="line", axis=1
                    ),
                ],
                right_percent=True,
                value_name=t("complaints", "投诉量"),
                right_name=t("resolution", "解决率"),
            )
        )
    table = frame_table(
        t("First-contact resolution by group", "各分组一次解决率"),
        resolution,
        "complaint_resolution",
        [("label", "text"), ("complaints", "count"), ("fcr", "pct"), ("fcr_target", "pct"), ("met", "mark")],
    )
    blocks.append(with_column(table, BREAKDOWN, _dimensions(resolution["dimension"])))
    blocks.append(
        frame_table(
            t("Complaints by type and month", "各月各类投诉"),
            types,
            "complaint_types",
            [
                ("period", "text"),
                ("label", "text"),
                ("complaints", "count"),
                ("share", "pct"),
                ("cumulative_share", "pct"),
                ("vital_few", "bool"),
            ],
        )
    )
    return [Section(t("Complaints", "投诉"), blocks)]


def build(m: MonthTables) -> Page:
    return Page(
        PAGE_ID,
        t("Survey, touchpoints, complaints", "满意度调查、触点与投诉"),
        t(
            "What surveyed customers say, which touchpoints fall short, and how complaints are handled against the targets.",
            "受访客户的评价、未达目标的触点，以及投诉处理与目标的对比。",
        ),
        survey_sections(m) + complaint_sections(m),
    )

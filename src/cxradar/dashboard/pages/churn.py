"""Page 7 - churn: the listed likely churners by risk band and factor, corporate-group alerts, multi-SIM."""

from __future__ import annotations

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.model import Block, Kpi, KpiGrid, Page, Section
from cxradar.dashboard.pages.chartspec import CUSTOMERS, Measure, row_bars
from cxradar.dashboard.pages.common import frame_table, missing, notice_section
from cxradar.dashboard.text import Text, same, t

__all__ = ["PAGE_ID", "build"]

PAGE_ID = "churn"
TOP_FACTORS = 12


def build(m: MonthTables) -> Page:
    outlook = m.table("churn_outlook")
    title = t("Churn", "离网预测")
    intro = t(
        "Who is likely to leave in the coming months and why, which corporate groups may leave together, and multi-SIM big customers.",
        "未来几个月可能离网的客户及原因、可能集体离网的集团客户，以及多卡大客户。",
    )
    if not len(outlook):
        return Page(
            PAGE_ID,
            title,
            intro,
            [
                notice_section(
                    t("Churn outlook", "离网展望"),
                    t("The run did not score churn this month", "本月运行未进行离网评分"),
                    t("run the month without --skip churn", "运行月度流程时不要跳过离网步骤"),
                )
            ],
        )
    o = outlook.iloc[0]
    kpis = KpiGrid(
        [
            Kpi(
                "churn_listed",
                t("Likely churners listed", "列入名单的可能离网客户"),
                fmt.count(o["listed"]),
                t(
                    f"Of {fmt.count(o['scored'])} customers scored for the next {fmt.count(o['horizon_months'])} months.",
                    f"共评分{fmt.count(o['scored'])}人，预测期{fmt.count(o['horizon_months'])}个月。",
                ),
            ),
            Kpi(
                "churn_expected",
                t("Expected churners on the list", "名单预期离网人数"),
                fmt.count(o["expected_churners"]),
                t(
                    f"The sum of the listed customers' probabilities (mean {fmt.pct(o['mean_probability'])}).",
                    f"名单客户离网概率之和（平均{fmt.pct(o['mean_probability'])}）。",
                ),
            ),
            Kpi(
                "churn_lift",
                t("Expected lift over random", "相对随机的预期提升"),
                f"{fmt.number(o['expected_lift'], 1)}×",
                t(
                    f"The list's mean probability over the base churn rate of {fmt.pct(o['base_rate'])}.",
                    f"名单平均离网概率与基准离网率{fmt.pct(o['base_rate'])}之比。",
                ),
            ),
            Kpi(
                "churn_value",
                t("Retention value at stake", "待挽留价值"),
                fmt.money(o["retention_value"]),
                t(
                    "Probability × monthly value × the value horizon, summed over the list.",
                    "离网概率×月价值×价值期，按名单合计。",
                ),
            ),
        ]
    )
    sections = [Section(t("Churn outlook", "离网展望"), [kpis])]
    bands, factors, segments = (
        m.table("churn_risk_bands"),
        m.table("churn_factors"),
        m.table("churn_segments"),
    )
    blocks: list[Block] = []
    if len(bands):
        blocks.append(
            row_bars(
                "churn-risk-bands",
                t("Listed customers by churn probability", "名单客户的离网概率分布"),
                bands,
                [
                    Measure("customers", CUSTOMERS),
                    Measure("expected_churners", t("expected churners", "预期离网")),
                ],
                categories=[same(b) for b in bands["band"]],
                value_name=CUSTOMERS,
            )
        )
    if len(segments):
        blocks.append(
            row_bars(
                "churn-segments",
                t("Listed customers per segment", "各客户群名单人数"),
                segments,
                Measure("customers", CUSTOMERS),
                horizontal=True,
            )
        )
    sections.append(Section(t("Risk", "风险"), blocks))
    if len(factors):
        top = factors.head(TOP_FACTORS)
        sections.append(
            Section(
                t("Likely churners by factor", "离网因素"),
                [
                    row_bars(
                        "churn-factors",
                        t("What raises the risk of listed customers", "推高名单客户离网风险的因素"),
                        top,
                        [
                            Measure("first_factor", t("first factor", "首要因素")),
                            Measure("top_factor", t("among the top factors", "前几位因素")),
                        ],
                        categories=[
                            Text(str(r["factor_en"]), str(r["factor_zh"])) for _i, r in top.iterrows()
                        ],
                        horizontal=True,
                    ),
                    frame_table(
                        t("All factors", "全部因素"),
                        factors,
                        "churn_factors",
                        [("factor_en", "pair"), ("first_factor", "count"), ("top_factor", "count")],
                    ),
                ],
            )
        )
    alerts, multi, exclusions = (
        m.table("churn_group_alerts"),
        m.table("churn_multi_sim"),
        m.table("churn_exclusions"),
    )
    group_blocks: list[Block] = []
    if len(alerts):
        group_blocks.append(
            frame_table(
                t("Corporate groups that may leave together", "可能集体离网的集团客户"),
                alerts,
                "churn_group_alerts",
                [
                    ("group_id", "text"),
                    ("members", "count"),
                    ("members_left", "count"),
                    ("n_signals", "count"),
                    ("evidence_en", "pair"),
                ],
                collapsed=False,
            )
        )
    else:
        group_blocks.append(
            missing(
                t("No corporate-group alert this month", "本月无集团预警"), t("nothing to do", "无需处理")
            )
        )
    if len(multi):
        group_blocks.append(
            row_bars(
                "churn-multi-sim",
                t("Multi-SIM big customers per segment", "各客户群多卡大客户"),
                multi,
                Measure("customers", CUSTOMERS),
                horizontal=True,
            )
        )
    sections.append(Section(t("Corporate groups and multi-SIM", "集团客户与多卡客户"), group_blocks))
    if len(exclusions):
        sections.append(
            Section(
                t("Who was not scored", "未纳入评分的客户"),
                [
                    frame_table(
                        t("Exclusions (as the seed defines them)", "排除项（依案例定义）"),
                        exclusions,
                        "churn_exclusions",
                        [("label", "text"), ("customers", "count")],
                    )
                ],
            )
        )
    return Page(PAGE_ID, title, intro, sections)

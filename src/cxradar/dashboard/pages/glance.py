"""Page 1 - this month at a glance: headline figures with their change and meaning in one sentence."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.model import Block, Kpi, KpiGrid, Page, Section, Table
from cxradar.dashboard.pages.chartspec import CUSTOMERS, Measure, row_bars, stacked_by_period
from cxradar.dashboard.pages.common import cell
from cxradar.dashboard.text import Text, same, t

__all__ = ["PAGE_ID", "build"]

PAGE_ID = "glance"
SEED_COVERAGE = 0.617  # the seed's model list covered 61.7 % of all dissatisfied customers
FCR_TARGET = 0.80


def _values(m: MonthTables) -> dict[str, tuple[float | None, float | None, float | None, float | None]]:
    frame = m.table("headline")
    out = {}
    for _i, r in frame.iterrows():
        out[str(r["key"])] = tuple(
            None if pd.isna(r[c]) else float(r[c]) for c in ("value", "ci_low", "ci_high", "previous")
        )
    return out  # type: ignore[return-value]


def _interval(low: float | None, high: float | None, kind: str) -> Text | None:
    if low is None or high is None:
        return None
    show = fmt.pct if kind == "share" else (lambda v: fmt.signed(v))
    return t(f"95% interval {show(low)} to {show(high)}", f"95%置信区间 {show(low)} 至 {show(high)}")


def kpis(m: MonthTables) -> list[Kpi]:
    v = _values(m)

    def get(key: str) -> tuple[float | None, float | None, float | None, float | None]:
        return v.get(key, (None, None, None, None))

    pool, _l, _h, pool_before = get("pool_size")
    entered, exited = get("pool_entered")[0], get("pool_exited")[0]
    exits = m.table("pool_exits")
    top_exit = exits.loc[exits["period"] == m.month].sort_values("customers", ascending=False).head(1)
    exit_words = (
        t(
            f"; most often because {top_exit['label_en'].iloc[0]}",
            f"，最主要原因：{top_exit['label_zh'].iloc[0]}",
        )
        if len(top_exit)
        else t("", "")
    )
    potential, _l, _h, potential_before = get("potential_size")
    kinds = [get(k)[0] for k in ("potential_silent", "potential_incident_hit", "potential_model_predicted")]
    coverage = get("coverage_estimated")[0]
    csi, _l, _h, csi_before = get("csi_satisfaction")
    high, high_lo, high_hi, high_before = get("survey_high_share")
    effect, effect_lo, effect_hi, _p = get("campaign_effect_points")
    contribution, con_lo, con_hi, _p = get("campaign_contribution_points")
    churners, _l, _h, churn_before = get("churn_listed")
    alerts = get("churn_group_alerts")[0]
    multi = get("churn_multi_sim")[0]
    fcr, _l, _h, fcr_before = get("fcr")
    items = [
        Kpi(
            "pool_size",
            t("Explicit pool", "明确不满意客户池"),
            fmt.count(pool),
            t(
                f"Customers who told us they are unhappy: {fmt.count(entered)} came in and {fmt.count(exited)} left this month"
                + exit_words.en
                + ".",
                f"已明确表达不满的客户：本月流入{fmt.count(entered)}人、退出{fmt.count(exited)}人"
                + exit_words.zh
                + "。",
            ),
            fmt.change(pool, pool_before),
        ),
        Kpi(
            "potential_size",
            t("Potentially dissatisfied", "潜在不满意客户"),
            fmt.count(potential),
            t(
                f"Unhappy but silent: {fmt.count(kinds[0])} channel-silent, {fmt.count(kinds[1])} hit by an incident, "
                f"{fmt.count(kinds[2])} found by the model (a customer may be several kinds).",
                f"不满意但未发声：渠道未接触{fmt.count(kinds[0])}人、突发事件影响{fmt.count(kinds[1])}人、"
                f"模型预测{fmt.count(kinds[2])}人（一位客户可属多类）。",
            ),
            fmt.change(potential, potential_before),
        ),
        Kpi(
            "coverage_estimated",
            t("Estimated coverage", "估计覆盖率"),
            fmt.pct(coverage),
            t(
                f"Share of all dissatisfied customers the model's list finds (held-out survey respondents, re-weighted "
                f"to the population); the seed reached {fmt.pct(SEED_COVERAGE)}.",
                f"模型名单覆盖全部不满意客户的比例（留出受访者按总体加权估计）；案例水平为{fmt.pct(SEED_COVERAGE)}。",
            ),
            None,
            fmt.target_mark(coverage >= SEED_COVERAGE) if coverage is not None else None,
        ),
        Kpi(
            "csi_satisfaction",
            t("Satisfaction index (CSI)", "满意度指数（CSI）"),
            fmt.number(csi, 1),
            t(
                "The satisfaction construct of the PLS path model on a 0-100 scale; the CSI page shows its drivers.",
                "PLS路径模型中满意度变量的指数（0-100）；驱动因素见满意度指数页。",
            ),
            fmt.change(csi, csi_before, kind="points"),
        ),
        Kpi(
            "survey_high_share",
            t("High-score share (8-10)", "高分段占比（8-10分）"),
            fmt.pct(high),
            t(
                "Weighted share of this month's survey respondents who gave 8, 9 or 10 out of 10.",
                "本月受访者中给出8-10分的加权比例。",
            ),
            fmt.change(high, high_before, kind="share"),
            _interval(high_lo, high_hi, "share"),
        ),
        Kpi(
            "campaign_effect_points",
            t("Last campaign's effect", "上期关怀活动效果"),
            fmt.signed(effect),
            t(
                f"Index points gained by participants against the control group; company-wide that is "
                f"{fmt.signed(contribution)} points (interval {fmt.signed(con_lo)} to {fmt.signed(con_hi)}).",
                f"参与者相对对照组提升的指数分；折合全网贡献{fmt.signed(contribution)}分"
                f"（区间{fmt.signed(con_lo)}至{fmt.signed(con_hi)}）。",
            ),
            None,
            _interval(effect_lo, effect_hi, "points"),
        ),
        Kpi(
            "churn_listed",
            t("Likely churners", "可能离网客户"),
            fmt.count(churners),
            t(
                f"Customers most likely to leave in the next months, listed for retention; {fmt.count(alerts)} "
                f"corporate-group alerts and {fmt.count(multi)} multi-SIM big customers.",
                f"未来几个月最可能离网、已列入挽留名单的客户；集团预警{fmt.count(alerts)}个，多卡大客户{fmt.count(multi)}人。",
            ),
            fmt.change(churners, churn_before),
        ),
        Kpi(
            "churn_group_alerts",
            t("Corporate-group alerts", "集团客户预警"),
            fmt.count(alerts),
            t(
                "Corporate (VPMN) groups whose members show signs of leaving together.",
                "成员出现集体离网迹象的集团（VPMN）客户数。",
            ),
            fmt.change(alerts, get("churn_group_alerts")[3]),
        ),
        Kpi(
            "fcr",
            t("First-contact resolution", "投诉一次解决率"),
            fmt.pct(fcr),
            t(
                f"Share of this month's complaints resolved at the first contact; the target is {fmt.pct(FCR_TARGET, 0)}.",
                f"本月投诉中首次接触即解决的比例；目标为{fmt.pct(FCR_TARGET, 0)}。",
            ),
            fmt.change(fcr, fcr_before, kind="share"),
            fmt.target_mark(fcr >= FCR_TARGET) if fcr is not None else None,
        ),
    ]
    return items


HEADLINE_NAMES = {
    "pool_size": t("explicit pool", "明确不满意客户池"),
    "pool_entered": t("entered the pool", "流入"),
    "pool_exited": t("exited the pool", "退出"),
    "potential_size": t("potentially dissatisfied", "潜在不满意客户"),
    "potential_silent": t("channel-silent", "渠道未接触"),
    "potential_incident_hit": t("incident-hit", "突发事件影响"),
    "potential_model_predicted": t("model-predicted", "模型预测"),
    "coverage_estimated": t("estimated coverage", "估计覆盖率"),
    "csi_satisfaction": t("satisfaction index", "满意度指数"),
    "survey_high_share": t("high-score share", "高分段占比"),
    "campaign_effect_points": t("campaign effect (index points)", "活动效果（指数分）"),
    "campaign_contribution_points": t("contribution to the company-wide score", "对全网得分的贡献"),
    "churn_listed": t("likely churners", "可能离网客户"),
    "churn_group_alerts": t("corporate-group alerts", "集团预警"),
    "churn_multi_sim": t("multi-SIM big customers", "多卡大客户"),
    "fcr": t("first-contact resolution", "一次解决率"),
}
_SHARES = {"coverage_estimated", "survey_high_share", "fcr"}
_POINTS = {"csi_satisfaction", "campaign_effect_points", "campaign_contribution_points"}


def build(m: MonthTables) -> Page:
    flow = m.table("pool_flow")
    exits = m.table("pool_exits")
    kinds = m.table("potential_kinds")
    sections = [Section(t("Headline figures", "关键指标"), [KpiGrid(kpis(m))])]
    pool_blocks: list[Block] = [
        row_bars(
            "glance-pool-flow",
            t("Explicit pool per month: in, out and size", "明确不满意客户池逐月流入、退出与规模"),
            flow,
            [
                Measure("entered", t("entered", "流入")),
                Measure("exited", t("exited", "退出")),
                Measure("size", t("size at month end", "月末规模"), kind="line", axis=1),
            ],
            categories=[same(p) for p in flow["period"]],
            value_name=CUSTOMERS,
            right_name=t("pool size", "池规模"),
        )
    ]
    if len(exits):
        pool_blocks.append(
            stacked_by_period(
                "glance-exit-reasons", t("Why customers left the pool", "客户退出原因"), exits, "reason"
            )
        )
    sections.append(Section(t("The explicit pool", "明确不满意客户池"), pool_blocks))
    if len(kinds):
        sections.append(
            Section(
                t("Potentially dissatisfied by kind", "潜在不满意客户类型"),
                [
                    row_bars(
                        "glance-potential-kinds",
                        t("Customers per kind, and of that kind only", "各类型客户数及仅属该类人数"),
                        kinds,
                        [
                            Measure("customers", CUSTOMERS),
                            Measure("only_this_kind", t("of this kind only", "仅属此类")),
                        ],
                        horizontal=True,
                    )
                ],
            )
        )
    headline = m.table("headline")
    rows = []
    for _i, r in headline.iterrows():
        key = str(r["key"])
        kind = "pct" if key in _SHARES else "num2" if key in _POINTS else "count"
        rows.append([HEADLINE_NAMES.get(key, same(key)), cell(r["value"], kind), cell(r["previous"], kind)])
    sections[0].blocks.append(
        Table(
            t("All headline figures", "全部关键指标"),
            [t("figure", "指标"), t("this month", "本月"), t("last month", "上月")],
            rows,
        )
    )
    return Page(
        PAGE_ID,
        t("This month at a glance", "本月概览"),
        t(
            f"The dissatisfied-customer topic for {m.month}: who told us, who is silent, what care did, and what comes next.",
            f"{m.month}不满意客户分析专题：谁已表达不满、谁沉默未发声、关怀效果如何、下一步做什么。",
        ),
        sections,
    )

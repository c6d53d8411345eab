"""Page 4 - care and campaigns: strategies, channels and capacity, who was left out and why;
treatment against control with intervals, ROI, contribution, and the uplift of the next round."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import Series, bar, intervals
from cxradar.dashboard.model import Block, Kpi, KpiGrid, Page, Para, Section
from cxradar.dashboard.pages.chartspec import CUSTOMERS, Measure, prefixed, row_bars, stacked_by_period
from cxradar.dashboard.pages.common import frame_table, missing, notice_section, row_labels, with_column
from cxradar.dashboard.text import same, t

__all__ = ["MEASURES", "PAGE_ID", "build"]

PAGE_ID = "care"
MEASURES = {
    "satisfaction_itt": t(
        "satisfaction, treated vs control (1-10 points)", "满意度：处理组对比对照组（1-10分）"
    ),
    "satisfaction_on_participants": t("satisfaction on participants (1-10 points)", "参与者满意度（1-10分）"),
    "index_points_on_participants": t("index points on participants (0-100)", "参与者指数分（0-100）"),
    "contribution_points": t("contribution to the company-wide score (points)", "对全网得分的贡献（分）"),
    "churn_rate": t("churn rate, treated vs control", "离网率：处理组对比对照组"),
    "difference_in_differences": t("difference-in-differences (1-10 points)", "双重差分（1-10分）"),
}
HELD_BACK = {  # what became of a customer a policy kept from the proactive care their rule chose
    "moved": t("moved to wait-for-contact", "改为守株待兔"),
    "left_out": t("left without care", "未获关怀"),
}
BY = {"strategy": t("strategy", "策略"), "primary_kind": t("kind", "类型"), "segment": t("segment", "客户群")}


def held_back(moved: pd.DataFrame, left_out: pd.DataFrame) -> list[Block]:
    """This month's customers a policy (fatigue, do-not-disturb, capacity ...) kept from proactive
    care, by reason: moved to wait-for-contact (cared for at their next contact, so counted as cared
    for) beside left without care (only with ``on_excluded: drop``)."""
    if not len(moved) and not len(left_out):
        return [
            missing(
                t("No policy held a customer back this month", "本月无客户受关怀策略限制"),
                t("nothing to do", "无需处理"),
            )
        ]
    both = pd.concat([moved.assign(outcome="moved"), left_out.assign(outcome="left_out")], ignore_index=True)
    per = both.pivot_table(
        index="reason", columns="outcome", values="customers", aggfunc="sum", fill_value=0, sort=False
    ).reindex(columns=list(HELD_BACK), fill_value=0)
    reasons = both.drop_duplicates("reason").set_index("reason")[["label_en", "label_zh"]].join(per)
    reasons = reasons.assign(total=reasons["moved"] + reasons["left_out"])
    reasons = reasons.sort_values("total", ascending=False, kind="stable")
    n_moved, n_left = int(reasons["moved"].sum()), int(reasons["left_out"].sum())
    blocks: list[Block] = [
        Para(
            t(
                f"{fmt.count(n_moved)} customers a policy kept from the proactive care their rule chose were "
                f"moved to wait-for-contact: they are cared for at their next call or visit and count as cared "
                f"for. {fmt.count(n_left)} were left without care.",
                f"{fmt.count(n_moved)}名客户因关怀策略未能进行规则选定的主动关怀，改为守株待兔："
                f"在其下次来电或到厅时关怀，计入已关怀。{fmt.count(n_left)}名客户未获关怀。",
            )
        ),
        row_bars(
            "care-held-back",
            t(
                "Held back from proactive care this month, by reason",
                "本月受策略限制未进行主动关怀的客户（按原因）",
            ),
            reasons,
            [Measure(outcome, name) for outcome, name in HELD_BACK.items()],
            horizontal=True,
            value_name=CUSTOMERS,
        ),
    ]
    if len(moved):
        blocks.append(
            frame_table(
                t("Moved to wait-for-contact, by reason", "改为守株待兔的客户（按原因）"),
                moved,
                "care_moved_to_wait",
                [("label", "text"), ("customers", "count")],
            )
        )
    if len(left_out):
        blocks.append(
            frame_table(
                t("Left without care, by reason", "未获关怀的客户（按原因）"),
                left_out,
                "care_left_out",
                [("label", "text"), ("customers", "count")],
            )
        )
    return blocks


def care_sections(m: MonthTables) -> list[Section]:
    strategies, channels = m.table("care_strategies"), m.table("care_channels")
    left_out, moved, rules = m.table("care_left_out"), m.table("care_moved_to_wait"), m.table("care_rules")
    if not len(strategies):
        return [
            notice_section(
                t("Care", "关怀"),
                t("No care was assigned in this run", "本次运行未分配关怀"),
                t("run the month with its care step", "请运行包含关怀步骤的月度流程"),
            )
        ]
    blocks: list[Block] = [
        stacked_by_period(
            "care-strategies",
            t("Customers per care strategy and month", "各月关怀策略客户数"),
            strategies,
            "strategy",
        ),
        stacked_by_period(
            "care-channels", t("Customers per channel and month", "各月渠道客户数"), channels, "channel"
        ),
    ]
    now = channels.loc[(channels["period"] == m.month) & channels["capacity_used"].notna()]
    if len(now):
        blocks.append(
            row_bars(
                "care-capacity",
                t("Capacity used on the busiest campaign day", "活动最繁忙日的渠道容量使用率"),
                now,
                Measure("capacity_used", t("capacity used", "容量使用率")),
                horizontal=True,
                percent=True,
                mark=(t("capacity", "容量"), 1.0),
            )
        )
    sections = [Section(t("Strategies and channels", "关怀策略与渠道"), blocks)]
    left_blocks = held_back(
        moved.loc[moved["period"] == m.month], left_out.loc[left_out["period"] == m.month]
    )
    if len(rules):
        left_blocks.append(
            frame_table(
                t("Customers per care rule", "各关怀规则客户数"),
                rules,
                "care_rules",
                [("label", "text"), ("customers", "count")],
            )
        )
    sections.append(
        Section(
            t(
                "What the policies held back: moved to wait-for-contact or left out",
                "策略限制：改为守株待兔或未获关怀",
            ),
            left_blocks,
        )
    )
    return sections


def campaign_sections(m: MonthTables) -> list[Section]:
    effects, groups = m.table("campaign_effects"), m.table("campaign_groups")
    value, uplift = m.table("campaign_value"), m.table("uplift_next_round")
    if not len(effects):
        return [
            notice_section(
                t("Campaign effect", "活动效果"),
                t("No campaign has been evaluated yet", "尚无已评估的活动"),
                t(
                    "a campaign is evaluated by the run of the following month",
                    "活动在下一个月的运行中评估",
                ),
            )
        ]
    latest = effects.loc[effects["evaluated_in"] == effects["evaluated_in"].max()]
    campaign = str(latest["campaign"].iloc[0])
    get = latest.set_index("measure")
    items = []
    for key in (
        "index_points_on_participants",
        "contribution_points",
        "churn_rate",
        "difference_in_differences",
    ):
        if key not in get.index:
            continue
        r = get.loc[key]
        is_rate = key == "churn_rate"
        shown = fmt.pct_points(r["estimate"]) if is_rate else same(fmt.signed(r["estimate"]))
        lo = fmt.pct_points(r["ci_low"]) if is_rate else same(fmt.signed(r["ci_low"]))
        hi = fmt.pct_points(r["ci_high"]) if is_rate else same(fmt.signed(r["ci_high"]))
        p = fmt.p_value(r["p_value"]) if fmt.is_number(r["p_value"]) else ""
        items.append(
            Kpi(
                f"campaign_{key}",
                MEASURES[key],
                shown.en,
                t(
                    f"{campaign}: 95% interval {lo.en} to {hi.en}. {p}".strip(),
                    f"{campaign}：95%置信区间 {lo.zh} 至 {hi.zh}。{p}".strip(),
                ),
            )
        )
    if len(value):
        v = value.iloc[-1]
        items.append(
            Kpi(
                "campaign_roi",
                t("Return on investment", "投资回报率"),
                fmt.pct(v["roi"], 0),
                t(
                    f"Cost {fmt.money(v['cost_total'])}, benefit {fmt.money(v['benefit'])} from "
                    f"{fmt.number(v['prevented_churners'], 1)} churners prevented; interval {fmt.pct(v['roi_ci_low'], 0)} to {fmt.pct(v['roi_ci_high'], 0)}.",
                    f"成本{fmt.money(v['cost_total'])}，挽留{fmt.number(v['prevented_churners'], 1)}名离网客户带来收益{fmt.money(v['benefit'])}；"
                    f"区间{fmt.pct(v['roi_ci_low'], 0)}至{fmt.pct(v['roi_ci_high'], 0)}。",
                ),
            )
        )
        items.append(
            Kpi(
                "campaign_participation",
                t("Participation", "参与率"),
                fmt.pct(v["participation_rate"]),
                t(
                    f"{fmt.pct(v['share_reached'])} of all customers were reached; at a 20% share the contribution is {fmt.signed(v['points_at_20pct_share'])} points (seed: about 1.5).",
                    f"覆盖全部客户的{fmt.pct(v['share_reached'])}；按20%覆盖折算贡献{fmt.signed(v['points_at_20pct_share'])}分（案例约1.5分）。",
                ),
            )
        )
    blocks: list = [KpiGrid(items)]
    current_groups = groups.loc[groups["campaign"] == campaign]
    if len(current_groups):
        cats = prefixed(BY, current_groups["by"], row_labels(current_groups))
        blocks.append(
            intervals(
                "care-effect-groups",
                t(
                    f"Satisfaction effect by group, {campaign} (treated minus control, 1-10 points)",
                    f"{campaign}各分组满意度效果（处理组减对照组，1-10分）",
                ),
                cats,
                list(current_groups["estimate"]),
                list(current_groups["ci_low"]),
                list(current_groups["ci_high"]),
                value_name=t("points", "分"),
                estimate_name=t("effect", "效果"),
                interval_name=t("95% interval", "95%置信区间"),
            )
        )
    effects_table = frame_table(
        t("Treatment against control", "处理组与对照组对比"),
        latest,
        "campaign_effects",
        [
            ("campaign", "text"),
            ("estimate", "num3"),
            ("ci_low", "num3"),
            ("ci_high", "num3"),
            ("p_value", "p"),
            ("n_treatment", "count"),
            ("n_control", "count"),
        ],
    )
    blocks.append(
        with_column(effects_table, t("measure", "指标"), [MEASURES[x] for x in latest["measure"]], at=1)
    )
    if len(current_groups):
        blocks.append(
            frame_table(
                t("Effect per group", "各分组效果"),
                current_groups,
                "campaign_groups",
                [
                    ("label", "text"),
                    ("n_treatment", "count"),
                    ("n_control", "count"),
                    ("estimate", "num3"),
                    ("ci_low", "num3"),
                    ("ci_high", "num3"),
                    ("p_value", "p"),
                ],
            )
        )
    sections = [Section(t("Campaign effect with control groups", "基于对照组的活动效果"), blocks)]
    if len(uplift):
        u = uplift.iloc[-1]
        sections.append(
            Section(
                t("Uplift for the next round", "下一轮增益定向"),
                [
                    bar(
                        "care-uplift",
                        t(
                            "Qini of targeting by uplift against targeting by risk",
                            "按增益定向与按风险定向的Qini系数",
                        ),
                        [t("by uplift", "按增益"), t("by risk", "按风险")],
                        [Series(t("Qini coefficient", "Qini系数"), [u["qini_uplift"], u["qini_risk"]])],
                        note=t(
                            f"Model: {u['learner']}. Next round {u['next_campaign'] or '–'}: {fmt.count(u['next_treatment'])} treated, "
                            f"{fmt.count(u['next_control'])} control, power {fmt.pct(u['next_power'])}.",
                            f"模型：{u['learner']}。下一轮{u['next_campaign'] or '–'}：处理组{fmt.count(u['next_treatment'])}人，"
                            f"对照组{fmt.count(u['next_control'])}人，统计功效{fmt.pct(u['next_power'])}。",
                        ),
                    )
                ],
            )
        )
    return sections


def build(m: MonthTables) -> Page:
    return Page(
        PAGE_ID,
        t("Care and campaigns", "关怀与活动"),
        t(
            "How customers were cared for, what the policies held back, and what the care achieved against a control group.",
            "客户如何被关怀、策略限制了哪些接触，以及与对照组相比关怀取得的效果。",
        ),
        care_sections(m) + campaign_sections(m),
    )

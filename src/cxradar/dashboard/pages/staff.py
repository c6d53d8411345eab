"""Touchpoints and staff (触点与一线员工): the hall league table with intervals, role targets met or
missed, each hall's worst follow-up items, internal satisfaction by customer gender (seed 002:
female customers react more to staff mood) and the external survey's weak items with their owners,
overall and per hall. No agent appears: the page shows halls, roles and items only. Without staff
tables in the data the page says so (it is not an error)."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import intervals
from cxradar.dashboard.model import Block, Page, Para, Section
from cxradar.dashboard.pages.chartspec import Measure, row_bars
from cxradar.dashboard.pages.common import frame_table, notice_section
from cxradar.dashboard.text import t

__all__ = ["PAGE_ID", "build"]

PAGE_ID = "staff"
_CHART_HALLS = 20  # the weakest halls shown in the interval chart (the table holds all)


def _league(halls: pd.DataFrame, status: pd.Series) -> Section:
    ranked = halls.loc[halls["rank"].notna()].sort_values("rank", ascending=False).head(_CHART_HALLS)
    chart = intervals(
        "staff-halls",
        t(
            f"The {len(ranked)} weakest halls with enough data: internal satisfaction and its interval",
            f"样本充足的最弱{len(ranked)}个营业厅：内部满意度及区间",
        ),
        [
            t(f"{h} ({en})", f"{h}（{zh}）")
            for h, en, zh in zip(ranked["hall_id"], ranked["district_en"], ranked["district_zh"], strict=True)
        ],
        list(ranked["estimate"]),
        list(ranked["lo"]),
        list(ranked["hi"]),
        value_name=t("internal satisfaction (1-10)", "内部满意度（1-10）"),
        estimate_name=t("shrunk estimate", "收缩估计"),
        interval_name=t("interval", "区间"),
        note=t(
            "Dashed line: the hall target. Estimates are pulled towards the mean of all halls the more, "
            "the fewer the scored contacts, so a small hall does not top or tail the table by luck.",
            "虚线为营业厅目标。评分接触越少，估计越向全部营业厅均值收缩，小营业厅不会因偶然而排在首位或末位。",
        ),
    )
    target = float(status["hall_target"])
    for option in chart.options.values():  # the reference line is the target, not zero
        option["series"][0]["markLine"]["data"] = [{"xAxis": target}]
    table = frame_table(
        t("Hall league table", "营业厅排名表"),
        halls,
        "staff_halls",
        [
            ("rank", "count"),
            ("hall_id", "text"),
            ("district_en", "pair"),
            ("n", "count"),
            ("raw_mean", "num2"),
            ("estimate", "num2"),
            ("lo", "num2"),
            ("hi", "num2"),
            ("bottom", "bool"),
            ("target", "num1"),
            ("verdict_en", "pair"),
        ],
    )
    bottom = ", ".join(halls.loc[halls["bottom"].fillna(False).astype(bool), "hall_id"])
    para = Para(
        t(
            f"{fmt.count(status['halls_ranked'])} of {fmt.count(status['halls'])} halls have enough scored "
            f"contacts to be ranked (window from {status['window_start']}); mean of all halls "
            f"{fmt.number(status['prior_mean'], 2)}. Bottom list: {bottom or '–'}.",
            f"{fmt.count(status['halls'])}个营业厅中{fmt.count(status['halls_ranked'])}个评分接触充足、参与排名"
            f"（窗口自{status['window_start']}起）；全部营业厅均值{fmt.number(status['prior_mean'], 2)}。"
            f"末位名单：{bottom or '–'}。",
        )
    )
    return Section(t("Hall league table", "营业厅排名"), [para, chart, table])


def _roles(roles: pd.DataFrame) -> Section:
    chart = row_bars(
        "staff-roles",
        t("Internal satisfaction per role against its target", "各岗位内部满意度与目标"),
        roles,
        [
            Measure("mean", t("internal satisfaction", "内部满意度")),
            Measure("target", t("target", "目标"), kind="scatter"),
        ],
        value_name=t("score (1-10)", "得分（1-10）"),
    )
    table = frame_table(
        t("Role targets met / missed", "岗位目标完成情况"),
        roles,
        "staff_roles",
        [
            ("label", "text"),
            ("n", "count"),
            ("mean", "num2"),
            ("lo", "num2"),
            ("hi", "num2"),
            ("target", "num1"),
            ("target_met", "mark"),
            ("agents_ranked", "count"),
            ("agents_met", "count"),
            ("agents_missed", "count"),
        ],
        collapsed=False,
    )
    return Section(t("Role targets", "岗位目标"), [chart, table])


def _items(items: pd.DataFrame, halls: pd.DataFrame, survey: pd.DataFrame) -> Section:
    blocks: list[Block] = []
    if len(survey):
        blocks.append(
            frame_table(
                t(
                    "External survey: staff items and the roles that own them",
                    "外部调查：员工负责项目及责任岗位",
                ),
                survey,
                "staff_survey_items",
                [
                    ("label", "text"),
                    ("answers", "count"),
                    ("mean", "num2"),
                    ("target", "num1"),
                    ("gap", "signed"),
                    ("weak", "bool"),
                    ("owners_en", "pair"),
                ],
                collapsed=False,
            )
        )
    if len(items):
        order = halls.sort_values("rank", ascending=False, na_position="first")["hall_id"].tolist()
        ranked = items.assign(order=items["hall_id"].map({h: i for i, h in enumerate(order)}))
        ranked = ranked.sort_values(["order", "worst_rank"]).drop(columns="order")
        blocks.append(
            frame_table(
                t(
                    "Worst follow-up items per hall (weakest halls first)",
                    "各营业厅最差回访项目（最弱营业厅在前）",
                ),
                ranked,
                "staff_hall_items",
                [
                    ("hall_id", "text"),
                    ("label", "text"),
                    ("n", "count"),
                    ("estimate", "num2"),
                    ("gap", "signed"),
                    ("below_all_halls", "bool"),
                ],
            )
        )
    return Section(t("Worst items", "薄弱项目"), blocks)


def _gender(gender: pd.DataFrame) -> Section:
    """Women's and men's internal satisfaction per role and hall, and the gap with its interval."""
    if not len(gender):
        return notice_section(
            t("By customer gender", "按客户性别"),
            t(
                "No customer gender in the data (subscribers.gender)",
                "数据中没有客户性别（subscribers.gender）",
            ),
            t(
                "add the gender column (F / M) to subscribers (docs/data-contract.md)",
                "请在 subscribers 中提供 gender 字段（F / M，见 docs/data-contract.md）",
            ),
        )
    enough = gender.loc[gender["enough_data"].fillna(False).astype(bool)]
    roles = enough.loc[enough["level"] == "role"]
    halls = enough.loc[enough["level"] == "hall"].sort_values("gap_f_minus_m").head(_CHART_HALLS)
    shown = pd.concat([roles, halls])
    lower = gender.loc[gender["female_lower"].fillna(False).astype(bool)]
    hall_rows = gender.loc[gender["level"] == "hall"]
    para = Para(
        t(
            f"{fmt.count(int((hall_rows['enough_data'].fillna(False)).sum()))} of {fmt.count(len(hall_rows))} halls "
            "have enough scored contacts of both women and men to compare them; the women's score is clearly "
            f"lower (the gap's interval below 0) for {fmt.count(len(lower))} of the roles and halls"
            f"{': ' + ', '.join(lower['label_en']) if len(lower) else ''}. "
            "Seed 002: female customers react more to the staff's mood.",
            f"{fmt.count(len(hall_rows))}个营业厅中{fmt.count(int((hall_rows['enough_data'].fillna(False)).sum()))}个"
            f"女性和男性客户评分接触均充足、可以比较；女性得分明显更低（差值区间低于0）的岗位和营业厅共"
            f"{fmt.count(len(lower))}个{'：' + '、'.join(lower['label_zh']) if len(lower) else ''}。"
            "案例002：女性客户对员工情绪更敏感。",
        )
    )
    blocks: list[Block] = [para]
    if len(shown):
        blocks.append(
            intervals(
                "staff-gender",
                t(
                    "Women's minus men's internal satisfaction: roles, then the halls with the largest gaps",
                    "女性减男性内部满意度：各岗位及差值最大的营业厅",
                ),
                [t(en, zh) for en, zh in zip(shown["label_en"], shown["label_zh"], strict=True)],
                list(shown["gap_f_minus_m"]),
                list(shown["gap_lo"]),
                list(shown["gap_hi"]),
                value_name=t("gap female - male (points of 1-10)", "女性减男性差值（1-10分）"),
                estimate_name=t("gap", "差值"),
                interval_name=t("interval (Welch)", "区间（Welch）"),
                note=t(
                    "Only units where both women and men have enough scored contacts; left of the dashed line "
                    "the women score the unit lower.",
                    "仅含女性和男性评分接触均充足的单位；虚线左侧表示女性评分更低。",
                ),
            )
        )
    blocks.append(
        frame_table(
            t("Internal satisfaction by customer gender", "按客户性别的内部满意度"),
            gender,
            "staff_gender",
            [
                ("level_en", "pair"),
                ("label", "text"),
                ("n_F", "count"),
                ("mean_F", "num2"),
                ("lo_F", "num2"),
                ("hi_F", "num2"),
                ("n_M", "count"),
                ("mean_M", "num2"),
                ("lo_M", "num2"),
                ("hi_M", "num2"),
                ("gap_f_minus_m", "signed"),
                ("gap_lo", "signed"),
                ("gap_hi", "signed"),
                ("female_lower", "bool"),
            ],
        )
    )
    return Section(t("By customer gender", "按客户性别"), blocks)


def _hall_survey(by_hall: pd.DataFrame) -> Section:
    """The survey's staff items per hall, for the hall-item pairs with enough answers."""
    enough = by_hall.loc[by_hall["enough_data"].fillna(False).astype(bool)]
    enough = enough.sort_values(["weak", "gap"], ascending=[False, True])
    weak = enough.loc[enough["weak"].fillna(False).astype(bool)]
    halls = enough["hall_id"].nunique()
    para = Para(
        t(
            f"{fmt.count(len(enough))} of {fmt.count(len(by_hall))} hall and item pairs have enough survey answers "
            f"in the window ({fmt.count(halls)} halls); {fmt.count(len(weak))} are weak (mean below target). "
            "The survey is a sample: only the busiest halls reach enough answers, the roles' view above is the main one.",
            f"{fmt.count(len(by_hall))}个营业厅与项目组合中{fmt.count(len(enough))}个在窗口内调查回答数充足"
            f"（{fmt.count(halls)}个营业厅）；其中{fmt.count(len(weak))}个为劣势项目（均值低于目标）。"
            "外部调查为抽样：只有业务量大的营业厅回答数充足，以上岗位视图仍为主要依据。",
        )
    )
    blocks: list[Block] = [para]
    if len(enough):
        blocks.append(
            frame_table(
                t(
                    "External survey: weak items per hall (halls with enough answers, weak first)",
                    "外部调查：各营业厅劣势项目（回答数充足的营业厅，劣势在前）",
                ),
                enough,
                "staff_hall_survey_items",
                [
                    ("hall_id", "text"),
                    ("label", "text"),
                    ("answers", "count"),
                    ("mean", "num2"),
                    ("lo", "num2"),
                    ("hi", "num2"),
                    ("target", "num1"),
                    ("gap", "signed"),
                    ("weak", "bool"),
                    ("verdict_en", "pair"),
                    ("owners_en", "pair"),
                ],
            )
        )
    return Section(t("External survey per hall", "分营业厅外部调查"), blocks)


def build(m: MonthTables) -> Page:
    status_rows = m.table("staff_status")
    title = t("Touchpoints and staff", "触点与一线员工")
    intro = t(
        "Internal satisfaction (follow-up calls within days of a contact and SMS ratings) per service "
        "hall and role, against the targets, by customer gender, and the external survey's weak items with the "
        "roles that own them, overall and per hall. No agent is shown.",
        "各营业厅、各岗位的内部满意度（接触后数日内的回访及短信评价）与目标对比、按客户性别的对比，"
        "以及外部调查劣势项目及其责任岗位（整体及分营业厅）。页面不显示任何员工。",
    )
    has = len(status_rows) and bool(status_rows.iloc[0]["has_staff"])
    if not has:
        section = notice_section(
            t("No staff tables", "无员工数据"),
            t(
                "The data has no staff tables (staff and the contacts' agent_id / hall_id)",
                "数据中没有员工表（staff 及接触记录的 agent_id / hall_id）",
            ),
            t(
                "add staff.parquet, followups.parquet and those columns (docs/data-contract.md#staff)",
                "请提供 staff.parquet、followups.parquet 及上述字段（见 docs/data-contract.md#staff）",
            ),
        )
        return Page(PAGE_ID, title, intro, [section])
    status = status_rows.iloc[0]
    halls = m.table("staff_halls")
    sections = [
        _league(halls, status),
        _roles(m.table("staff_roles")),
        _items(m.table("staff_hall_items"), halls, m.table("staff_survey_items")),
        _gender(m.table("staff_gender")),
        _hall_survey(m.table("staff_hall_survey_items")),
    ]
    return Page(PAGE_ID, title, intro, sections)

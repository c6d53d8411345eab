"""Touchpoints and staff (触点与一线员工): the hall league table with intervals, role targets met or
missed, each hall's worst follow-up items and the external survey's weak items with their owners.
Without staff tables in the data the page says so (it is not an error)."""

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


def build(m: MonthTables) -> Page:
    status_rows = m.table("staff_status")
    title = t("Touchpoints and staff", "触点与一线员工")
    intro = t(
        "Internal satisfaction (follow-up calls within days of a contact and SMS ratings) per service "
        "hall and role, against the targets, and the external survey's weak items with the roles that own them.",
        "各营业厅、各岗位的内部满意度（接触后数日内的回访及短信评价）与目标对比，以及外部调查劣势项目及其责任岗位。",
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
    ]
    return Page(PAGE_ID, title, intro, sections)

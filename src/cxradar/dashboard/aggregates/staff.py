"""Touchpoints and staff: the hall league table with intervals, role targets, worst items per hall,
and the external survey's weak items with the roles that own them (issue 15, seeds 002/003).

The staffed contacts of the window (``window_months`` of conf/staff.yaml up to the month) and their
follow-up calls are selected with SQL and handed to :mod:`cxradar.staff` - the same scores,
shrinkage, targets and verdicts as ``cxradar staff report``. Only hall-, role- and item-level rows
are stored: no agent appears in the report. Data without staff tables gives ``staff_status`` with
``has_staff`` false, and the page says so.
"""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext
from cxradar.dashboard.tables import col, spec
from cxradar.staff.config import StaffConfig, load_staff_config
from cxradar.staff.external import weak_survey_items
from cxradar.staff.labels import VERDICT, label
from cxradar.staff.league import hall_items, league, role_table
from cxradar.staff.report import months_up_to
from cxradar.staff.scores import contact_scores

__all__ = ["SPECS", "build"]

_ESTIMATE = (
    col("n", "int", "scored contacts", "评分接触数"),
    col("estimate", "float", "internal satisfaction (shrunk)", "内部满意度（收缩估计）"),
    col("lo", "float", "interval: low", "区间下限"),
    col("hi", "float", "interval: high", "区间上限"),
)
SPECS = [
    spec(
        "staff_status",
        "staff",
        ("one row", "一行"),
        (
            "Whether the data has staff tables, and how many halls, agents and scored contacts the window holds.",
            "数据是否包含员工表，以及窗口内的营业厅、员工和已评分接触数。",
        ),
        col("has_staff", "bool", "data has staff tables", "数据包含员工表"),
        col("window_start", "string", "window: first month", "窗口起始月"),
        col("halls", "int", "halls", "营业厅数"),
        col("halls_ranked", "int", "halls ranked (enough data)", "参与排名营业厅数"),
        col("agents", "int", "agents", "员工数"),
        col("scored_contacts", "int", "scored contacts", "已评分接触数"),
        col("hall_target", "float", "hall target", "营业厅目标"),
        col("prior_mean", "float", "mean of all halls (prior)", "全部营业厅均值（先验）"),
    ),
    spec(
        "staff_halls",
        "staff",
        ("one row per service hall", "每个营业厅一行"),
        (
            "Hall league table: internal satisfaction (follow-up calls and SMS ratings) shrunk by empirical Bayes, "
            "with its interval, rank among halls with enough data, the bottom list and the verdict against the target.",
            "营业厅排名：内部满意度（回访与短信评价）经经验贝叶斯收缩后的估计及区间、在样本充足营业厅中的排名、末位名单及目标结论。",
        ),
        col("hall_id", "string", "hall", "营业厅"),
        col("district", "string", "district (code)", "区县（代码）"),
        col("district_en", "string", "district (English)", "区县（英文）"),
        col("district_zh", "string", "district (Chinese)", "区县（中文）"),
        *_ESTIMATE,
        col("raw_mean", "float", "raw mean", "原始均值"),
        col("rank", "int", "rank (1 = best)", "排名（1为最好）"),
        col("bottom", "bool", "on the bottom list", "末位"),
        col("target", "float", "target", "目标"),
        col("verdict", "string", "verdict (code)", "结论（代码）"),
        col("verdict_en", "string", "verdict (English)", "结论（英文）"),
        col("verdict_zh", "string", "verdict (Chinese)", "结论（中文）"),
    ),
    spec(
        "staff_roles",
        "staff",
        ("one row per role", "每个岗位一行"),
        (
            "Role targets: each role's internal satisfaction against its target, and how many of its agents met or missed it.",
            "岗位目标：各岗位内部满意度与目标对比，以及达标、未达标员工数。",
        ),
        col("role", "string", "role (code)", "岗位（代码）"),
        col("label_en", "string", "role (English)", "岗位（英文）"),
        col("label_zh", "string", "role (Chinese)", "岗位（中文）"),
        col("n", "int", "scored contacts", "评分接触数"),
        col("mean", "float", "internal satisfaction", "内部满意度"),
        col("lo", "float", "interval: low", "区间下限"),
        col("hi", "float", "interval: high", "区间上限"),
        col("target", "float", "target", "目标"),
        col("target_met", "bool", "target met", "是否达标"),
        col("agents_ranked", "int", "agents with enough data", "样本充足员工数"),
        col("agents_met", "int", "agents: met", "员工达标数"),
        col("agents_missed", "int", "agents: missed", "员工未达标数"),
    ),
    spec(
        "staff_hall_items",
        "staff",
        ("one row per hall and worst follow-up item", "每个营业厅每个最差回访项目一行"),
        (
            "Each hall's two worst follow-up items: the shrunk item score and its gap to the mean of all halls.",
            "各营业厅最差的两个回访项目：收缩后的项目得分及与全部营业厅均值的差距。",
        ),
        col("hall_id", "string", "hall", "营业厅"),
        col("item", "string", "item (code)", "项目（代码）"),
        col("label_en", "string", "item (English)", "项目（英文）"),
        col("label_zh", "string", "item (Chinese)", "项目（中文）"),
        col("n", "int", "answers", "回答数"),
        col("estimate", "float", "item score (shrunk)", "项目得分（收缩估计）"),
        col("gap", "float", "gap to all halls", "与全部营业厅差距"),
        col("below_all_halls", "bool", "clearly below all halls", "明显低于整体"),
        col("worst_rank", "int", "worst rank", "最差排序"),
    ),
    spec(
        "staff_survey_items",
        "staff",
        ("one row per staff-owned survey item", "每个员工负责的调查项目一行"),
        (
            "The external survey's staff items this month against their targets (weak items first) and the roles that own them.",
            "本月外部调查中员工负责的项目与目标对比（劣势项目在前）及责任岗位。",
        ),
        col("item", "string", "survey item (code)", "调查项目（代码）"),
        col("label_en", "string", "survey item (English)", "调查项目（英文）"),
        col("label_zh", "string", "survey item (Chinese)", "调查项目（中文）"),
        col("answers", "int", "answers", "回答数"),
        col("mean", "float", "mean score (weighted)", "平均分（加权）"),
        col("target", "float", "target", "目标"),
        col("gap", "float", "gap to target", "与目标差距"),
        col("weak", "bool", "weak item", "劣势项目"),
        col("owners_en", "string", "owning roles (English)", "责任岗位（英文）"),
        col("owners_zh", "string", "owning roles (Chinese)", "责任岗位（中文）"),
    ),
]
_BY_NAME = {s.name: s for s in SPECS}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=_BY_NAME[name].column_names[1:])


def _status(has: bool, **figures: object) -> pd.DataFrame:
    row = {c: figures.get(c) for c in _BY_NAME["staff_status"].column_names[1:]}
    row["has_staff"] = has
    return pd.DataFrame([row])


def _inputs(ctx: AggregateContext, window: list[str]) -> dict[str, pd.DataFrame] | None:
    files = ctx.files
    if not files.has("staff", "contacts") or not {"agent_id", "hall_id"} <= files.columns("contacts"):
        return None
    staff = files.sql("SELECT agent_id, hall_id, role, district FROM staff")
    if staff.empty:
        return None
    where = "(agent_id IS NOT NULL OR hall_id IS NOT NULL) AND strftime(\"at\", '%Y-%m') BETWEEN ? AND ?"
    contacts = files.sql(
        f'SELECT id, msisdn, "at", channel, rating, hall_id, agent_id FROM contacts WHERE {where}',
        [window[0], window[-1]],
    )
    if contacts.empty:
        return None
    followups = (
        files.sql(
            f"""SELECT f.* FROM followups f
                WHERE f.contact_id IN (SELECT id FROM contacts WHERE {where})""",
            [window[0], window[-1]],
        )
        if files.has("followups")
        else pd.DataFrame(columns=["id", "contact_id", "called_at", "answered", "verbatim", "action"])
    )
    surveys = (
        files.sql("SELECT * FROM surveys WHERE strftime(answered_at, '%Y-%m') = ?", [ctx.month])
        if files.has("surveys")
        else pd.DataFrame(columns=["answered_at"])
    )
    return {"staff": staff, "contacts": contacts, "followups": followups, "surveys": surveys}


def _tables(
    ctx: AggregateContext, data: dict[str, pd.DataFrame], config: StaffConfig, window: list[str]
) -> dict[str, pd.DataFrame]:
    staff = data["staff"]
    followups = data["followups"]
    for item in config.items:
        if item.column not in followups:
            followups[item.column] = pd.NA
    scores = contact_scores(data["contacts"], followups, staff, config)
    halls, prior = league(scores, "hall_id", config, config.hall_target)
    district = staff.dropna(subset=["hall_id"]).drop_duplicates("hall_id").set_index("hall_id")["district"]
    halls["district"] = halls["hall_id"].map(district)
    names = [ctx.labels.get("district", str(d)) for d in halls["district"]]
    halls["district_en"] = [n.en for n in names]
    halls["district_zh"] = [n.zh for n in names]
    halls["verdict_en"] = [label(VERDICT, v)[1] for v in halls["verdict"]]
    halls["verdict_zh"] = [label(VERDICT, v)[0] for v in halls["verdict"]]
    role_of = staff.set_index("agent_id")["role"]
    targets = role_of.map({r.name: r.target for r in config.roles}).fillna(config.hall_target)
    agents, _agent_prior = league(scores.dropna(subset=["agent_id"]), "agent_id", config, targets)
    agents["role"] = agents["agent_id"].map(role_of)
    roles = role_table(scores, agents, config)
    items = hall_items(scores, config)
    items = items.loc[items["worst_rank"] <= 2].copy()
    item_names = {i.name: (i.zh, i.en) for i in config.items}
    items["label_en"] = [item_names[i][1] for i in items["item"]]
    items["label_zh"] = [item_names[i][0] for i in items["item"]]
    survey = weak_survey_items(data["surveys"], ctx.month, config)
    role_names = {r.name: (r.zh, r.en) for r in config.roles}
    if len(survey):
        survey["owners_en"] = [
            ", ".join(role_names[r][1] for r in s.split(";") if r) for s in survey["owner_roles"]
        ]
        survey["owners_zh"] = survey["owner_roles_zh"]
    status = _status(
        True,
        window_start=window[0],
        halls=len(halls),
        halls_ranked=int(halls["enough_data"].sum()),
        agents=int(staff["agent_id"].nunique()),
        scored_contacts=int(scores["score"].notna().sum()),
        hall_target=config.hall_target,
        prior_mean=prior["mu"],
    )

    def pick(name: str, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[_BY_NAME[name].column_names[1:]] if len(frame) else _empty(name)

    return {
        "staff_status": status,
        "staff_halls": pick("staff_halls", halls),
        "staff_roles": pick("staff_roles", roles),
        "staff_hall_items": pick("staff_hall_items", items),
        "staff_survey_items": pick("staff_survey_items", survey),
    }


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    config = load_staff_config()
    window = months_up_to(ctx.month, config.window_months)
    data = _inputs(ctx, window)
    if data is None:
        out = {s.name: _empty(s.name) for s in SPECS}
        out["staff_status"] = _status(False, window_start=window[0], hall_target=config.hall_target)
        return out
    return _tables(ctx, data, config, window)

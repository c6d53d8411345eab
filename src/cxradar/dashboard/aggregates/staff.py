"""Touchpoints and staff: the hall league table with intervals, role targets, worst items per hall,
internal satisfaction by customer gender, and the external survey's weak items with the roles that
own them, overall and per hall (issue 15, seeds 002/003).

The staffed contacts of the window (``window_months`` of conf/staff.yaml up to the month) and their
follow-up calls are selected with SQL and handed to :mod:`cxradar.staff` - the same scores,
shrinkage, targets, verdicts, gender breakdown and per-hall survey items as ``cxradar staff
report``. The per-hall survey items tie a response to the respondent's latest hall contact up to
``window_months`` before answering, so the contacts are read from ``window_months`` before the
window. Only hall-, role- and item-level rows are stored: no agent appears in the report. Data
without staff tables gives ``staff_status`` with ``has_staff`` false, and the page says so.
"""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext
from cxradar.dashboard.tables import col, spec
from cxradar.staff.config import StaffConfig, load_staff_config
from cxradar.staff.external import weak_survey_items
from cxradar.staff.labels import VERDICT, label
from cxradar.staff.league import hall_items, league, role_table
from cxradar.staff.report import gender_view, hall_survey_view, months_up_to
from cxradar.staff.scores import contact_scores
from cxradar.staff.sums import staff_connection

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
    spec(
        "staff_gender",
        "staff",
        ("one row per role and per hall", "每个岗位、每个营业厅一行"),
        (
            "Internal satisfaction of female and of male customers per role and per hall, with intervals, and the gap "
            "female - male with a Welch interval; a gender with fewer than min_contacts scored contacts gets no mean, "
            "the gap only when both have enough.",
            "各岗位、各营业厅女性与男性客户的内部满意度及区间，以及女性减男性差值及其Welch区间；"
            "某性别评分接触少于min_contacts时不给出均值，两者均充足时才给出差值。",
        ),
        col("level", "string", "level (code)", "层级（代码）"),
        col("level_en", "string", "level (English)", "层级（英文）"),
        col("level_zh", "string", "level (Chinese)", "层级（中文）"),
        col("unit", "string", "role or hall (code)", "岗位或营业厅（代码）"),
        col("label_en", "string", "role or hall (English)", "岗位或营业厅（英文）"),
        col("label_zh", "string", "role or hall (Chinese)", "岗位或营业厅（中文）"),
        col("n_F", "int", "female: scored contacts", "女性：评分接触数"),
        col("mean_F", "float", "female: mean", "女性：均值"),
        col("lo_F", "float", "female: interval low", "女性：区间下限"),
        col("hi_F", "float", "female: interval high", "女性：区间上限"),
        col("n_M", "int", "male: scored contacts", "男性：评分接触数"),
        col("mean_M", "float", "male: mean", "男性：均值"),
        col("lo_M", "float", "male: interval low", "男性：区间下限"),
        col("hi_M", "float", "male: interval high", "男性：区间上限"),
        col("gap_f_minus_m", "float", "gap female - male", "女性减男性差值"),
        col("gap_lo", "float", "gap: interval low", "差值区间下限"),
        col("gap_hi", "float", "gap: interval high", "差值区间上限"),
        col("enough_data", "bool", "both genders have enough data", "两性样本均充足"),
        col("female_lower", "bool", "women clearly lower", "女性明显更低"),
    ),
    spec(
        "staff_hall_survey_items",
        "staff",
        ("one row per hall and staff-owned survey item", "每个营业厅每个员工负责的调查项目一行"),
        (
            "The external survey's staff items per hall over the window's answers (a response belongs to the hall of "
            "the respondent's latest hall contact before answering): mean with interval against the target, weak "
            "(mean below target) and the verdict; under min_survey_answers answers no mean (not enough data).",
            "窗口内外部调查中员工负责项目的分营业厅结果（受访者答卷前最近一次营业厅接触所在营业厅）："
            "均值及区间与目标对比、是否劣势（均值低于目标）及结论；回答数少于min_survey_answers时不给出均值（样本不足）。",
        ),
        col("hall_id", "string", "hall", "营业厅"),
        col("item", "string", "survey item (code)", "调查项目（代码）"),
        col("label_en", "string", "survey item (English)", "调查项目（英文）"),
        col("label_zh", "string", "survey item (Chinese)", "调查项目（中文）"),
        col("answers", "int", "answers", "回答数"),
        col("mean", "float", "mean score (weighted)", "平均分（加权）"),
        col("lo", "float", "interval: low", "区间下限"),
        col("hi", "float", "interval: high", "区间上限"),
        col("target", "float", "target", "目标"),
        col("gap", "float", "gap to target", "与目标差距"),
        col("enough_data", "bool", "enough answers", "回答数充足"),
        col("weak", "bool", "weak item", "劣势项目"),
        col("verdict", "string", "verdict (code)", "结论（代码）"),
        col("verdict_en", "string", "verdict (English)", "结论（英文）"),
        col("verdict_zh", "string", "verdict (Chinese)", "结论（中文）"),
        col("owners_en", "string", "owning roles (English)", "责任岗位（英文）"),
        col("owners_zh", "string", "owning roles (Chinese)", "责任岗位（中文）"),
    ),
]
LEVELS = {"role": ("岗位", "role"), "hall": ("营业厅", "hall")}
_BY_NAME = {s.name: s for s in SPECS}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=_BY_NAME[name].column_names[1:])


def _status(has: bool, **figures: object) -> pd.DataFrame:
    row = {c: figures.get(c) for c in _BY_NAME["staff_status"].column_names[1:]}
    row["has_staff"] = has
    return pd.DataFrame([row])


def _inputs(ctx: AggregateContext, window: list[str], since: str) -> dict[str, pd.DataFrame] | None:
    """The staff tables: contacts from ``since`` (the respondents' halls look back before the
    window), their follow-up calls, the customers' gender and the window's survey answers."""
    files = ctx.files
    if not files.has("staff", "contacts") or not {"agent_id", "hall_id"} <= files.columns("contacts"):
        return None
    staff = files.sql("SELECT agent_id, hall_id, role, district FROM staff")
    if staff.empty:
        return None
    where = "(agent_id IS NOT NULL OR hall_id IS NOT NULL) AND strftime(\"at\", '%Y-%m') BETWEEN ? AND ?"
    months = [since, window[-1]]
    contacts = files.sql(
        f'SELECT id, msisdn, "at", channel, rating, hall_id, agent_id FROM contacts WHERE {where}', months
    )
    if not _any_in_window(contacts, window):
        return None
    followups = (
        files.sql(
            f"""SELECT f.* FROM followups f
                WHERE f.contact_id IN (SELECT id FROM contacts WHERE {where})""",
            months,
        )
        if files.has("followups")
        else pd.DataFrame(columns=["id", "contact_id", "called_at", "answered", "verbatim", "action"])
    )
    subscribers = (
        files.sql(
            f"""SELECT msisdn, any_value(gender) AS gender FROM subscribers
                WHERE msisdn IN (SELECT msisdn FROM contacts WHERE {where}) GROUP BY msisdn""",
            months,
        )
        if files.has("subscribers") and "gender" in files.columns("subscribers")
        else pd.DataFrame()
    )
    surveys = (
        files.sql(
            "SELECT * FROM surveys WHERE strftime(answered_at, '%Y-%m') BETWEEN ? AND ?",
            [window[0], window[-1]],
        )
        if files.has("surveys")
        else pd.DataFrame(columns=["answered_at"])
    )
    return {
        "staff": staff,
        "contacts": contacts,
        "followups": followups,
        "subscribers": subscribers,
        "surveys": surveys,
    }


def _any_in_window(contacts: pd.DataFrame, window: list[str]) -> bool:
    """Whether any contact falls in the window's months."""
    return bool(len(contacts)) and bool(
        pd.to_datetime(contacts["at"]).dt.strftime("%Y-%m").isin(window).any()
    )


def _gender(
    gender: pd.DataFrame, config: StaffConfig, district: pd.Series, ctx: AggregateContext
) -> pd.DataFrame:
    """The gender view with bilingual level and unit labels (roles by name, halls by id and district)."""
    out = gender.copy()
    out["level_zh"] = [LEVELS[v][0] for v in out["level"]]
    out["level_en"] = [LEVELS[v][1] for v in out["level"]]
    roles = {r.name: (r.zh, r.en) for r in config.roles}
    zh, en = [], []
    for level, unit in zip(out["level"], out["unit"], strict=True):
        if level == "role":
            names = roles.get(str(unit), (str(unit), str(unit)))
            zh.append(names[0])
            en.append(names[1])
        else:
            name = ctx.labels.get("district", str(district.get(unit)))
            zh.append(f"{unit}（{name.zh}）")
            en.append(f"{unit} ({name.en})")
    out["label_zh"], out["label_en"] = zh, en
    return out


def _owners_en(owner_roles: pd.Series, config: StaffConfig) -> list[str]:
    names = {r.name: r.en for r in config.roles}
    return [", ".join(names.get(r, r) for r in str(s).split(";") if r) for s in owner_roles]


def _owners_zh(owner_roles: pd.Series, config: StaffConfig) -> list[str]:
    names = {r.name: r.zh for r in config.roles}
    return ["、".join(names.get(r, r) for r in str(s).split(";") if r) for s in owner_roles]


def _tables(
    ctx: AggregateContext, data: dict[str, pd.DataFrame], config: StaffConfig, window: list[str]
) -> dict[str, pd.DataFrame]:
    staff = data["staff"]
    followups = data["followups"]
    for item in config.items:
        if item.column not in followups:
            followups[item.column] = pd.NA
    scores = contact_scores(data["contacts"], followups, staff, config)
    scores = scores.loc[scores["month"].isin(window)]
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
    if len(survey):
        survey["owners_en"] = _owners_en(survey["owner_roles"], config)
        survey["owners_zh"] = _owners_zh(survey["owner_roles"], config)
    con = staff_connection(data, config)
    try:
        gender = _gender(gender_view(con, config, window), config, district, ctx)
        by_hall = hall_survey_view(con, data["surveys"], config, window)
    finally:
        con.close()
    by_hall["verdict_en"] = [label(VERDICT, v)[1] for v in by_hall["verdict"]]
    by_hall["verdict_zh"] = [label(VERDICT, v)[0] for v in by_hall["verdict"]]
    by_hall["owners_en"] = _owners_en(by_hall["owner_roles"], config)
    by_hall["owners_zh"] = _owners_zh(by_hall["owner_roles"], config)
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
        "staff_gender": pick("staff_gender", gender),
        "staff_hall_survey_items": pick("staff_hall_survey_items", by_hall),
    }


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    config = load_staff_config()
    window = months_up_to(ctx.month, config.window_months)
    since = months_up_to(ctx.month, 2 * config.window_months)[0]
    data = _inputs(ctx, window, since)
    if data is None:
        out = {s.name: _empty(s.name) for s in SPECS}
        out["staff_status"] = _status(False, window_start=window[0], hall_target=config.hall_target)
        return out
    return _tables(ctx, data, config, window)

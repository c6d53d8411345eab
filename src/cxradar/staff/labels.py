"""Chinese and English labels of the staff report: follow-up answers, actions, verdicts, columns."""

from __future__ import annotations

__all__ = ["ACTION", "COLUMN_LABELS", "NEGATIVE_VERBATIM", "VERBATIM", "VERDICT", "VIEW_LABELS", "label"]

VERBATIM: dict[str, tuple[str, str]] = {
    "praise": ("表扬", "praise"),
    "no_comment": ("无意见", "no comment"),
    "poor_attitude": ("服务态度差", "poor attitude"),
    "wrong_information": ("信息有误", "wrong information"),
    "not_resolved": ("问题未解决", "problem not solved"),
    "long_wait": ("等候时间长", "long wait"),
    "unclear_explanation": ("讲解不清", "unclear explanation"),
    "pushy_sales": ("强行推销", "pushy sales"),
    "other": ("其他", "other"),
}
NEGATIVE_VERBATIM = tuple(k for k in VERBATIM if k not in ("praise", "no_comment"))
ACTION: dict[str, tuple[str, str]] = {
    "none": ("无需处理", "nothing needed"),
    "apology": ("致歉", "apology"),
    "callback": ("再次回电", "call back"),
    "escalated": ("升级处理", "escalated"),
    "remedy": ("补救（修复、退费）", "remedy (fix, refund)"),
    "coaching": ("员工辅导", "coaching of the agent"),
}
VERDICT: dict[str, tuple[str, str]] = {
    "met": ("达标", "target met"),
    "missed": ("未达标", "target missed"),
    "uncertain": ("不确定", "uncertain"),
    "not_enough_data": ("样本不足", "not enough data"),
}
VIEW_LABELS: dict[str, tuple[str, str]] = {
    "halls": ("营业厅内部满意度排名", "Hall league table (internal satisfaction)"),
    "agents": ("员工内部满意度（工号已加密）", "Agents (ids keyed-hashed)"),
    "roles": ("岗位目标完成情况", "Role targets met / missed"),
    "hall_items": ("各营业厅最差回访项目", "Worst follow-up items per hall"),
    "gender": (
        "按客户性别的内部满意度（营业厅、岗位）",
        "Internal satisfaction by customer gender (halls, roles)",
    ),
    "survey_items": ("外部调查劣势项目及责任岗位", "External survey weak items and the roles that own them"),
    "hall_survey_items": ("各营业厅外部调查劣势项目", "External survey weak items per hall"),
    "trend": ("内部满意度月度趋势", "Internal satisfaction by month"),
    "hall_outcomes": ("营业厅客户后续进入不满意池/离网", "Hall customers later in the pool or churned"),
    "agent_outcomes": ("员工客户后续进入不满意池/离网", "Agent customers later in the pool or churned"),
    "followup_summary": ("回访概况", "Follow-up calls"),
    "followup_answers": ("回访意见与处理", "What customers said and what was done"),
    "followup_list": ("回访问题清单", "Follow-ups with a complaint"),
}
COLUMN_LABELS: dict[str, str] = {
    "hall_id": "营业厅",
    "agent_key": "员工（加密工号）",
    "role": "岗位",
    "n": "评分接触数",
    "raw_mean": "原始均值",
    "estimate": "收缩估计",
    "lo": "区间下限",
    "hi": "区间上限",
    "shrinkage": "收缩系数",
    "enough_data": "样本充足",
    "rank": "排名",
    "bottom": "末位",
    "target": "目标",
    "verdict": "结论",
    "verdict_zh": "结论（中文）",
    "item": "项目",
    "gap": "差距",
    "month": "月份",
    "customers": "服务客户数",
    "called": "回访数",
    "answered": "接通数",
    "verbatim": "客户意见",
    "action": "处理措施",
    "msisdn_masked": "手机号码（脱敏）",
    "level": "层级",
    "unit": "单位",
    "n_F": "女性客户评分数",
    "mean_F": "女性客户均值",
    "lo_F": "女性区间下限",
    "hi_F": "女性区间上限",
    "enough_F": "女性样本充足",
    "n_M": "男性客户评分数",
    "mean_M": "男性客户均值",
    "lo_M": "男性区间下限",
    "hi_M": "男性区间上限",
    "enough_M": "男性样本充足",
    "gap_f_minus_m": "女性减男性差值",
    "gap_lo": "差值下限",
    "gap_hi": "差值上限",
    "female_lower": "女性明显更低",
    "answers": "调查回答数",
    "mean": "均值",
    "weak": "劣势项目",
    "owner_roles": "责任岗位",
    "label_zh": "中文名称",
    "label_en": "英文名称",
}


def label(table: dict[str, tuple[str, str]], code: object) -> tuple[str, str]:
    """``(zh, en)`` of ``code``; an unknown code is shown as itself."""
    return table.get(str(code), (str(code), str(code)))

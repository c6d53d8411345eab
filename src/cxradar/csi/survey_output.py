"""Writing the survey report: CSV + Parquet per view, an Excel workbook and a self-contained HTML page.

Every file is first written into a temporary folder inside the output folder and then moved
into place with ``os.replace``, so a crash never leaves a half-written file where a good one was,
and a re-run replaces the files it wrote. Excel sheets carry a Chinese and an English header row.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.csi.survey_html import render_survey_html

__all__ = ["COLUMN_LABELS", "VIEW_LABELS", "column_label", "write_survey_report"]

# view name -> (zh, en) title
VIEW_LABELS: dict[str, tuple[str, str]] = {
    "score_distribution": ("总体满意度得分分布", "Distribution of the overall score"),
    "survey_summary": ("满意度均值与高低分段", "Mean score and high/low bands by group"),
    "survey_tests": ("组间差异检验", "Tests of difference between groups"),
    "survey_pairwise": ("两两比较（多重比较校正）", "Pairwise comparisons (adjusted)"),
    "wave_trend": ("各批次满意度", "Satisfaction by survey wave"),
    "wave_trend_test": ("批次趋势检验", "Test for a trend over waves"),
    "touchpoints": ("4S触点表现与重要性", "4S touchpoints: performance and importance"),
    "complaints_by_type": ("投诉类型集中度", "Complaints by type over time"),
    "complaints_by_district": ("投诉区县集中度", "Complaints by district over time"),
    "complaint_resolution": ("一次解决率与处理时长", "First-contact resolution and time to resolve"),
    "repeat_complainants": ("重复投诉客户", "Repeat complainants"),
    "behaviour": ("消费行为与满意度相关", "Behaviour vs satisfaction correlations"),
    "csi_index": ("客户满意度指数", "Customer Satisfaction Index"),
}

COLUMN_LABELS: dict[str, str] = {
    "dimension": "维度",
    "group": "分组",
    "value": "取值",
    "n": "样本数",
    "n_eff": "有效样本数",
    "n_importance": "重要性估计样本数（各批次）",
    "mean": "均值",
    "mean_se": "均值标准误",
    "mean_lo": "均值下限",
    "mean_hi": "均值上限",
    "high_share": "高分段占比",
    "high_lo": "高分段下限",
    "high_hi": "高分段上限",
    "low_share": "低分段占比",
    "low_lo": "低分段下限",
    "low_hi": "低分段上限",
    "score": "得分",
    "count": "数量",
    "share": "占比",
    "by": "分组依据",
    "measure": "指标",
    "test": "检验",
    "statistic": "统计量",
    "df": "自由度",
    "p_value": "p值",
    "p_adjusted": "校正p值",
    "significant": "显著",
    "group_a": "组A",
    "group_b": "组B",
    "difference": "差值",
    "t": "t值",
    "wave": "调查批次",
    "slope_per_wave": "每批次斜率",
    "se": "标准误",
    "waves": "批次数",
    "touchpoint": "触点",
    "zh": "中文名",
    "en": "英文名",
    "target": "目标",
    "gap": "差距",
    "beta": "标准化系数",
    "beta_lo": "系数下限",
    "beta_hi": "系数上限",
    "beta_p": "系数p值",
    "lmg": "相对重要性",
    "lmg_lo": "重要性下限",
    "lmg_hi": "重要性上限",
    "lmg_share": "重要性占比",
    "r2": "R²",
    "priority": "优先级得分",
    "rank": "排名",
    "sentence_zh": "建议（中文）",
    "sentence_en": "建议（英文）",
    "month": "月份",
    "type": "投诉类型",
    "district": "区县",
    "rate_per_10k": "万户投诉率",
    "cumulative_share": "累计占比",
    "vital_few": "关键少数",
    "change": "环比变化",
    "complaints": "投诉量",
    "fcr_known": "已知一次解决状态",
    "fcr": "一次解决率",
    "fcr_lo": "一次解决率下限",
    "fcr_hi": "一次解决率上限",
    "fcr_target": "一次解决率目标",
    "fcr_missed": "未达标",
    "fcr_missed_significantly": "显著未达标",
    "resolved": "已解决",
    "open": "未解决",
    "hours_median": "处理时长中位数(小时)",
    "hours_mean": "平均处理时长(小时)",
    "hours_p90": "处理时长P90(小时)",
    "within_target": "时限内解决占比",
    "within_target_goal": "时限内解决目标",
    "resolve_missed": "时限未达标",
    "msisdn": "手机号码",
    "window_days": "窗口天数",
    "first_opened": "首次投诉",
    "last_opened": "最近投诉",
    "types": "投诉类型",
    "feature": "特征",
    "spearman": "Spearman相关",
    "spearman_p": "Spearman p值",
    "spearman_q": "Spearman q值(BH)",
    "pearson": "Pearson相关",
    "pearson_p": "Pearson p值",
    "pearson_q": "Pearson q值(BH)",
    "direction_zh": "方向（中文）",
    "direction_en": "方向（英文）",
    "construct": "构念",
    "index": "指数(0-100)",
}


def column_label(name: str) -> str:
    """``"中文 / english"`` header for a column (the name alone when no Chinese label is known)."""
    zh = COLUMN_LABELS.get(name)
    return f"{zh} / {name}" if zh else name


def _parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(
                lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
            )
    return out


def _write_excel(views: dict[str, pd.DataFrame], summary: dict[str, Any], path: Path) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        flat = pd.json_normalize(_jsonable(summary), sep=".").T.reset_index()
        flat.columns = ["key", "value"]
        flat["value"] = flat["value"].map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
        )
        sheets = {"summary": flat, **views}
        for name, frame in sheets.items():
            sheet = name[:31]
            frame = _yes_no(frame)
            frame.to_excel(writer, sheet_name=sheet, startrow=2, header=False, index=False)
            ws = writer.sheets[sheet]
            zh_title, en_title = VIEW_LABELS.get(name, ("摘要", "Summary"))
            for j, col in enumerate(frame.columns):
                ws.write(0, j, COLUMN_LABELS.get(str(col), str(col)), bold)
                ws.write(1, j, str(col), bold)
                ws.set_column(j, j, max(10, min(40, len(str(col)) + 4)))
            ws.freeze_panes(2, 0)
            if not len(frame.columns):
                ws.write(0, 0, f"{zh_title} / {en_title}: —", bold)


def _yes_no(frame: pd.DataFrame) -> pd.DataFrame:
    """True/False as 是 yes / 否 no, as in the HTML page (a tick would read as "met" in a "missed" column)."""
    flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
    if not flags:
        return frame
    out = frame.copy()
    for column in flags:
        out[column] = out[column].map({True: "是 yes", False: "否 no"})
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


def write_survey_report(views: dict[str, pd.DataFrame], summary: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write every view as CSV (UTF-8 with BOM, for Excel) and Parquet, ``survey_report.xlsx``,
    ``survey_report.html`` and ``survey_summary.json`` into ``out_dir``, atomically. Returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".survey-", dir=out_dir))
    try:
        names: list[str] = []
        for name, frame in views.items():
            frame.to_csv(staging / f"{name}.csv", index=False, encoding="utf-8-sig")
            _parquet_ready(frame).to_parquet(staging / f"{name}.parquet", index=False)
            names += [f"{name}.csv", f"{name}.parquet"]
        _write_excel(views, summary, staging / "survey_report.xlsx")
        (staging / "survey_report.html").write_text(render_survey_html(views, summary), encoding="utf-8")
        (staging / "survey_summary.json").write_text(
            json.dumps(_jsonable(summary), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        names += ["survey_report.xlsx", "survey_report.html", "survey_summary.json"]
        written = []
        for name in names:
            os.replace(staging / name, out_dir / name)
            written.append(out_dir / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)

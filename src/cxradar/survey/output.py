"""Writing the survey report: CSV + Parquet per view, an Excel workbook and a self-contained HTML page.

Every file is first written into a temporary folder inside the output folder and then moved
into place with ``os.replace`` (:func:`cxradar.io.atomic_files`), so a crash never leaves a half-written file where a good one was,
and a re-run replaces the files it wrote. Excel sheets carry a Chinese and an English header row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.io import atomic_files
from cxradar.survey.html_page import render_survey_html
from cxradar.survey.labels import COLUMN_LABELS, VIEW_LABELS

__all__ = ["write_survey_report"]


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
    names: list[str] = []
    with atomic_files(out_dir) as staging:
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
    return [out_dir / name for name in names]

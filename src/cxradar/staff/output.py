"""Writing the staff report: Parquet + CSV (UTF-8 with BOM) per view, one Excel workbook, the summary.

The whole output folder is built beside ``OUT`` and swapped in at the end
(:func:`cxradar.engine.files.atomic_output_dir`), so a crash never leaves half a report and a re-run
replaces it. Excel sheets carry a Chinese and an English header row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from cxradar.engine.files import atomic_output_dir, atomic_write_csv, atomic_write_parquet, atomic_write_text
from cxradar.staff.labels import COLUMN_LABELS, VIEW_LABELS

__all__ = ["write_staff_report"]


def _arrow(frame: pd.DataFrame) -> pa.Table:
    clean = frame.copy()
    for column in clean.columns:
        if clean[column].dtype == object:
            clean[column] = clean[column].map(
                lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
            )
    return pa.Table.from_pandas(clean, preserve_index=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _write_excel(views: dict[str, pd.DataFrame], path: Path) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        bold = writer.book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
        for name, frame in views.items():
            sheet = name[:31]
            frame.to_excel(writer, sheet_name=sheet, startrow=3, header=False, index=False)
            ws = writer.sheets[sheet]
            zh, en = VIEW_LABELS.get(name, (name, name))
            ws.write(0, 0, f"{zh} / {en}", bold)
            for j, column in enumerate(frame.columns):
                ws.write(1, j, COLUMN_LABELS.get(str(column), str(column)), bold)
                ws.write(2, j, str(column), bold)
                ws.set_column(j, j, max(10, min(36, len(str(column)) + 4)))
            ws.freeze_panes(3, 0)


def write_staff_report(views: dict[str, pd.DataFrame], summary: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write ``{view}.parquet`` and ``{view}.csv`` for every view, ``staff_report.xlsx`` and
    ``staff_summary.json`` into ``out_dir`` (replaced as a whole). Returns the paths written."""
    out_dir = Path(out_dir)
    names: list[str] = []
    with atomic_output_dir(out_dir) as tmp:
        for name, frame in views.items():
            table = _arrow(frame)
            atomic_write_parquet(table, tmp / f"{name}.parquet")
            atomic_write_csv(table, tmp / f"{name}.csv", bom=True)
            names += [f"{name}.parquet", f"{name}.csv"]
        _write_excel(views, tmp / "staff_report.xlsx")
        atomic_write_text(
            json.dumps(_jsonable(summary), ensure_ascii=False, indent=2) + "\n", tmp / "staff_summary.json"
        )
        names += ["staff_report.xlsx", "staff_summary.json"]
    return [out_dir / n for n in names]

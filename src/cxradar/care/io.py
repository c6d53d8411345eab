"""Reading and writing care files at the edges: atomic Parquet/JSON/CSV/Excel writes.

Every writer goes through :mod:`cxradar.engine.files` (temporary file in the target folder, then
``os.replace``; the documented output mode), so a crash never leaves a half-written file in place
of a good one and lists have the same mode as every other output. Excel lists have a frozen header
row and filters on every column, so a call centre can sort and filter them as they are.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.engine.files import atomic_write_bytes, atomic_write_parquet, atomic_write_text
from cxradar.errors import MissingColumnError, UnreadableFileError

__all__ = [
    "read_dnd",
    "read_table",
    "write_csv_bom",
    "write_excel",
    "write_json",
    "write_parquet",
]


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """Write a table atomically as Parquet (index dropped)."""
    return atomic_write_parquet(df.reset_index(drop=True), path)


def write_json(obj: Any, path: Path) -> Path:
    """Write JSON atomically (UTF-8, Chinese kept readable)."""
    return atomic_write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n", path)


def write_csv_bom(df: pd.DataFrame, path: Path) -> Path:
    """Write CSV in UTF-8 with a BOM, so Excel shows Chinese text correctly."""
    return atomic_write_text(df.to_csv(index=False), path, encoding="utf-8-sig")


def write_excel(sheets: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """Write one Excel workbook (xlsxwriter), one sheet per entry (names cut to 31 characters), each
    with a frozen header row and an autofilter over its columns."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, df in sheets.items():
            sheet = name[:31]
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(df), 1), max(len(df.columns) - 1, 0))
            for i, col in enumerate(df.columns):
                ws.set_column(i, i, min(60, max(12, len(str(col)) + 2)))
    return atomic_write_bytes(buffer.getvalue(), path)


def read_table(path: Path) -> pd.DataFrame:
    """Read a Parquet or CSV table; errors name the file and the fix."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(
            f"file {path} does not exist", fix="check the path, or run the step that writes it"
        )
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype={"msisdn": "string"}, encoding="utf-8-sig")
        return pd.read_parquet(path)
    except Exception as error:  # pyarrow / pandas raise many types
        raise UnreadableFileError(
            f"cannot read {path}: {error}", fix="pass a Parquet or UTF-8 CSV file"
        ) from error


def read_dnd(path: Path) -> pd.Series:
    """A do-not-disturb list: a text file with one msisdn a line, or CSV/Parquet with an msisdn column."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".csv"):
        table = read_table(path)
        if "msisdn" not in table.columns:
            raise MissingColumnError(
                f"{path} has no 'msisdn' column", fix="name the column msisdn, or use one number a line"
            )
        return table["msisdn"].astype("string").str.strip()
    if not path.exists():
        raise UnreadableFileError(
            f"do-not-disturb file {path} does not exist", fix="fix do_not_disturb in policies.yaml"
        )
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8-sig").splitlines()]
    return pd.Series([ln for ln in lines if ln and not ln.startswith("#")], dtype="string")

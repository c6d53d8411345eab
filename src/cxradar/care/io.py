"""Reading and writing care files at the edges: atomic Parquet/JSON/CSV/Excel writes.

Every writer puts the content in a temporary file in the target folder and then
``os.replace``-s it, so a crash never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.errors import MissingColumnError, UnreadableFileError

__all__ = [
    "read_dnd",
    "read_table",
    "write_csv_bom",
    "write_excel",
    "write_json",
    "write_parquet",
]


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """Write a table atomically as Parquet (index dropped)."""
    return _atomic(path, lambda p: df.reset_index(drop=True).to_parquet(p, index=False))


def write_json(obj: Any, path: Path) -> Path:
    """Write JSON atomically (UTF-8, Chinese kept readable)."""

    def write(p: Path) -> None:
        p.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")

    return _atomic(path, write)


def write_csv_bom(df: pd.DataFrame, path: Path) -> Path:
    """Write CSV in UTF-8 with a BOM, so Excel shows Chinese text correctly."""
    return _atomic(path, lambda p: df.to_csv(p, index=False, encoding="utf-8-sig"))


def write_excel(sheets: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """Write one Excel workbook (xlsxwriter), one sheet per entry (names cut to 31 characters)."""

    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="xlsxwriter") as writer:
            for name, df in sheets.items():
                sheet = name[:31]
                df.to_excel(writer, sheet_name=sheet, index=False)
                writer.sheets[sheet].freeze_panes(1, 0)
                for i, col in enumerate(df.columns):
                    writer.sheets[sheet].set_column(i, i, min(60, max(12, len(str(col)) + 2)))

    return _atomic(path, write)


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

"""Reading and writing care files at the edges, through the one file layer (:mod:`cxradar.io`).

Every writer goes through :func:`cxradar.io.atomic_path` (a temporary file in the target folder,
then ``os.replace``), so a crash never leaves a half-written file in place of a good one; every
reader goes through :func:`cxradar.io.read_frame`, whose errors name the table, the file, the
line and the fix. Every output gets the documented file mode (:data:`cxradar.io.OUTPUT_FILE_MODE`),
so lists have the same mode as every other output. Excel lists have a frozen header row and
filters on every column, so a call centre can sort and filter them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.errors import MissingColumnError, UnreadableFileError, did_you_mean
from cxradar.io import atomic_path, atomic_write_csv, atomic_write_json, atomic_write_parquet, read_frame
from cxradar.io.encoding import scan_text

__all__ = [
    "DECISION_TEXT_COLUMNS",
    "read_decisions",
    "read_dnd",
    "read_table",
    "write_csv_bom",
    "write_excel",
    "write_json",
    "write_parquet",
]


# A care plan's decision columns: a few distinct sentences and codes over a fifth of the base (the
# rules' and policies' categoricals). The monthly run writes them as plain text through the engine.
DECISION_TEXT_COLUMNS = (
    "rule_id", "strategy", "channel", "script_en", "script_zh", "remedy", "remedy_action",
    "remedy_en", "rule_reason_en", "remedy_zh", "rule_reason_zh", "decision_en", "decision_zh",
    "policy_note_en", "policy_note_zh", "detail_en", "detail_zh",
)  # fmt: skip


def read_decisions(path: Path, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A care plan, selection, left-out or care_actions file with its decision columns
    (:data:`DECISION_TEXT_COLUMNS`) read as categoricals: at 5M subscribers the plan's 1.15M rows
    would otherwise hold one Python string per row and column. ``columns`` keeps those it names."""
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        raise UnreadableFileError(f"{path} does not exist", fix="run the step that writes it (cxradar run)")
    names = pq.read_schema(path).names
    wanted = [c for c in (columns if columns is not None else names) if c in names]
    dictionary = [c for c in DECISION_TEXT_COLUMNS if c in wanted]
    return pq.read_table(path, columns=wanted, read_dictionary=dictionary).to_pandas()


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """Write a table atomically as Parquet (index dropped)."""
    return atomic_write_parquet(df, path)


def write_json(obj: Any, path: Path) -> Path:
    """Write JSON atomically (UTF-8, Chinese kept readable)."""
    return atomic_write_json(obj, path)


def write_csv_bom(df: pd.DataFrame, path: Path) -> Path:
    """Write CSV in UTF-8 with a BOM, so Excel shows Chinese text correctly."""
    return atomic_write_csv(df, path, bom=True)


def write_excel(sheets: Mapping[str, pd.DataFrame], path: Path) -> Path:
    """Write one Excel workbook (xlsxwriter), one sheet per entry (names cut to 31 characters), each
    with a frozen header row and an autofilter over its columns."""
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter") as writer:
        for name, df in sheets.items():
            sheet = name[:31]
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(df), 1), max(len(df.columns) - 1, 0))
            for i, col in enumerate(df.columns):
                ws.set_column(i, i, min(60, max(12, len(str(col)) + 2)))
    return Path(path)


def read_table(path: Path, *, table: str | None = None, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a Parquet or CSV table (``msisdn`` kept as text); errors name the file and the fix.
    ``columns`` must all be present (a missing one names the closest)."""
    frame = read_frame(Path(path), table=table, fix=None)
    for column in columns:
        if column not in frame.columns:
            raise MissingColumnError(
                f"{path} has no column '{column}'.{did_you_mean(column, list(frame.columns))}",
                fix=f"give the file the columns {', '.join(columns)}",
            )
    return frame


def read_dnd(path: Path) -> pd.Series:
    """A do-not-disturb list: a text file with one msisdn a line, or CSV/Parquet with an msisdn column."""
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".csv"):
        table = read_table(path, table="do_not_disturb")
        if "msisdn" not in table.columns:
            raise MissingColumnError(
                f"{path} has no 'msisdn' column", fix="name the column msisdn, or use one number a line"
            )
        return table["msisdn"].astype("string").str.strip()
    if not path.is_file():
        raise UnreadableFileError(
            f"do-not-disturb file {path} does not exist", fix="fix do_not_disturb in policies.yaml"
        )
    encoding = scan_text(path).encoding
    lines = [ln.strip() for ln in path.read_text(encoding=encoding).lstrip("\ufeff").splitlines()]
    return pd.Series([ln for ln in lines if ln and not ln.startswith("#")], dtype="string")

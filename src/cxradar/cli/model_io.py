"""The file edge of ``cxradar model``: read a flat table without losing or inventing values, write
scores as Parquet, CSV (UTF-8 with BOM) or Excel.

Reading goes through the one file layer (:func:`cxradar.io.read_frame`: encoding checked over
the whole file, numbers and true/false typed, null tokens missing). A CSV record with more or
fewer fields than the header is not scored: padding a short record with blanks would score it as
if the rest were "unknown". Such records are set aside with their line, the fields found and
expected, and their text - the caller reports them and writes them next to its output - and the
rest of the file is read. Writing goes through :mod:`cxradar.io`'s atomic writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.errors import DataError, UnreadableFileError
from cxradar.io import BadLine, atomic_path, atomic_write_csv, atomic_write_parquet, read_frame

__all__ = ["OUTPUT_SUFFIXES", "TableRead", "read_flat_table", "write_rejected", "write_scores"]

OUTPUT_SUFFIXES = (".parquet", ".csv", ".xlsx")
EXCEL_MAX_ROWS = 1_048_575  # one row is the header
_FIX = "pass the path of a .csv or .parquet file"


@dataclass
class TableRead:
    """A table and the CSV records that could not be read as rows of it."""

    frame: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""

    def warning(self) -> str:
        """One sentence on the rejected records ('' when there are none)."""
        if not self.rejected:
            return ""
        first = self.rejected[0]
        return (
            f"{len(self.rejected):,} record(s) of {self.source} were set aside, not read: line {first['line']} "
            f"has {first['fields_found']} of {first['fields_expected']} fields"
            + (f" (and {len(self.rejected) - 1:,} more)" if len(self.rejected) > 1 else "")
            + ". Fix: re-export the file with every field (quote values that contain commas)."
        )


def _rejected(path: Path, bad: BadLine) -> dict[str, Any]:
    return {
        "file": str(path),
        "line": bad.line,
        "fields_expected": bad.expected,
        "fields_found": bad.fields,
        "rule": "too_few_fields" if bad.fields < bad.expected else "too_many_fields",
        "raw": bad.text,
    }


def read_flat_table(path: Path) -> TableRead:
    """Read a CSV (UTF-8 with or without BOM, GBK/GB18030) or Parquet table; blank cells stay missing.

    CSV records with more or fewer fields than the header are set aside in ``rejected``."""
    path = Path(path)
    if path.is_dir() and path.suffix.lower() not in (".parquet", ".pq"):
        raise UnreadableFileError(f"table '{path}' is a folder", fix=_FIX)
    bad: list[BadLine] = []
    frame = read_frame(path, table=path.stem, fix=_FIX, bad_lines=bad)
    return TableRead(frame=frame, rejected=[_rejected(path, b) for b in bad], source=str(path))


def _write_excel(frame: pd.DataFrame, out: Path, sheet: str) -> None:
    with atomic_path(out) as tmp, pd.ExcelWriter(tmp, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
        for i, column in enumerate(frame.columns):
            ws.set_column(i, i, min(60, max(12, len(str(column)) + 2)))


def write_scores(frame: pd.DataFrame, out: Path) -> Path:
    """Write ``frame`` by the suffix of ``out``: Parquet, CSV with a BOM (Excel shows Chinese), or a
    real Excel workbook (frozen header, filters); atomically."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise DataError(
            f"--out {out}: cannot tell the format from '{out.suffix or '(no suffix)'}'",
            fix="end --out with .parquet, .csv or .xlsx",
        )
    if suffix == ".parquet":
        return atomic_write_parquet(frame, out)
    if suffix == ".csv":
        return atomic_write_csv(frame, out, bom=True)
    if len(frame) > EXCEL_MAX_ROWS:
        raise DataError(
            f"--out {out}: {len(frame):,} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS:,} at most)",
            fix="write .parquet or .csv instead",
        )
    _write_excel(frame, out, "scores")
    return out


def write_rejected(rejected: list[dict[str, Any]], out: Path) -> Path:
    """The set-aside records next to ``out`` as ``<name>.rejected.csv`` (UTF-8 with BOM)."""
    target = out.with_name(out.stem + ".rejected.csv")
    return atomic_write_csv(pd.DataFrame(rejected), target, bom=True)

"""The file edge of ``cxradar model``: read a flat table without losing or inventing values, write
scores as Parquet, CSV (UTF-8 with BOM) or Excel.

Reading a CSV checks every record's number of fields against the header first: pandas would pad a
short record with blanks (scored as if the rest were "unknown") and stop at a long one. Such
records are set aside with their line, the fields found and expected, and their text - the
caller reports them and writes them next to its output - and the rest of the file is read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.engine.files import atomic_write_bytes, atomic_write_parquet, atomic_write_text, detect_encoding
from cxradar.errors import DataError, UnreadableFileError

__all__ = ["OUTPUT_SUFFIXES", "TableRead", "read_flat_table", "write_rejected", "write_scores"]

OUTPUT_SUFFIXES = (".parquet", ".csv", ".xlsx")
EXCEL_MAX_ROWS = 1_048_575  # one row is the header


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


def _line(record: list[str]) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator="").writerow(record)
    return text.getvalue()


def _split_records(path: Path, encoding: str) -> TableRead:
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise UnreadableFileError(
                f"{path} has no header row", fix="add a header line with the column names"
            )
        good = io.StringIO()
        writer = csv.writer(good, lineterminator="\n")
        writer.writerow(header)
        rejected: list[dict[str, Any]] = []
        start = reader.line_num + 1
        for record in reader:
            if record and len(record) != len(header):
                rejected.append(
                    {
                        "file": str(path),
                        "line": start,
                        "fields_expected": len(header),
                        "fields_found": len(record),
                        "rule": "too_few_fields" if len(record) < len(header) else "too_many_fields",
                        "raw": _line(record),
                    }
                )
            elif record:
                writer.writerow(record)
            start = reader.line_num + 1
    good.seek(0)
    try:
        frame = pd.read_csv(good)
    except (ValueError, pd.errors.ParserError) as error:
        raise UnreadableFileError(
            f"table '{path}' cannot be read: {error}", fix="check the file is complete"
        ) from error
    return TableRead(frame=frame, rejected=rejected, source=str(path))


def read_flat_table(path: Path) -> TableRead:
    """Read a CSV (UTF-8 with or without BOM, GBK/GB18030) or Parquet table; blank cells stay missing.

    CSV records with more or fewer fields than the header are set aside in ``rejected``."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFileError(
            f"table '{path}' does not exist", fix="pass the path of a .csv or .parquet file"
        )
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return TableRead(frame=pd.read_parquet(path), source=str(path))
        if suffix in (".csv", ".txt"):
            encoding = detect_encoding(path)
            return _split_records(path, encoding)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise UnreadableFileError(
            f"table '{path}' cannot be read: {error}", fix="check the file is complete"
        ) from error
    raise UnreadableFileError(f"table '{path}' is not .csv or .parquet", fix="convert it to CSV or Parquet")


def _excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
        for i, column in enumerate(frame.columns):
            ws.set_column(i, i, min(60, max(12, len(str(column)) + 2)))
    return buffer.getvalue()


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
        return atomic_write_text(frame.to_csv(index=False), out, encoding="utf-8-sig")
    if len(frame) > EXCEL_MAX_ROWS:
        raise DataError(
            f"--out {out}: {len(frame):,} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS:,} at most)",
            fix="write .parquet or .csv instead",
        )
    return atomic_write_bytes(_excel_bytes(frame, "scores"), out)


def write_rejected(rejected: list[dict[str, Any]], out: Path) -> Path:
    """The set-aside records next to ``out`` as ``<name>.rejected.csv`` (UTF-8 with BOM)."""
    target = out.with_name(out.stem + ".rejected.csv")
    return atomic_write_text(pd.DataFrame(rejected).to_csv(index=False), target, encoding="utf-8-sig")

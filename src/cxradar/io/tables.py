"""The one reader every step uses: a table's file (CSV or Parquet) in, Arrow or pandas out.

* :func:`read_frame` - a pandas frame of one table's file; CSV goes through the streaming reader
  (:mod:`cxradar.io.csvfile`: encoding checked over the whole file, the declared null tokens read
  as null, a bad line named by its line), then numbers and true/false are typed as pandas would
  type them (``strings`` columns, e.g. ``msisdn``, are kept as text). Parquet is read with
  optional ``columns`` and pyarrow ``filters``.
* :func:`load_frame` - the same, from a data folder by table name (``None`` when an optional
  table is absent; a missing required one names what *was* found).
* :func:`read_table_file` / :func:`read_parquet` / :func:`check_parquet` - Arrow tables and
  footers, for the validation and engine layers.

Every failure is an :class:`~cxradar.errors.UnreadableFileError` (or
:class:`~cxradar.errors.MissingColumnError`) that names the table, the file, the line or row
where known, and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cxradar.errors import CxradarError, MissingColumnError, UnreadableFileError, did_you_mean
from cxradar.io.csvfile import BadLine, read_csv_raw
from cxradar.io.locate import find_table_file, near_misses, parquet_files

__all__ = [
    "NULL_TOKENS",
    "check_parquet",
    "load_frame",
    "read_frame",
    "read_parquet",
    "read_table_file",
]

NULL_TOKENS = ("", "\\N", "NULL", "null", "NaN", "nan")
"""Cell values read as null (Hive writes ``\\N``; databases ``NULL``; pandas ``nan``). The data
contract declares the same default in ``conf/contract/_reading.yaml``."""

_PARQUET_FIX = "re-export the file (the copy may have been cut short)"
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_PARQUET_SUFFIXES = (".parquet", ".pq")


def _unreadable(part: Path, error: Exception) -> UnreadableFileError:
    return UnreadableFileError(
        f"{part} is not a readable Parquet file (truncated or corrupt: {error})", fix=_PARQUET_FIX
    )


def check_parquet(path: Path) -> list[str]:
    """Check every part's footer (cheap) and return the column names; raise when unreadable."""
    names: list[str] | None = None
    for part in parquet_files(Path(path)):
        try:
            schema = pq.read_schema(part)
        except (pa.ArrowException, OSError) as error:
            raise _unreadable(part, error) from error
        if names is None:
            names = list(schema.names)
    return names or []


def read_parquet(path: Path) -> pa.Table:
    """A Parquet file or folder of parts; a truncated or corrupt file names itself and the fix."""
    tables = []
    for part in parquet_files(Path(path)):
        try:
            tables.append(pq.read_table(part))
        except (pa.ArrowException, OSError) as error:
            raise _unreadable(part, error) from error
    if len(tables) == 1:
        return tables[0]
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as error:
        raise UnreadableFileError(
            f"the Parquet parts in {path} have incompatible schemas: {error}",
            fix="write all parts with the same columns and types",
        ) from error


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if suffix in _PARQUET_SUFFIXES or path.is_dir():
        return "parquet"
    raise UnreadableFileError(f"{path} is neither CSV nor Parquet", fix="save the table as .csv or .parquet")


def read_table_file(path: Path, encoding: str | None = None) -> pa.Table:
    """Read ``.csv`` as raw strings (blank = null), Parquet (file or folder) as stored."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(f"{path} does not exist", fix="check the path and the file name")
    if _kind(path) == "csv":
        return read_csv_raw(path, encoding)
    return read_parquet(path)


def _infer(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Integers, floats and true/false typed as pandas' CSV reader types them; text stays text."""
    if column.null_count == len(column):
        return column
    trimmed = pc.utf8_trim_whitespace(column)
    for target in (pa.int64(), pa.float64()):
        try:
            return pc.cast(trimmed, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    low = pc.utf8_lower(trimmed)
    if pc.all(pc.is_in(low, value_set=pa.array(["true", "false"]))).as_py():
        return pc.equal(low, "true")
    return column


def _csv_frame(
    path: Path,
    encoding: str | None,
    infer: bool,
    strings: Sequence[str],
    bad_lines: list[BadLine] | None = None,
) -> pd.DataFrame:
    table = read_csv_raw(path, encoding, null_values=NULL_TOKENS, bad_lines=bad_lines)
    if infer:
        keep = set(strings)
        for i, name in enumerate(table.column_names):
            if name not in keep:
                table = table.set_column(i, name, _infer(table.column(i)))
    return table.to_pandas()


def _parquet_frame(
    path: Path, columns: Sequence[str] | None, filters: Any, only_present: bool, table: str
) -> pd.DataFrame:
    have = check_parquet(path)
    cols = list(columns) if columns is not None else None
    if cols is not None:
        missing = [c for c in cols if c not in have]
        if only_present:
            cols = [c for c in cols if c in have]
        elif missing:
            raise MissingColumnError(
                f"table '{table}' ({path}) has no column '{missing[0]}'.{did_you_mean(missing[0], have)}",
                fix="write the table with that column (docs/data-contract.md)",
            )
    usable = [f for f in filters or [] if f[0] in have] or None
    return pd.read_parquet(path, columns=cols, filters=usable)


def read_frame(
    path: Path,
    *,
    table: str | None = None,
    columns: Sequence[str] | None = None,
    filters: Any = None,
    encoding: str | None = None,
    infer: bool = True,
    strings: Sequence[str] = ("msisdn",),
    only_present: bool = False,
    fix: str | None = None,
    bad_lines: list[BadLine] | None = None,
) -> pd.DataFrame:
    """One table's file as a pandas frame (see the module docstring).

    ``strings`` are CSV columns kept as text (pandas ``string`` dtype), never typed as numbers.
    ``columns`` selects columns (``only_present`` drops the ones the file lacks instead of
    failing); ``filters`` are pyarrow row filters, applied to Parquet only (callers still filter)
    and only on columns the file has. ``infer=False`` keeps every CSV column as text. ``fix``
    replaces the generic fix of an unreadable file (e.g. "re-run cxradar run ...").
    ``bad_lines`` (a list): CSV lines whose number of fields differs from the header's are
    appended to it and left out, instead of failing the read (the caller reports them).
    """
    path = Path(path)
    name = table or path.stem
    if not path.exists():
        raise UnreadableFileError(
            f"table '{name}': {path} does not exist",
            fix=fix or "check the path, or run the step that writes it",
        )
    try:
        if _kind(path) == "csv":
            frame = _csv_frame(path, encoding, infer, strings, bad_lines)
            for column in strings:  # as pandas' dtype={"msisdn": "string"} gave
                if column in frame.columns:
                    frame[column] = frame[column].astype("string")
            if columns is not None:
                wanted = [c for c in columns if c in frame.columns] if only_present else list(columns)
                missing = [c for c in wanted if c not in frame.columns]
                if missing:
                    raise MissingColumnError(
                        f"table '{name}' ({path}) has no column '{missing[0]}'."
                        f"{did_you_mean(missing[0], list(frame.columns))}",
                        fix="add the column to the file's header (docs/data-contract.md)",
                    )
                frame = frame[wanted]
        else:
            frame = _parquet_frame(path, columns, filters, only_present, name)
    except CxradarError as error:
        if fix is None or not isinstance(error, UnreadableFileError):
            raise
        raise UnreadableFileError(f"table '{name}': {error.message}", fix=fix) from error
    except (OSError, pa.ArrowException, ValueError) as error:
        raise UnreadableFileError(
            f"table '{name}': {path} cannot be read ({error})", fix=fix or _PARQUET_FIX
        ) from error
    return frame


def load_frame(
    folder: Path,
    table: str,
    *,
    required: bool = True,
    fix: str | None = None,
    **options: Any,
) -> pd.DataFrame | None:
    """:func:`read_frame` of ``table`` found in ``folder``; ``None`` when it is absent and not
    ``required``. A missing required table names the folder, any near miss and the fix."""
    path = find_table_file(Path(folder), table)
    if path is None:
        if not required:
            return None
        raise UnreadableFileError(
            f"table '{table}' has no file in {folder}.{near_misses(Path(folder), table)}",
            fix=fix or f"add {table}.parquet or {table}.csv (docs/data-contract.md#{table})",
        )
    return read_frame(path, table=table, fix=fix, **options)

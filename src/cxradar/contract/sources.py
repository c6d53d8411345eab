"""Sources: an input table opened as a DuckDB view, with its row numbers and where it came from.

Every source view has the raw columns plus three bookkeeping columns that travel with each row
into the quarantine: ``__file`` (the file the row came from), ``__row`` (1-based data row) and
``__line`` (the line in a CSV file; NULL for Parquet). Other ``__``-prefixed columns are carried
through validation too (the wide-table mode uses one to name the original column of a month).

Parquet is scanned by DuckDB directly (streaming, low memory). CSV is read block by block by
:mod:`cxradar.io.csvfile` as raw strings and staged as a Parquet file in a scratch folder, so a
file of tens of millions of lines never sits in memory and DuckDB can scan it as often as the
audit needs; lines with the wrong number of fields travel with the source as ``bad_lines``.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cxradar.contract.parse import quote_literal
from cxradar.errors import UnreadableFileError
from cxradar.io import BadLine, check_parquet, parquet_files, stage_csv

__all__ = ["BOOKKEEPING", "Source", "describe", "open_source"]

BOOKKEEPING = ("__file", "__row", "__line")
_counter = itertools.count()


@dataclass
class Source:
    """An input table registered in a DuckDB connection as the view ``relation``."""

    table: str
    file: str
    relation: str
    columns: dict[str, str]  # raw column name -> DuckDB type (bookkeeping excluded)
    carried: tuple[str, ...] = ()  # extra "__" columns kept through validation
    labels: dict[str, str] = field(default_factory=dict)  # contract column -> SQL for the name shown
    keepalive: object = None
    row_sql: str = "__row"  # SQL for the row number shown in the quarantine
    bad_lines: list[BadLine] = field(default_factory=list)  # CSV lines that could not be split
    notes: list[str] = field(default_factory=list)  # how the file was read (e.g. the delimiter)
    parquet_file: Path | None = None  # the one Parquet file the relation reads as it is, if so

    def label_sql(self, column: str) -> str:
        return self.labels.get(column, quote_literal(column))


def describe(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column name -> DuckDB type of a relation or query."""
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _open_csv(
    con: duckdb.DuckDBPyConnection, path: Path, table_name: str, encoding: str | None, staging: Path
) -> Source:
    fd, name = tempfile.mkstemp(prefix=f"{table_name}-", suffix=".parquet", dir=staging)
    os.close(fd)
    target = Path(name)
    staged = stage_csv(path, target, encoding=encoding)
    clash = [c for c in staged.layout.header if c.startswith("__")]
    if clash:
        raise UnreadableFileError(
            f"{path} has column(s) {', '.join(clash)}; names starting with '__' are reserved",
            fix="rename those columns",
        )
    relation = f"__src_{table_name}_{next(_counter)}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT *, {quote_literal(str(path))} AS __file "
        f"FROM read_parquet({quote_literal(str(target))})"
    )
    columns = {k: v for k, v in describe(con, relation).items() if not k.startswith("__")}
    notes = list(staged.layout.notes)
    if staged.layout.encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"read as {staged.layout.encoding.upper()} text (detected over the whole file)")
    return Source(table_name, str(path), relation, columns, bad_lines=staged.bad_lines, notes=notes)


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table_name: str,
    *,
    staging: Path,
    encoding: str | None = None,
) -> Source:
    """Open ``path`` (CSV, Parquet file or folder of parts) as a source for ``table_name``; a CSV
    file is staged as Parquet in the scratch folder ``staging``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return _open_csv(con, path, table_name, encoding, staging)
    check_parquet(path)
    parts = parquet_files(path)
    files = "[" + ", ".join(quote_literal(str(p)) for p in parts) + "]"
    relation = f"__src_{table_name}_{next(_counter)}"
    scan = f"read_parquet({files}, file_row_number = true, filename = true, union_by_name = true)"
    try:
        raw = describe(con, scan)
        clash = [c for c in raw if c.startswith("__")]
        if clash:
            raise UnreadableFileError(
                f"{path} has column(s) {', '.join(clash)}; names starting with '__' are reserved",
                fix="rename those columns",
            )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT * EXCLUDE (file_row_number, filename), "
            f"file_row_number + 1 AS __row, CAST(NULL AS BIGINT) AS __line, filename AS __file FROM {scan}"
        )
    except duckdb.Error as error:
        raise UnreadableFileError(
            f"{path} cannot be read as Parquet: {error}", fix="re-export the file (it may be truncated)"
        ) from error
    columns = {k: v for k, v in describe(con, relation).items() if not k.startswith("__")}
    return Source(table_name, str(path), relation, columns, parquet_file=path if parts == [path] else None)

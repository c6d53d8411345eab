"""Sources: an input table opened as a DuckDB view, with its row numbers and where it came from.

Every source view has the raw columns plus three bookkeeping columns that travel with each row
into the quarantine: ``__file`` (the file the row came from), ``__row`` (1-based data row) and
``__line`` (the line in a CSV file; NULL for Parquet). Other ``__``-prefixed columns are carried
through validation too (the wide-table mode uses one to name the original column of a month).

Parquet is scanned by DuckDB directly (streaming, low memory); CSV is read by
:mod:`cxradar.engine.files` as raw strings and registered as an Arrow table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from cxradar.contract.parse import quote_literal
from cxradar.engine.files import check_parquet, parquet_files, read_csv_raw
from cxradar.errors import UnreadableFileError

__all__ = ["BOOKKEEPING", "Source", "describe", "open_source", "source_from_arrow"]

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

    def label_sql(self, column: str) -> str:
        return self.labels.get(column, quote_literal(column))


def describe(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    """Column name -> DuckDB type of a relation or query."""
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def _line_numbers(table: pa.Table) -> pa.Array:
    """The CSV line of each data row: header is line 1; quoted newlines push later rows down."""
    n = table.num_rows
    extra = None
    for column in table.columns:
        counts = pc.fill_null(pc.count_substring(column, "\n"), 0)
        extra = counts if extra is None else pc.add(extra, counts)
    base = pa.array(range(2, n + 2), type=pa.int64())
    if extra is None or n == 0 or pc.max(extra).as_py() == 0:
        return base
    before = pc.subtract(pc.cumulative_sum(pc.cast(extra, pa.int64())), pc.cast(extra, pa.int64()))
    return pc.add(base, before)


def source_from_arrow(
    con: duckdb.DuckDBPyConnection,
    table_name: str,
    data: pa.Table,
    file: str,
    *,
    lines: bool,
    labels: dict[str, str] | None = None,
) -> Source:
    """Register an Arrow table (raw values) as a source; adds ``__row`` and, for CSV, ``__line``."""
    n = data.num_rows
    if "__row" not in data.column_names:
        data = data.append_column("__row", pa.array(range(1, n + 1), type=pa.int64()))
    if "__line" not in data.column_names:
        line = _line_numbers(data.drop_columns(["__row"])) if lines else pa.nulls(n, pa.int64())
        data = data.append_column("__line", line)
    arrow_name = f"__arrow_{next(_counter)}"
    con.register(arrow_name, data)
    relation = f"__src_{table_name}_{next(_counter)}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {relation} AS "
        f"SELECT *, {quote_literal(file)} AS __file FROM {arrow_name}"
    )
    columns = {k: v for k, v in describe(con, relation).items() if not k.startswith("__")}
    carried = tuple(c for c in data.column_names if c.startswith("__") and c not in BOOKKEEPING)
    return Source(table_name, file, relation, columns, carried, dict(labels or {}), keepalive=data)


def open_source(
    con: duckdb.DuckDBPyConnection, path: Path, table_name: str, *, encoding: str | None = None
) -> Source:
    """Open ``path`` (CSV, Parquet file or folder of parts) as a source for ``table_name``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return source_from_arrow(con, table_name, read_csv_raw(path, encoding), str(path), lines=True)
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
    return Source(table_name, str(path), relation, columns)

"""DuckDB, the embedded default engine: a connection with the input tables registered as views.

``connect(tables_dir)`` exposes every contract table found in the folder as a view of the same
name that reads the Parquet file in place (``read_parquet``; nothing is copied into pandas).
CSV files are read as raw text (UTF-8 or GBK/GB18030, see :mod:`cxradar.engine.files`) and cast
to the contract's types. Other helpers run their own SQL on the connection this returns.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from cxradar.contract.schema import TableContract, load_contracts
from cxradar.engine.files import find_table_file, parquet_files, read_csv_raw, set_output_mode
from cxradar.engine.inputs import conform_sql, empty_sql
from cxradar.engine.runner import Progress, materialise
from cxradar.engine.sqlmodel import SqlModel
from cxradar.errors import UnreadableFileError

__all__ = ["connect", "copy_to_parquet", "fetch_frame", "portable_select", "register_table", "run_models"]


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def register_table(con: duckdb.DuckDBPyConnection, contract: TableContract, path: Path | None) -> None:
    """Create the view ``contract.name`` over ``path`` (or an empty typed view when ``None``)."""
    name = contract.name
    if path is None:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {empty_sql(contract)}")
        return
    if path.suffix.lower() == ".csv":
        raw = read_csv_raw(path)
        con.register(f"raw_{name}", raw)
        sql = conform_sql(contract, f"raw_{name}", raw.column_names, where=str(path), raw_strings=True)
    else:
        files = parquet_files(path)
        try:
            present = pq.read_schema(files[0]).names
        except Exception as error:
            raise UnreadableFileError(
                f"{files[0]} is not a readable Parquet file ({error})",
                fix="re-export the file; 'cxradar validate' checks every table",
            ) from error
        source = "read_parquet([" + ", ".join(_sql_string(str(f)) for f in files) + "])"
        sql = conform_sql(contract, source, present, where=str(path))
    con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")


def connect(
    tables_dir: Path,
    *,
    required: Iterable[str] | None = None,
    database: str = ":memory:",
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection where each contract table in ``tables_dir`` is a view of its name.

    ``required`` names the tables that must be present (default: the tables the contract marks
    required); any other absent table is an empty view with the declared columns.
    ``memory_limit`` (e.g. ``"2GB"``) caps DuckDB's own memory; beyond it, DuckDB spills to
    ``temp_directory``.
    """
    tables_dir = Path(tables_dir)
    if not tables_dir.is_dir():
        raise UnreadableFileError(
            f"data folder {tables_dir} does not exist", fix="pass the folder that holds {table}.parquet files"
        )
    contracts = load_contracts()
    must = set(required) if required is not None else {n for n, c in contracts.items() if c.required_table}
    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads is not None:
        config["threads"] = threads
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    if temp_directory is not None:
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(database, config=config)
    for name, contract in contracts.items():
        path = find_table_file(tables_dir, name)
        if path is None and name in must:
            con.close()
            raise UnreadableFileError(
                f"{tables_dir} has no {name}.parquet or {name}.csv (table '{name}' is needed)",
                fix="add the table, or create a complete folder with 'cxradar simulate --out DIR'",
            )
        register_table(con, contract, path)
    return con


def run_models(
    con: duckdb.DuckDBPyConnection,
    models: list[SqlModel],
    params: dict[str, str],
    progress: Progress | None = None,
    keep: set[str] | None = None,
) -> None:
    """Materialise ``models`` (in dependency order) on the connection; with ``keep``, intermediate
    tables are dropped once no later model needs them."""
    materialise(models, params, "duckdb", con.execute, progress, keep=keep)


def portable_select(con: duckdb.DuckDBPyConnection, relation: str, order_by: str | None = None) -> str:
    """``SELECT`` of ``relation`` with portable types: DuckDB's 128-bit integers (what ``SUM`` of
    integers gives) become BIGINT, so they arrive as int64 rather than float."""
    described = con.execute(f"DESCRIBE {relation}").fetchall()
    columns = [
        f'CAST("{name}" AS BIGINT) AS "{name}"' if str(kind) in ("HUGEINT", "UHUGEINT") else f'"{name}"'
        for name, kind, *_ in described
    ]
    order = f" ORDER BY {order_by}" if order_by else ""
    return f"SELECT {', '.join(columns)} FROM {relation}{order}"


def fetch_frame(con: duckdb.DuckDBPyConnection, relation: str, order_by: str | None = None) -> pd.DataFrame:
    """``relation`` as a DataFrame (see :func:`portable_select` for the types)."""
    return con.execute(portable_select(con, relation, order_by)).df()


def copy_to_parquet(
    con: duckdb.DuckDBPyConnection, relation: str, path: Path, order_by: str | None = None
) -> Path:
    """Write ``relation`` to ``path`` as Parquet, streamed by DuckDB, atomically (temp file in the
    same folder, then ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        query = portable_select(con, relation, order_by)
        con.execute(f"COPY ({query}) TO {_sql_string(str(tmp))} (FORMAT parquet)")
        set_output_mode(tmp)  # the documented output mode, not mkstemp's 0600 (engine/files.py)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path

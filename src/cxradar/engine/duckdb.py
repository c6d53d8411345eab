"""DuckDB, the embedded default engine: a connection with the input tables registered as views.

``connect(tables_dir)`` exposes every contract table found in the folder as a view of the same
name that reads the Parquet file in place (``read_parquet``; nothing is copied into pandas).
CSV files are read as raw text (UTF-8 or GBK/GB18030, see :mod:`cxradar.engine.files`) and cast
to the contract's types. Other helpers run their own SQL on the connection this returns.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.contract.schema import TableContract, load_contracts
from cxradar.engine.base import Engine, ShardInput, ShardStep, StepCounts
from cxradar.engine.files import (
    atomic_output_dir,
    find_table_file,
    parquet_files,
    read_csv_raw,
    set_output_mode,
)
from cxradar.engine.inputs import conform_sql, empty_sql
from cxradar.engine.memory import release_memory
from cxradar.engine.partition import SHARD_COLUMN, batch_rows, write_partitioned
from cxradar.engine.runner import Progress, materialise
from cxradar.engine.shardframes import empty_table, input_frames, output_tables
from cxradar.engine.sqlmodel import SqlModel
from cxradar.errors import EngineError, UnreadableFileError
from cxradar.io import atomic_path

__all__ = [
    "DuckDBEngine",
    "connect",
    "copy_to_parquet",
    "fetch_frame",
    "memory_connection",
    "portable_select",
    "register_table",
    "run_models",
]


_T = TypeVar("_T")
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS.update({"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40})


def _bytes(size: str) -> int:
    """Bytes of a DuckDB memory size such as ``2GB``, ``1500 MB`` or ``1.8 GiB``."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", size)
    if match is None or match.group(2).upper() not in _UNITS:
        raise EngineError(
            f"memory limit '{size}' is not a size",
            fix="write it like 2GB, 1500MB or 1.5GiB (CXRADAR_DUCKDB_MEMORY_LIMIT)",
        )
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


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


def memory_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for SQL over pandas frames a logic module registers (logic
    layers reach DuckDB only through the engine layer)."""
    return duckdb.connect()


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
    same folder, then ``os.replace``: :func:`cxradar.io.atomic_path`)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        query = portable_select(con, relation, order_by)
        con.execute(f"COPY ({query}) TO {_sql_string(str(tmp))} (FORMAT parquet)")
    return path


# ============================================================================ the engine


_DISK_FIX = "check the free disk space and that the folder is writable"


def _sql_failed(
    error: BaseException, sql: str, *, lead: str = "DuckDB failed", noun: str = "query"
) -> EngineError:
    """The error for a statement DuckDB could not run, ending with its first 160 characters."""
    return EngineError(
        f"{lead}: {_first_line(error)}",
        fix=f"check the inputs with 'cxradar validate'; the {noun} began: " + " ".join(sql.split())[:160],
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class DuckDBEngine(Engine):
    """The embedded default engine (see :mod:`cxradar.engine.base`).

    Intermediate tables live in a database file under ``work_dir`` (DuckDB keeps at most
    ``memory_limit`` in memory and spills the rest), so a 20M-subscriber month runs in bounded
    memory. Shard functions read their inputs partitioned by ``hash(msisdn) % shards``: each input
    is written once as a Parquet dataset partitioned by shard, then the shards are read one after
    another, so the Python side holds one shard at a time.
    """

    name = "duckdb"

    def __init__(
        self,
        work_dir: Path,
        *,
        shards: int = 8,
        threads: int | None = None,
        memory_limit: str | None = "2GB",
        batch_rows: int = 200_000,
        workers: int = 1,
    ) -> None:
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.shards = max(1, int(shards))
        self.batch_rows = batch_rows
        self.workers = max(1, int(workers))
        self._executor: ProcessPoolExecutor | None = None
        config: dict[str, str | bool | int | float | list[str]] = {
            "temp_directory": str(self.work_dir / "spill"),
            "preserve_insertion_order": False,
        }
        if threads is not None:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.con = duckdb.connect(str(self.work_dir / "engine.duckdb"), config=config)
        self.memory_retries = 0  # statements re-run on one thread after running out of memory
        self.memory_limit_bytes = _bytes(memory_limit) if memory_limit else 0
        self._sharded: dict[str, Path] = {}  # relation -> dataset partitioned by this engine's shards
        self._frames: dict[str, Any] = {}

    # ------------------------------------------------------------------ SQL

    def _on_one_thread_if_short(self, action: Callable[[], _T], undo: Callable[[], None] | None = None) -> _T:
        """``action()``; when DuckDB runs out of memory, ``undo()`` and once more on one thread
        with twice the memory limit, then the settings as they were.

        DuckDB's limit counts the memory its operators reserve, not what they touch: at 5M
        subscribers the next month's feature query failed in 2 runs of 3 with "1.8 GiB/1.8 GiB
        used" while the process's resident set was 0.66 GB. Each thread reserves its own
        hash-table partitions, so one thread needs about half (DuckDB's own first advice for this
        error); one thread alone still failed once, hence the doubled limit for that statement.
        The count of such retries is kept in :attr:`memory_retries` (``summary.json``:
        ``run.memory_retries``)."""
        try:
            return action()
        except duckdb.OutOfMemoryException:
            if undo is not None:
                undo()
            ((threads,),) = self.con.execute("SELECT current_setting('threads')").fetchall()
            self.memory_retries += 1
            self.con.execute("SET threads = 1")
            if self.memory_limit_bytes:
                self.con.execute(f"SET memory_limit = '{2 * self.memory_limit_bytes}B'")
            try:
                return action()
            finally:
                self.con.execute(f"SET threads = {int(threads)}")
                if self.memory_limit_bytes:
                    self.con.execute(f"SET memory_limit = '{self.memory_limit_bytes}B'")

    def execute(self, statement: str) -> None:
        try:
            self._on_one_thread_if_short(lambda: self.con.execute(statement))
        except duckdb.Error as error:
            raise _sql_failed(error, statement, noun="statement") from error

    def create_view(self, name: str, query: str) -> None:
        self._sharded.pop(name, None)
        self.execute(f"CREATE OR REPLACE VIEW {name} AS {query}")

    def create_table(self, name: str, query: str) -> None:
        self._sharded.pop(name, None)
        self.execute(f"CREATE OR REPLACE TABLE {name} AS {query}")

    def drop(self, name: str) -> None:
        self._sharded.pop(name, None)
        kind = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        if kind is not None:
            self.execute(f"DROP {'VIEW' if kind[0] == 'VIEW' else 'TABLE'} IF EXISTS {name}")

    def register_parquet(self, name: str, path: Path, *, sharded: bool = False) -> None:
        path = Path(path)
        if sharded:
            source = f"read_parquet({_sql_string(str(path / '*' / '*.parquet'))}, hive_partitioning = true)"
            self.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * EXCLUDE (__shard) FROM {source}")
            self._sharded[name] = path
            return
        files = parquet_files(path)
        source = "read_parquet([" + ", ".join(_sql_string(str(f)) for f in files) + "])"
        self.create_view(name, f"SELECT * FROM {source}")

    def register_frame(self, name: str, frame: Any) -> None:
        hidden = f"__frame_{name}"
        self._frames[hidden] = frame
        self.con.register(hidden, frame)
        self.create_view(name, f"SELECT * FROM {hidden}")

    def has(self, name: str) -> bool:
        found = self.con.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(found and found[0])

    def columns(self, relation: str) -> list[str]:
        return [str(r[0]) for r in self.con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]

    def _portable(self, query: str) -> str:
        """``query`` with DuckDB's 128-bit integers (``SUM`` of integers) cast to BIGINT."""
        try:
            described = self.con.execute(f"DESCRIBE {query}").fetchall()
        except duckdb.Error as error:
            raise EngineError(
                f"DuckDB failed: {_first_line(error)}",
                fix="the query began: " + " ".join(query.split())[:160],
            ) from error
        columns = [
            f'CAST("{n}" AS BIGINT) AS "{n}"' if str(t) in ("HUGEINT", "UHUGEINT") else f'"{n}"'
            for n, t, *_ in described
        ]
        return f"SELECT {', '.join(columns)} FROM ({query}) AS q"

    def fetch_arrow(self, query: str) -> pa.Table:
        try:
            return self.con.sql(self._portable(query)).to_arrow_table()
        except duckdb.Error as error:
            raise EngineError(f"DuckDB failed: {_first_line(error)}", fix="see the query above") from error

    def fetch(self, query: str) -> pd.DataFrame:
        return self.fetch_arrow(query).to_pandas()

    # ------------------------------------------------------------------ writing

    def write_parquet(
        self, query: str, path: Path, *, order_by: str | None = None, drop: tuple[str, ...] = ()
    ) -> int:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        order = f" ORDER BY {order_by}" if order_by else ""
        try:
            select = self._portable(query)
            if drop:
                hidden = ", ".join(f'"{c}"' for c in drop)
                select = f"SELECT * EXCLUDE ({hidden}) FROM ({select}) AS q"
            copy = f"COPY ({select}{order}) TO {_sql_string(str(tmp))} (FORMAT parquet)"
            rows = self._on_one_thread_if_short(lambda: self.con.execute(copy).fetchone())
            set_output_mode(tmp)  # the documented output mode, not mkstemp's 0600 (cxradar.io.atomic)
            os.replace(tmp, path)
        except duckdb.IOException as error:
            raise EngineError(
                f"DuckDB could not write {path}: {_first_line(error)}", fix=_DISK_FIX
            ) from error
        except duckdb.Error as error:
            raise _sql_failed(error, query, lead=f"DuckDB failed writing {path.name}") from error
        finally:
            tmp.unlink(missing_ok=True)
        return int(rows[0]) if rows else 0

    def write_sharded(self, query: str, path: Path, *, key: str = "msisdn") -> None:
        """Write ``query`` as a dataset partitioned by this engine's shard of ``key`` (hive style
        ``__shard=k/``), replacing ``path`` atomically; :meth:`register_parquet` with
        ``sharded=True`` reads it back and lets shard steps skip re-partitioning."""
        path = Path(path)
        with atomic_output_dir(path) as tmp:
            self._copy_partitioned(query, tmp, key)

    def _copy_partitioned(self, query: str, target: Path, key: str) -> int:
        """``query`` written under ``target`` partitioned by the shard of ``key``."""
        sharded = f"SELECT *, {self.shard_sql(key)} AS {SHARD_COLUMN} FROM ({self._portable(query)}) AS q"
        return self.write_partitioned(sharded, target, SHARD_COLUMN)

    def write_partitioned(self, query: str, target: Path, column: str, *, keep_column: bool = False) -> int:
        """``query`` written under ``target`` as ``column=k/part-0.parquet`` (hive style) for each
        value k of its integer ``column``, streamed through
        :func:`cxradar.engine.partition.write_partitioned` in bounded memory (faster and lighter
        than DuckDB's own ``PARTITION_BY``: see that module). Returns the rows."""

        def write() -> int:
            schema = self.con.sql(f"SELECT * FROM ({query}) AS s LIMIT 0").to_arrow_table().schema
            reader = self.con.sql(query).to_arrow_reader(batch_rows(schema))
            return write_partitioned(reader, reader.schema, target, column=column, keep_column=keep_column)

        try:
            return self._on_one_thread_if_short(write, undo=lambda: shutil.rmtree(target, ignore_errors=True))
        except duckdb.Error as error:
            raise _sql_failed(error, query) from error
        except OSError as error:
            raise EngineError(f"could not write {target}: {error}", fix=_DISK_FIX) from error

    def shard_sql(self, key: str = "msisdn") -> str:
        """The SQL expression of a row's shard (stable for one engine and shard count)."""
        return f"CAST(hash({key}) % {self.shards} AS INTEGER)"

    # ------------------------------------------------------------------ shard functions

    def _schema(self, query: str) -> pa.Schema:
        return self.fetch_arrow(f"SELECT * FROM ({query}) AS q LIMIT 0").schema

    def _input_query(self, spec: ShardInput) -> str:
        cols = ", ".join(f'"{c}"' for c in spec.columns) if spec.columns else "*"
        return f"SELECT {cols} FROM {spec.relation}"

    def map_shards(self, step: ShardStep, out_dir: Path) -> StepCounts:
        out_dir = Path(out_dir)
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir(parents=True)
        counts = StepCounts()
        if step.rowwise:
            self._map_rowwise(step, out_dir, counts)
        else:
            self._map_grouped(step, out_dir, counts)
        for output in step.outputs:
            self.register_parquet(f"{step.name}_{output}", out_dir / output)
        return counts

    def _pool(self) -> Executor | None:
        """Worker processes for shard functions (``workers`` > 1), started once per engine; they
        are forked from a server process that has the package imported, so a task starts at once.

        Each worker moves the imported modules' objects out of the collector's sight
        (``gc.freeze``) as it starts: the collection after every task
        (:func:`cxradar.engine.memory.release_memory`) then scans only what the tasks made -
        0.09 s of ~157,000 objects a time before, 7 s of CPU in a 1M run. Workers end with
        ``os._exit``, so the frozen objects are never finalised one by one."""
        if self.workers <= 1:
            return None
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["cxradar.engine.shardframes", "cxradar.pipeline.steps"])
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=gc.freeze
            )
        return self._executor

    def _map_rowwise(self, step: ShardStep, out_dir: Path, counts: StepCounts) -> None:
        ((name, spec),) = step.inputs.items()
        query = self._portable(self._input_query(spec))
        for output in step.outputs:
            (out_dir / output).mkdir(parents=True, exist_ok=True)
        counts.rows_in[name] = 0
        counts.rows_out = dict.fromkeys(step.outputs, 0)
        pool = self._pool()
        pending: deque[Future[dict[str, int]]] = deque()

        def collect(result: dict[str, int]) -> None:
            for output, n in result.items():
                counts.rows_out[output] += n

        # a batch is a task: ~96 MB of rows (a wide feature table: ~40,000 rows), so a worker holds
        # one batch and the function's frames, not 200,000 rows of 300 columns
        rows = min(self.batch_rows, batch_rows(self._schema(query), _ROWWISE_BATCH_BYTES))
        reader = self.con.sql(query).to_arrow_reader(rows)
        for index, batch in enumerate(reader):
            table = pa.Table.from_batches([batch])
            counts.rows_in[name] += table.num_rows
            task = _ShardTask(step.function, dict(step.inputs), dict(step.outputs), step.name, index, out_dir)
            if pool is None:
                collect(task.run_tables({name: table}))
                continue
            pending.append(pool.submit(task.run_tables, {name: table}))
            while len(pending) > 2 * self.workers:
                collect(pending.popleft().result())
        while pending:
            collect(pending.popleft().result())

    def _partitioned_inputs(self, step: ShardStep, out_dir: Path) -> dict[str, tuple[Path, pa.Schema]]:
        found: dict[str, tuple[Path, pa.Schema]] = {}
        for name, spec in step.inputs.items():
            query = self._input_query(spec)
            schema = self._schema(query)
            if spec.relation in self._sharded and spec.key == "msisdn":
                found[name] = (self._sharded[spec.relation], schema)
                continue
            target = out_dir / ".inputs" / name
            self._copy_partitioned(
                f"SELECT * FROM ({query}) AS q WHERE {spec.key} IS NOT NULL", target, spec.key
            )
            found[name] = (target, schema)
        return found

    def _map_grouped(self, step: ShardStep, out_dir: Path, counts: StepCounts) -> None:
        inputs = self._partitioned_inputs(step, out_dir)
        for output in step.outputs:
            (out_dir / output).mkdir(parents=True, exist_ok=True)
        counts.rows_in = dict.fromkeys(step.inputs, 0)
        counts.rows_out = dict.fromkeys(step.outputs, 0)
        tasks = [
            _ShardTask(step.function, dict(step.inputs), dict(step.outputs), step.name, shard, out_dir)
            for shard in range(self.shards)
        ]
        pool = self._pool()
        try:
            if pool is None:
                results = [task.run_files(inputs) for task in tasks]
            else:
                results = [f.result() for f in [pool.submit(task.run_files, inputs) for task in tasks]]
        finally:
            shutil.rmtree(out_dir / ".inputs", ignore_errors=True)
        for rows_in, rows_out in results:
            for name, n in rows_in.items():
                counts.rows_in[name] += n
            for output, n in rows_out.items():
                counts.rows_out[output] += n

    def close(self) -> None:
        """Stop the shard workers and close the connection. A worker still busy (the run was
        interrupted halfway through a step) is given :data:`_WORKER_GRACE_S` and then terminated:
        ``ProcessPoolExecutor`` on Python 3.11 has no public way to stop a running task, and a
        worker left behind would hold its memory until the machine is restarted."""
        executor, self._executor = self._executor, None
        if executor is not None:
            processes = list(getattr(executor, "_processes", {}).values())  # private: see above
            executor.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + _WORKER_GRACE_S
            for process in processes:
                process.join(max(0.0, deadline - time.monotonic()))
                if process.is_alive():
                    process.terminate()
                    process.join(5)
        self.con.close()


_ROWWISE_BATCH_BYTES = 96 << 20  # a row-wise step's batch (one task), see _map_rowwise
_WORKER_GRACE_S = 2.0  # how long close() waits for a busy shard worker before terminating it


@dataclass(frozen=True)
class _ShardTask:
    """One shard (or one batch of a row-wise step): read, run the function, write its part files.
    Picklable, so worker processes can run it."""

    function: Any
    inputs: dict[str, ShardInput]
    outputs: dict[str, pa.Schema]
    step: str
    index: int
    out_dir: Path

    def _write(self, tables: dict[str, pa.Table]) -> dict[str, int]:
        frames = self.function(input_frames(tables, self.inputs))
        written = {}
        for output, table in output_tables(frames, self.outputs, self.step).items():
            pq.write_table(table, self.out_dir / output / f"part-{self.index:05d}.parquet")
            written[output] = table.num_rows
        del frames, tables
        release_memory()
        return written

    def run_tables(self, tables: dict[str, pa.Table]) -> dict[str, int]:
        return self._write(tables)

    def run_files(self, inputs: dict[str, tuple[Path, pa.Schema]]) -> tuple[dict[str, int], dict[str, int]]:
        tables: dict[str, pa.Table] = {}
        for name, (folder, schema) in inputs.items():
            part = folder / f"__shard={self.index}"
            files = sorted(part.glob("*.parquet")) if part.is_dir() else []
            table = pq.read_table(files, schema=schema) if files else empty_table(schema)
            tables[name] = table.select(schema.names).cast(schema) if table.schema != schema else table
        return {n: t.num_rows for n, t in tables.items()}, self._write(tables)

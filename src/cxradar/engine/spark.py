"""Apache Spark adapter: the same SQL models, transpiled by sqlglot, run with PySpark.

PySpark is an optional extra (``pip install 'cxradar[spark]'``) and is imported only when a
Spark run is asked for. Input tables become temporary views shaped by their contracts (the same
conforming ``SELECT`` as on DuckDB, transpiled); models become temporary views or cached tables
as :data:`cxradar.engine.dialects.ENGINES` declares. For a warehouse run without Python, use
:func:`spark_sql` to get the transpiled statements and run them there.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from cxradar.contract.schema import load_contracts
from cxradar.engine.base import Engine, ShardInput, ShardStep, StepCounts
from cxradar.engine.dialects import transpile
from cxradar.engine.files import atomic_output_dir, find_table_file, parquet_files
from cxradar.engine.inputs import conform_sql, empty_sql
from cxradar.engine.runner import Progress, compile_model, materialise
from cxradar.engine.shardframes import TABLE_TAG, input_frames, output_tables, pack, packed_schema, unpack
from cxradar.engine.sqlmodel import SqlModel
from cxradar.errors import EngineError, UnreadableFileError

__all__ = [
    "SparkEngine",
    "get_spark",
    "register_tables",
    "run_on_spark",
    "spark_available",
    "spark_sql",
    "start_session",
]

_INSTALL = "install the Spark extra: pip install 'cxradar[spark]' (needs Java 17), or use --engine duckdb"


def spark_available() -> bool:
    """True when PySpark can be imported."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def get_spark(app_name: str = "cxradar") -> Any:
    """The active SparkSession, or a new local one."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise EngineError("PySpark is not installed", fix=_INSTALL) from error
    return SparkSession.builder.appName(app_name).getOrCreate()


def register_tables(spark: Any, tables_dir: Path) -> None:
    """Each contract table in ``tables_dir`` as a temporary view of its name (Parquet only)."""
    for name, contract in load_contracts().items():
        path = find_table_file(Path(tables_dir), name)
        if path is None:
            if contract.required_table:
                raise UnreadableFileError(
                    f"{tables_dir} has no {name}.parquet (table '{name}' is needed)",
                    fix="add the table, or create a complete folder with 'cxradar simulate --out DIR'",
                )
            sql = empty_sql(contract)
        else:
            if path.suffix.lower() == ".csv":
                raise UnreadableFileError(
                    f"{path}: the Spark engine reads Parquet only", fix="convert the table to Parquet first"
                )
            raw = spark.read.parquet(*[str(f) for f in parquet_files(path)])
            raw.createOrReplaceTempView(f"raw_{name}")
            sql = conform_sql(contract, f"raw_{name}", raw.columns, where=str(path))
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {transpile(sql, 'spark', where=name)}")


def spark_sql(models: list[SqlModel], params: dict[str, str]) -> list[str]:
    """The statements that materialise ``models`` on Spark, in order (for a warehouse run)."""
    return [compile_model(m, params, "spark") for m in models]


def run_on_spark(
    tables_dir: Path,
    models: list[SqlModel],
    params: dict[str, str],
    result: str,
    *,
    spark: Any = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Run ``models`` on Spark over the tables in ``tables_dir`` and return model ``result``."""
    session = spark if spark is not None else get_spark()
    register_tables(session, tables_dir)
    materialise(models, params, "spark", session.sql, progress, keep={result})
    frame: pd.DataFrame = session.sql(f"SELECT * FROM {result} ORDER BY msisdn").toArrow().to_pandas()
    return frame


# ============================================================================ the engine


def _spark_error(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


def start_session(
    master: str | None = None,
    *,
    app_name: str = "cxradar",
    shuffle_partitions: int | None = None,
    config: dict[str, str] | None = None,
) -> Any:
    """The SparkSession to run on: the active one (a cluster, ``spark-submit``), a Spark Connect
    session when ``SPARK_REMOTE`` is set, else a new ``local[*]`` one (``master`` overrides).

    Python workers of a local master run this interpreter (``PYSPARK_PYTHON`` and
    ``spark.pyspark.python`` are set to it, so a shell's other Python cannot lack pyarrow); times
    are UTC so timestamps cross the Arrow boundary unchanged."""
    local = (master is None and not os.environ.get("SPARK_REMOTE")) or str(master).startswith("local")
    if local:  # workers on this machine run this interpreter, whatever the shell's PYSPARK_PYTHON
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    else:  # a cluster's workers: the interpreter its configuration names, else this one's path
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # PySpark 4.3 warns on pandas 3; we move data through Arrow, which the Spark tests check
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise EngineError("PySpark is not installed", fix=_INSTALL) from error
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName(app_name)
    if master is None and not os.environ.get("SPARK_REMOTE"):
        master = "local[*]"
    if master is not None and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no lookup of the machine's own name
    if master is not None:
        builder = builder.master(master)
    partitions = shuffle_partitions or max(2, 2 * (os.cpu_count() or 2))
    for key, value in {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.sql.adaptive.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": os.environ.get("CXRADAR_SPARK_DRIVER_MEMORY", "3g"),
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        # timestamps written as DuckDB writes them (microseconds), not Spark's legacy INT96
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        **({"spark.pyspark.python": sys.executable} if local else {}),
        **(config or {}),
    }.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # Java missing, port clash ...: say what Spark needs
        raise EngineError(
            f"Spark could not start: {_spark_error(error)}",
            fix="Spark needs Java 17 on PATH (java -version); or pass --engine duckdb",
        ) from error
    session.sparkContext.setLogLevel("ERROR")
    return session


def _arrow_schema(schema: Any) -> pa.Schema:
    """The Arrow schema shard functions see for a Spark schema: Spark's session-time-zone
    TIMESTAMP (UTC here) as a naive timestamp, as DuckDB hands it over, so a shard function gets
    the same frames on both engines."""
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow = to_arrow_schema(schema, timezone="UTC")
    return pa.schema(
        [
            pa.field(f.name, pa.timestamp(f.type.unit), f.nullable)
            if pa.types.is_timestamp(f.type) and f.type.tz is not None
            else f
            for f in arrow
        ]
    )


class SparkEngine(Engine):
    """Apache Spark (see :mod:`cxradar.engine.base`): SQL transpiled from the portable DuckDB
    subset; shard functions as one ``applyInArrow`` group per shard (``mapInArrow`` when row-wise),
    several inputs and outputs packed into one table (:mod:`cxradar.engine.shardframes`);
    materialised tables and outputs written as Parquet folders."""

    name = "spark"

    def __init__(
        self, work_dir: Path, *, session: Any = None, shards: int = 8, master: str | None = None
    ) -> None:
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._owned = session is None and master is not None
        self.spark = session if session is not None else start_session(master)
        self.shards = max(1, int(shards))

    # ------------------------------------------------------------------ SQL

    def _sql(self, statement: str) -> Any:
        try:
            return self.spark.sql(statement)
        except Exception as error:  # pyspark's AnalysisException & co.
            raise EngineError(
                f"Spark failed: {_spark_error(error)}",
                fix="the statement began: " + " ".join(statement.split())[:160],
            ) from error

    def query(self, query: str) -> Any:
        """``query`` (portable DuckDB SQL) as a Spark DataFrame."""
        return self._sql(transpile(query, "spark"))

    def execute(self, statement: str) -> None:
        self._sql(transpile(statement, "spark"))

    def create_view(self, name: str, query: str) -> None:
        self.query(query).createOrReplaceTempView(name)

    def create_table(self, name: str, query: str) -> None:
        path = self.work_dir / "tables" / name
        self._write(self.query(query), path)
        self.register_parquet(name, path)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    def register_parquet(self, name: str, path: Path, *, sharded: bool = False) -> None:
        frame = self.spark.read.parquet(str(path))
        if "__shard" in frame.columns:
            frame = frame.drop("__shard")
        frame.createOrReplaceTempView(name)

    def register_frame(self, name: str, frame: Any) -> None:
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def register_dataframe(self, name: str, frame: Any) -> None:
        """``name`` becomes a view of a Spark DataFrame (e.g. a catalog table)."""
        frame.createOrReplaceTempView(name)

    def has(self, name: str) -> bool:
        return bool(self.spark.catalog.tableExists(name))

    def columns(self, relation: str) -> list[str]:
        return list(self.spark.table(relation).columns)

    def fetch_arrow(self, query: str) -> pa.Table:
        table: pa.Table = self.query(query).toArrow()
        return table

    def fetch(self, query: str) -> pd.DataFrame:
        return self.fetch_arrow(query).to_pandas()

    # ------------------------------------------------------------------ writing

    def _write(self, frame: Any, path: Path) -> None:
        """Write a DataFrame as a Parquet folder, swapped in only when complete."""
        path = Path(path)
        with atomic_output_dir(path) as tmp:
            frame.write.mode("overwrite").parquet(str(tmp / "parts"))
            for part in (tmp / "parts").iterdir():
                os.replace(part, tmp / part.name)
            (tmp / "parts").rmdir()

    def write_parquet(
        self, query: str, path: Path, *, order_by: str | None = None, drop: tuple[str, ...] = ()
    ) -> int:
        sql = f"SELECT * FROM ({query}) AS q" + (f" ORDER BY {order_by}" if order_by else "")
        frame = self.query(sql)
        if drop:
            frame = frame.drop(*drop)
        self._write(frame, path)
        return int(self.spark.read.parquet(str(path)).count())

    def shard_sql(self, key: str = "msisdn") -> str:
        """The SQL expression of a row's shard (Spark's own hash; stable within one engine)."""
        return f"CAST(PMOD(HASH({key}), {self.shards}) AS INT)"

    # ------------------------------------------------------------------ shard functions

    def _input_frame(self, spec: ShardInput) -> Any:
        cols = ", ".join(f"`{c}`" for c in spec.columns) if spec.columns else "*"
        return self._sql(f"SELECT {cols} FROM {spec.relation}")

    def map_shards(self, step: ShardStep, out_dir: Path) -> StepCounts:
        from pyspark.sql import functions as F
        from pyspark.sql.pandas.types import from_arrow_schema

        out_dir = Path(out_dir)
        names = list(step.inputs)
        frames = [self._input_frame(step.inputs[n]) for n in names]
        in_schemas = [_arrow_schema(f.schema) for f in frames]
        out_names = list(step.outputs)
        out_schemas = [step.outputs[n] for n in out_names]
        packed_out = packed_schema(out_schemas)
        function, specs, step_name = step.function, dict(step.inputs), step.name

        def run(tables: dict[str, pa.Table]) -> pa.Table:
            results = output_tables(function(input_frames(tables, specs)), dict(step.outputs), step_name)
            return pack([results[n] for n in out_names])

        if step.rowwise:
            (only,) = names

            def rowwise(batches: Any) -> Any:
                for batch in batches:
                    table = pa.Table.from_batches([batch]).cast(in_schemas[0], safe=False)
                    yield from run({only: table}).to_batches()

            result = frames[0].mapInArrow(rowwise, from_arrow_schema(packed_out))
        else:
            keyed = []
            for i, (name, frame) in enumerate(zip(names, frames, strict=True)):
                key = step.inputs[name].key
                cols = [
                    F.lit(i).cast("int").alias(TABLE_TAG),
                    F.expr(self.shard_sql(f"`{key}`")).alias("__shard"),
                ]
                for j, other in enumerate(in_schemas):
                    for field in other:
                        target = f"t{j}__{field.name}"
                        spark_type = from_arrow_schema(pa.schema([field]))[0].dataType
                        value = F.col(f"`{field.name}`") if j == i else F.lit(None)
                        cols.append(value.cast(spark_type).alias(target))
                keyed.append(frame.where(F.col(f"`{key}`").isNotNull()).select(*cols))
            union = keyed[0]
            for other in keyed[1:]:
                union = union.unionByName(other)

            def grouped(packed: pa.Table) -> pa.Table:
                parts = unpack(packed.drop_columns(["__shard"]), in_schemas)
                return run(dict(zip(names, parts, strict=True)))

            result = union.groupBy("__shard").applyInArrow(grouped, from_arrow_schema(packed_out))
        packed_path = out_dir / "_packed"
        shutil.rmtree(out_dir, ignore_errors=True)
        self._write(result, packed_path)
        packed = self.spark.read.parquet(str(packed_path))
        counts = StepCounts()
        tags = {int(r[0]): int(r[1]) for r in packed.groupBy(TABLE_TAG).count().collect()}
        for k, (name, schema) in enumerate(zip(out_names, out_schemas, strict=True)):
            view = packed.where(F.col(TABLE_TAG) == k).select(
                *[F.col(f"t{k}__{f.name}").alias(f.name) for f in schema]
            )
            view.createOrReplaceTempView(f"{step.name}_{name}")
            counts.rows_out[name] = tags.get(k, 0)
        return counts

    def close(self) -> None:
        if self._owned:
            self.spark.stop()

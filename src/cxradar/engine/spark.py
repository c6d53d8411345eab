"""Apache Spark adapter: the same SQL models, transpiled by sqlglot, run with PySpark.

PySpark is an optional extra (``pip install 'cxradar[spark]'``) and is imported only when a
Spark run is asked for. Input tables become temporary views shaped by their contracts (the same
conforming ``SELECT`` as on DuckDB, transpiled); models become temporary views or cached tables
as :data:`cxradar.engine.dialects.ENGINES` declares. For a warehouse run without Python, use
:func:`spark_sql` to get the transpiled statements and run them there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.contract.schema import load_contracts
from cxradar.engine.dialects import transpile
from cxradar.engine.files import find_table_file, parquet_files
from cxradar.engine.inputs import conform_sql, empty_sql
from cxradar.engine.runner import Progress, compile_model, materialise
from cxradar.engine.sqlmodel import SqlModel
from cxradar.errors import EngineError, UnreadableFileError

__all__ = ["get_spark", "register_tables", "run_on_spark", "spark_available", "spark_sql"]

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
    frame: pd.DataFrame = session.sql(f"SELECT * FROM {result} ORDER BY msisdn").toPandas()
    return frame

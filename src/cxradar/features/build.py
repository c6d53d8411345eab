"""The feature table of one as-of month from a folder of contract tables (``cxradar features``).

:func:`build_features` opens an engine over the folder, runs :func:`build_feature_months` for the
month with a throw-away cache, and returns the table (ordered by msisdn), writing it atomically as
Parquet when asked. The monthly run uses :func:`build_feature_months` directly, with its cache in
RUN_DIR. :func:`warehouse_statements` gives the same SQL as plain statements for a warehouse.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from cxradar.contract.schema import load_contracts
from cxradar.engine.base import Engine
from cxradar.engine.dialects import engine_dialect, transpile
from cxradar.engine.files import atomic_write_parquet, find_table_file
from cxradar.engine.params import batch_params, month_params
from cxradar.engine.runner import compile_model
from cxradar.engine.sqlmodel import SqlModel
from cxradar.errors import ConfigError, UnreadableFileError
from cxradar.features.months import ProgressFn, build_feature_months
from cxradar.features.plan import (
    FEATURE_MODEL,
    MONTHS_RELATION,
    composed_features_sql,
    feature_model_set,
    months_sql,
    normalise_month,
    window_months,
)

__all__ = ["FEATURE_MODEL", "build_features", "feature_models", "open_engine", "warehouse_statements"]

# DuckDB's own memory cap (it spills to a temporary folder beyond it); the environment variable
# CXRADAR_DUCKDB_MEMORY_LIMIT overrides it ("" = DuckDB's default, 80 % of RAM).
DUCKDB_MEMORY_LIMIT = "2GB"
_RUNNABLE = ("duckdb", "spark")


def feature_models() -> list[SqlModel]:
    """The SQL models behind the feature table, in the order they run (bases, then windows)."""
    return list(feature_model_set().all)


def open_engine(kind: str, work_dir: Path, tables_dir: Path, *, threads: int | None = None) -> Engine:
    """An engine of ``kind`` with every contract table in ``tables_dir`` as a relation of its name.

    A missing required table is an :class:`UnreadableFileError`; an absent optional table is an
    empty relation with the contract's columns.
    """
    engine_dialect(kind)  # unknown engine: one clear error with "did you mean"
    if kind not in _RUNNABLE:
        raise ConfigError(
            f"engine '{kind}' can transpile the SQL but cannot run it here",
            fix=f"use --engine {' or '.join(_RUNNABLE)}; for {kind}, run the transpiled SQL in it "
            "(cxradar.features.warehouse_statements)",
        )
    tables_dir = Path(tables_dir)
    if not tables_dir.is_dir():
        raise UnreadableFileError(
            f"data folder {tables_dir} does not exist", fix="pass the folder that holds {table}.parquet files"
        )
    if kind == "spark":
        from cxradar.engine.spark import SparkEngine, register_tables

        spark_engine = SparkEngine(work_dir)
        register_tables(spark_engine.spark, tables_dir)
        return spark_engine
    from cxradar.engine.duckdb import DuckDBEngine, register_table

    limit = os.environ.get("CXRADAR_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)
    duck = DuckDBEngine(work_dir, threads=threads, memory_limit=limit or None)
    try:
        for name, contract in load_contracts().items():
            path = find_table_file(tables_dir, name)
            if path is None and contract.required_table:
                raise UnreadableFileError(
                    f"{tables_dir} has no {name}.parquet or {name}.csv (table '{name}' is needed)",
                    fix="add the table, or create a complete folder with 'cxradar simulate --out DIR'",
                )
            register_table(duck.con, contract, path)
    except BaseException:
        duck.close()
        raise
    return duck


def build_features(
    tables_dir: Path,
    month: str,
    *,
    engine: str = "duckdb",
    out: Path | None = None,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Features per subscriber active in ``month`` (``YYYY-MM``), from the ``{table}.parquet``
    files in ``tables_dir``; only data up to the end of the month is used.

    ``progress(step, done, total)`` is called after each step. With ``out`` the table is also
    written there as Parquet (atomically). Columns are described by
    :func:`cxradar.features.feature_catalog`.
    """
    month_params(month)  # a bad month fails before anything starts
    with tempfile.TemporaryDirectory(prefix="cxradar-features-") as tmp:
        work = Path(tmp)
        runner = open_engine(engine, work / "engine", Path(tables_dir))
        try:
            relation = build_feature_months(
                runner, [month], cache_dir=work / "cache", fingerprint="build_features", progress=progress
            )[normalise_month(month)]
            frame = _result(runner, relation, out, work)
        finally:
            runner.close()
    return frame.reset_index(drop=True)


def _result(engine: Engine, relation: str, out: Path | None, work: Path) -> pd.DataFrame:
    query = f"SELECT * FROM {relation}"
    if engine.name == "duckdb":
        # DuckDB streams the table to Parquet; it is read back once DuckDB has let go of its memory
        target = Path(out) if out is not None else work / "features.parquet"
        engine.write_parquet(query, target, order_by="msisdn")
        table = pq.read_table(target)
        return table.to_pandas(self_destruct=True, split_blocks=True)
    frame: pd.DataFrame = engine.fetch_arrow(query + " ORDER BY msisdn").to_pandas()
    if out is not None:
        atomic_write_parquet(frame, Path(out))
    return frame


def warehouse_statements(month: str, engine: str = "spark") -> list[str]:
    """The statements that build the feature table of ``month`` in a warehouse, in order:
    the base models over the six months of its window, then the window models (``features``
    last). The contract tables must exist under their names."""
    models = feature_model_set()
    months = window_months(month)
    base = batch_params(months[0], months[-1])
    dialect = engine_dialect(engine)
    calendar = transpile(months_sql(months[0], months[-1]), engine, where=MONTHS_RELATION)
    statements = [dialect.create_view.format(name=MONTHS_RELATION, sql=calendar)]
    statements += [compile_model(m, base, engine) for m in (*models.helpers, *models.base)]
    params = month_params(month)
    for model in models.window:
        if model.name == FEATURE_MODEL:
            query = transpile(composed_features_sql(models, params), engine, where=FEATURE_MODEL)
            statements.append(dialect.create_table.format(name=FEATURE_MODEL, sql=query))
        elif not model.name.startswith("feat_"):
            statements.append(compile_model(model, params, engine))
    return statements

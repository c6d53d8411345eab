"""Build the per-subscriber feature table as of a month by running the feature SQL.

The logic lives in the SQL files (``cxradar/sql``); this module picks the engine, runs the
models that ``features`` needs in dependency order, fetches the result and, when asked, writes it
atomically as Parquet.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from cxradar.contract.schema import load_contracts
from cxradar.engine.dialects import engine_dialect
from cxradar.engine.files import atomic_write_parquet
from cxradar.engine.params import month_params
from cxradar.engine.runner import Progress
from cxradar.engine.sqlmodel import SqlModel, load_models, order_models
from cxradar.errors import ConfigError

__all__ = ["FEATURE_MODEL", "build_features", "feature_models"]

FEATURE_MODEL = "features"
# DuckDB's own memory cap (it spills to a temporary folder beyond it); the environment variable
# CXRADAR_DUCKDB_MEMORY_LIMIT overrides it ("" = DuckDB's default, 80 % of RAM).
DUCKDB_MEMORY_LIMIT = "2GB"


def feature_models() -> list[SqlModel]:
    """The SQL models behind the feature table, in the order they run."""
    return order_models(load_models(), set(load_contracts()), targets=[FEATURE_MODEL])


def _run_duckdb(
    tables_dir: Path,
    models: list[SqlModel],
    params: dict[str, str],
    progress: Progress | None,
    out: Path | None,
) -> pd.DataFrame:
    from cxradar.engine.duckdb import connect, copy_to_parquet, run_models

    limit = os.environ.get("CXRADAR_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT)
    with tempfile.TemporaryDirectory(prefix="cxradar-duckdb-") as spill:
        con = connect(tables_dir, memory_limit=limit or None, temp_directory=Path(spill))
        try:
            run_models(con, models, params, progress, keep={FEATURE_MODEL})
            # DuckDB streams the result to Parquet; it is read back only after DuckDB has let go
            # of its memory, so the two never peak together
            target = copy_to_parquet(
                con, FEATURE_MODEL, out or Path(spill) / "features.parquet", order_by="msisdn"
            )
        finally:
            con.close()
        table = pq.read_table(target)
        return table.to_pandas(self_destruct=True, split_blocks=True)


def _run_spark(
    tables_dir: Path,
    models: list[SqlModel],
    params: dict[str, str],
    progress: Progress | None,
    out: Path | None,
) -> pd.DataFrame:
    from cxradar.engine.spark import run_on_spark

    frame = run_on_spark(tables_dir, models, params, FEATURE_MODEL, progress=progress)
    if out is not None:
        atomic_write_parquet(frame, out)
    return frame


_Runner = Callable[[Path, list[SqlModel], dict[str, str], Progress | None, Path | None], pd.DataFrame]
_RUNNERS: dict[str, _Runner] = {
    "duckdb": _run_duckdb,
    "spark": _run_spark,
}


def build_features(
    tables_dir: Path,
    month: str,
    *,
    engine: str = "duckdb",
    out: Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Features per subscriber active in ``month`` (``YYYY-MM``), from the ``{table}.parquet``
    files in ``tables_dir``; only data up to the end of the month is used.

    ``progress(model, done, total)`` is called after each SQL model. With ``out`` the table is
    also written there as Parquet (atomically). Columns are described by
    :func:`cxradar.features.feature_catalog`.
    """
    engine_dialect(engine)  # unknown engine: one clear error
    if engine not in _RUNNERS:
        raise ConfigError(
            f"engine '{engine}' can transpile the SQL but cannot run it here",
            fix=f"use --engine {' or '.join(_RUNNERS)}; for {engine}, run the transpiled SQL in it",
        )
    params = month_params(month)
    target = Path(out) if out is not None else None
    return _RUNNERS[engine](Path(tables_dir), feature_models(), params, progress, target).reset_index(
        drop=True
    )

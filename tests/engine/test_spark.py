"""The same models on Spark: identical features to DuckDB (runs only where PySpark and Java are)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxradar.engine import month_params
from cxradar.engine.spark import spark_available, spark_sql
from cxradar.errors import EngineError
from cxradar.features import build_features, feature_models
from features.tables import random_tables, write_tables


def test_spark_statements_for_a_warehouse_run() -> None:
    statements = spark_sql(feature_models(), month_params("2026-06"))
    assert statements[0].startswith("CACHE TABLE calendar AS ")
    assert statements[-1].startswith("CREATE OR REPLACE TEMPORARY VIEW features AS ")
    assert all("@" not in s for s in statements)


@pytest.mark.skipif(
    spark_available(), reason="PySpark is installed: the missing-extra message cannot be shown"
)
def test_without_pyspark_the_error_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match=r"cxradar\[spark\]"):
        build_features(write_tables(tmp_path), "2026-06", engine="spark")


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.skipif(
    not spark_available(), reason="PySpark is not installed (optional extra: pip install 'cxradar[spark]')"
)
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java on PATH")
def test_spark_gives_the_same_features_as_duckdb(tmp_path: Path) -> None:
    folder = write_tables(tmp_path, **random_tables(5, n=25))
    duck = build_features(folder, "2026-06")
    spark = build_features(folder, "2026-06", engine="spark")
    pd.testing.assert_frame_equal(duck, spark, check_dtype=False, atol=1e-9)

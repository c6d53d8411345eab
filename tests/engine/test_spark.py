"""The feature SQL on Spark (local[2]) gives the same answers as on DuckDB - every model, exactly.

Both engines build the features of an as-of month from the same small random operator, each
with its own cache; then every SQL model (the incident scope, each monthly base over the window's
months, each window model, the feature tables and the identification exposure) is read on both
and compared row for row. The numbers are equal to the last bit: sums are of integers and each
feature is one division, so there is nothing for the engines to round differently.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cxradar.engine.base import Engine
from cxradar.engine.sqlmodel import render
from cxradar.errors import EngineError
from cxradar.features import build_feature_months, build_features, open_engine, warehouse_statements
from cxradar.features.exposure import build_incident_exposure
from cxradar.features.months import open_cache, register_window
from cxradar.features.plan import feature_model_set
from cxradar.identify.config import load_identify_config
from features.tables import random_tables, write_tables

MONTHS = ["2026-06"]


def _operator() -> dict[str, list[dict[str, Any]]]:
    tables = random_tables(5, n=30)
    # every kind of incident scope: district network (via cells) and district system failure (home)
    tables["incidents"] += [
        {
            "id": "d-net",
            "type": "network_outage",
            "scope_type": "district",
            "scope": "chaoyang",
            "start": "2026-05-30 22:00:00.250",
            "end": "2026-06-01 03:30:00",
            "severity": 3,
        },
        {
            "id": "d-sys",
            "type": "system_failure",
            "scope_type": "district",
            "scope": "haidian",
            "start": "2026-06-10 08:00",
            "end": "2026-06-10 09:15",
            "severity": 2,
        },
    ]
    return tables


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tables(tmp_path_factory.mktemp("operator"), **_operator())


def _every_model(engine: Engine, work: Path) -> dict[str, pd.DataFrame]:
    """Every model of the feature SQL as of the last month (and both feature tables) on ``engine``."""
    tables = build_feature_months(engine, MONTHS, cache_dir=work / "cache", fingerprint="parity")
    out = {f"table {m}": engine.fetch(f"SELECT * FROM {r}") for m, r in tables.items()}
    models = feature_model_set()
    for helper in models.helpers:
        engine.create_view(helper.name, render(helper, {}))
    created = register_window(
        engine, open_cache(engine, work / "cache", "parity"), MONTHS[-1], include_feat=True
    )
    if engine.name == "spark":  # read by every feat_* model: compute it once (test speed only)
        engine.spark.catalog.cacheTable("feature_inputs")  # type: ignore[attr-defined]
    for model in (*models.helpers, *models.base, *models.window):
        out[model.name] = engine.fetch(f"SELECT * FROM {model.name}")
    if engine.name == "spark":
        engine.spark.catalog.uncacheTable("feature_inputs")  # type: ignore[attr-defined]
    for name in reversed(created):
        engine.drop(name)
    exposure = build_incident_exposure(
        engine, MONTHS[-1], dataclasses.replace(load_identify_config().potential, incident_window_months=2)
    )
    out["incident_exposure"] = engine.fetch(f"SELECT * FROM {exposure}")
    return out


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("datetime64[us]")
    return out.sort_values(list(out.columns), na_position="last", kind="mergesort").reset_index(drop=True)


@pytest.fixture(scope="module")
def both(
    folder: Path, spark: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, pd.DataFrame]]:
    from cxradar.engine.spark import SparkEngine, register_tables

    work = tmp_path_factory.mktemp("engines")
    duck = open_engine("duckdb", work / "duckdb", folder)
    try:
        on_duckdb = _every_model(duck, work / "duckdb")
    finally:
        duck.close()
    spark_engine = SparkEngine(work / "spark", session=spark)
    register_tables(spark, folder)
    return {"duckdb": on_duckdb, "spark": _every_model(spark_engine, work / "spark")}


def test_every_model_gives_the_same_rows_on_spark_and_duckdb(
    both: dict[str, dict[str, pd.DataFrame]],
) -> None:
    duck, spark = both["duckdb"], both["spark"]
    assert set(duck) == set(spark)
    assert len(duck) == len(feature_model_set().all) + len(MONTHS) + 1
    for name in sorted(duck):
        assert list(spark[name].columns) == list(duck[name].columns), name
        pd.testing.assert_frame_equal(
            _canonical(spark[name]), _canonical(duck[name]), check_dtype=False, check_exact=True, obj=name
        )
    assert len(duck["table 2026-06"]) > 20 and len(duck["base_incident_hits"]) > 10
    # the join of the feat_* models (features.sql) is the single select the run writes
    pd.testing.assert_frame_equal(
        _canonical(duck["features"]), _canonical(duck["table 2026-06"]), check_exact=True
    )
    assert set(duck["incident_exposure"]["district"]) > {""}  # the district incident matched


def test_feature_tables_have_the_same_types_on_both_engines(both: dict[str, dict[str, pd.DataFrame]]) -> None:
    duck, spark = both["duckdb"]["table 2026-06"], both["spark"]["table 2026-06"]
    kinds = {c: (duck[c].dtype.kind, spark[c].dtype.kind) for c in duck.columns}
    assert {c: k for c, k in kinds.items() if k[0] != k[1]} == {}


def test_build_features_runs_on_spark(folder: Path, spark: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.parquet"
    on_spark = build_features(folder, "2026-06", engine="spark", out=out)
    pd.testing.assert_frame_equal(
        on_spark, build_features(folder, "2026-06"), check_dtype=False, check_exact=True
    )
    pd.testing.assert_frame_equal(pd.read_parquet(out), on_spark, check_dtype=False)


def test_spark_statements_for_a_warehouse_run() -> None:
    statements = warehouse_statements("2026-06")
    assert statements[0].startswith("CREATE OR REPLACE TEMPORARY VIEW base_months AS ")
    assert [s.split(" AS ", 1)[0] for s in statements[1:7]] == [
        "CREATE OR REPLACE TEMPORARY VIEW incident_scope",
        "CACHE TABLE base_usage",
        "CACHE TABLE base_contacts",
        "CACHE TABLE base_surveys",
        "CACHE TABLE base_cells",
        "CACHE TABLE base_incident_hits",
    ]
    assert statements[-1].startswith("CACHE TABLE features AS SELECT msisdn, gender")
    assert not any(" feat_" in s.split(" AS ", 1)[0] for s in statements)  # the composed select replaces them
    assert all("@" not in s for s in statements)


def test_without_pyspark_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from cxradar.engine.spark import start_session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(EngineError, match=r"cxradar\[spark\]"):
        start_session("local[1]")

"""Tables of a Spark catalog as the run's inputs and outputs (``--tables-from`` / ``--write-to``).

A small simulated operator is saved as tables of a database of a local Spark catalog; the month
run with ``tables_from="catalog:cx_in"`` must give the outputs of the same run on the files (the
reference), the snapshot must hold every table's rows, and ``write_to="catalog:cx_out"`` must put
each output in the catalog with the Parquet file's rows under ``run_month`` - replaced, not
doubled, when the month is run again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cxradar.contract import load_contracts
from cxradar.engine.catalog import catalog_database, output_table_name, stage_catalog_tables
from cxradar.errors import ConfigError, UnreadableFileError
from cxradar.io import find_table_file, parquet_files
from cxradar.pipeline import run_month
from cxradar.simulate import simulate

MONTH = "2026-10"
SKIP = ("survey", "churn")
COMPARED = (
    "pool.parquet",
    "potential_dissatisfied.parquet",
    "scores.parquet",
    "care/2026-10/care_plan.parquet",
)


def _rows(path: Path) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in parquet_files(path))


@pytest.mark.spark
def test_a_month_from_and_to_the_spark_catalog(spark_session: object, tmp_path: Path) -> None:
    spark: object = spark_session
    data = tmp_path / "files"
    simulate(2_000, 6, 5, data)
    spark.sql("CREATE DATABASE IF NOT EXISTS cx_in")  # type: ignore[attr-defined]
    for name in load_contracts():
        path = find_table_file(data, name)
        if path is not None:
            spark.read.parquet(*map(str, parquet_files(path))).write.saveAsTable(f"cx_in.{name}")  # type: ignore[attr-defined]
    reference = tmp_path / "reference"
    run_month(data, MONTH, reference, skip=SKIP)

    snapshot, run_dir = tmp_path / "snapshot", tmp_path / "run"
    for _ in range(2):  # a re-run replaces the month, in RUN_DIR and in the catalog
        summary = run_month(
            snapshot,
            MONTH,
            run_dir,
            skip=SKIP,
            spark=spark,
            tables_from="catalog:cx_in",
            write_to="catalog:cx_out",
        )
    for name in load_contracts():
        path = find_table_file(data, name)
        if path is not None:
            assert _rows(snapshot / name) == _rows(path), name
            assert summary["catalog"]["read"][f"cx_in.{name}"] == _rows(path)
    for name in COMPARED:
        pd.testing.assert_frame_equal(
            pd.read_parquet(reference / name), pd.read_parquet(run_dir / name), check_dtype=False, obj=name
        )
    written = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["catalog"]["written"]
    for relative in ("pool.parquet", "potential_dissatisfied.parquet", "care/2026-10/care_plan.parquet"):
        table = f"cx_out.{output_table_name(relative)}"
        back = spark.table(table).toArrow().to_pandas()  # type: ignore[attr-defined]
        assert written[table] == len(back) == _rows(run_dir / relative), table
        assert set(back["run_month"]) == {MONTH}
    assert output_table_name("cards/2026-10.parquet") == "cards"


def test_catalog_arguments_and_snapshot_folder_errors(tmp_path: Path) -> None:
    assert catalog_database("catalog:dw_cx", "--tables-from") == "dw_cx"
    assert catalog_database(None, "--tables-from") is None
    for bad in ("hive:dw", "catalog:", "catalog:1x", "dw"):
        with pytest.raises(ConfigError, match="catalog:DB"):
            catalog_database(bad, "--tables-from")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a snapshot"):
        stage_catalog_tables(object(), "dw", mine)
    assert (mine / "notes.txt").exists()


@pytest.mark.spark
def test_an_absent_database_or_table_is_named(spark_session: object, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="no database 'nowhere'"):
        stage_catalog_tables(spark_session, "nowhere", tmp_path / "a")
    spark_session.sql("CREATE DATABASE IF NOT EXISTS cx_empty")  # type: ignore[attr-defined]
    with pytest.raises(UnreadableFileError, match=r"no table cx_empty\.subscribers"):
        stage_catalog_tables(spark_session, "cx_empty", tmp_path / "b")

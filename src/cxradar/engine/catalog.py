"""Tables of a Spark catalog (a Hive warehouse) as a run's inputs and outputs.

``cxradar run --tables-from catalog:DB`` reads ``DB.subscribers`` and every other contract table
the catalog holds with ``spark.table`` and stages them as Parquet folders beside RUN_DIR for the
run: validation and quarantine then work exactly as on files (every bad row named, counted, set
aside), and the run's input fingerprint is that of what was read. ``--write-to catalog:DB``
writes the month's Parquet outputs, after the month is committed, as tables of DB partitioned by
``run_month`` (one partition per month, replaced when a month is re-run; each table is written by
Spark's commit protocol, so a reader sees the old month or the new one).

Spark only moves the tables here; which engine computes the month is ``--engine`` (the embedded
DuckDB can run a warehouse's month on one machine). Output table names are the output files'
names: ``pool``, ``potential_dissatisfied``, ``care_plan``, ``churners``, ``cards`` ...
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cxradar.contract.schema import load_contracts
from cxradar.errors import ConfigError, EngineError, UnreadableFileError

__all__ = [
    "CATALOG_PREFIX",
    "SNAPSHOT_MARKER",
    "catalog_database",
    "output_table_name",
    "stage_catalog_tables",
    "write_to_catalog",
]

CATALOG_PREFIX = "catalog:"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def catalog_database(spec: str | None, option: str) -> str | None:
    """``DB`` of ``catalog:DB`` (``None`` when ``spec`` is ``None``); anything else is a
    :class:`ConfigError` that shows the form."""
    if spec is None:
        return None
    name = spec[len(CATALOG_PREFIX) :] if spec.startswith(CATALOG_PREFIX) else ""
    if not _IDENTIFIER.match(name):
        raise ConfigError(
            f"{option} '{spec}' is not catalog:DB",
            fix=f"name a database of the Spark catalog, e.g. {option} catalog:cx_warehouse "
            "(letters, digits and _, optionally catalog.database)",
        )
    return name


SNAPSHOT_MARKER = ".cxradar-catalog-snapshot"


def stage_catalog_tables(spark: Any, database: str, folder: Path) -> dict[str, int]:
    """Write every contract table ``database`` holds as ``folder/{table}/`` (Parquet parts), a
    snapshot of what the month read; returns the rows read per table. ``folder`` must be empty or
    an earlier snapshot (it is replaced). A required table the database lacks is an
    :class:`UnreadableFileError` naming it."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / SNAPSHOT_MARKER).exists():
        raise ConfigError(
            f"{folder} is not empty and is not a snapshot of catalog tables; it would be replaced",
            fix="with --tables-from, pass as DATA_DIR a new folder (it receives the catalog's tables)",
        )
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if not spark.catalog.databaseExists(database):
        raise UnreadableFileError(
            f"the Spark catalog has no database '{database}'",
            fix="check the name (spark.sql('SHOW DATABASES')) or the session's metastore settings",
        )
    read: dict[str, int] = {}
    for name, contract in load_contracts().items():
        table = f"{database}.{name}"
        if not spark.catalog.tableExists(table):
            if contract.required_table:
                raise UnreadableFileError(
                    f"the Spark catalog has no table {table} (table '{name}' is needed)",
                    fix=f"create {table} with the columns of docs/data-contract.md#{name}",
                )
            continue
        try:
            spark.table(table).write.mode("overwrite").parquet(str(folder / name))
            read[name] = int(spark.read.parquet(str(folder / name)).count())
        except Exception as error:  # Spark's own errors (types, permissions) end with the fix
            raise EngineError(
                f"reading {table} from the Spark catalog failed: {str(error).splitlines()[0][:300]}",
                fix=f"check that the session can read {table} (spark.table('{table}').show())",
            ) from error
    (folder / SNAPSHOT_MARKER).write_text(f"catalog:{database}\n", encoding="utf-8")
    return read


def output_table_name(relative: str) -> str:
    """The catalog table of a run output: the file's name (``care/2026-10/care_plan.parquet`` ->
    ``care_plan``), or its folder's when the file is named by the month (``cards/2026-10.parquet``
    -> ``cards``)."""
    path = Path(relative)
    stem = path.stem
    return path.parent.name if _MONTH.match(stem) and path.parent.name else stem


def write_to_catalog(spark: Any, database: str, outputs: Mapping[str, str], month: str) -> dict[str, int]:
    """Each Parquet output of ``outputs`` (relative name -> path) as table ``database.<name>``,
    partitioned by ``run_month``; the month's partition is replaced. Returns rows per table."""
    from pyspark.sql import functions as F

    spark.sql(f"CREATE DATABASE IF NOT EXISTS {database}")
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    written: dict[str, int] = {}
    for relative, path in sorted(outputs.items()):
        if not relative.endswith(".parquet") or not Path(path).exists():
            continue
        name = f"{database}.{output_table_name(relative)}"
        try:
            frame = spark.read.parquet(str(path)).withColumn("run_month", F.lit(month))
            if spark.catalog.tableExists(name):
                frame.select(*spark.table(name).columns).write.insertInto(name, overwrite=True)
            else:
                frame.write.partitionBy("run_month").saveAsTable(name)
            written[name] = int(frame.count())
        except Exception as error:
            raise EngineError(
                f"writing {name} to the Spark catalog failed: {str(error).splitlines()[0][:300]}",
                fix=f"the month is committed in RUN_DIR; check {name}'s columns against {relative} "
                "(a changed table needs dropping first) and the session's write access, then re-run",
            ) from error
    return written

"""``run_month``: the monthly cycle as a list of steps on one engine (DuckDB or Spark).

The order (:data:`STEPS`) and what each step is - SQL, shard function or global - are in
docs/architecture.md. A run first tidies up after an interrupted one (``RunLayout.recover``),
then runs the steps with every file going to the month's staging folder, writes ``summary.json``
with the step timings, and commits the month all at once. Any error leaves RUN_DIR as it was.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.contract import load_contracts
from cxradar.engine.base import Engine
from cxradar.engine.catalog import catalog_database, stage_catalog_tables, write_to_catalog
from cxradar.engine.files import atomic_write_text
from cxradar.engine.memory import release_memory
from cxradar.errors import ConfigError, CxradarError, UnreadableFileError, did_you_mean
from cxradar.identify.config import IdentifyConfig
from cxradar.io import guard_output
from cxradar.models import KINDS
from cxradar.models.settings import using_settings
from cxradar.months import parse_month
from cxradar.pipeline.context import Progress, RunContext
from cxradar.pipeline.layout import RunLayout
from cxradar.pipeline.report import json_safe
from cxradar.pipeline.steps.care import assign_care_step, evaluate_campaign_step
from cxradar.pipeline.steps.churn import churn_signal_months, churn_step
from cxradar.pipeline.steps.features import build_features_step
from cxradar.pipeline.steps.identify import identify_potential_step, train_model_step
from cxradar.pipeline.steps.inputs import validate_inputs
from cxradar.pipeline.steps.pool import update_pool_step
from cxradar.pipeline.steps.summary import write_summary_step
from cxradar.pipeline.steps.survey import survey_step
from cxradar.run_config import RunConfig, load_run_config

__all__ = ["ENGINES", "OPTIONAL_STEPS", "STEPS", "open_engine", "run_month"]

# Steps a caller may leave out (e.g. the demo scores churn only in the month it reports).
OPTIONAL_STEPS = ("survey", "care", "churn", "cards")
ENGINES = ("duckdb", "spark")

Step = Callable[[RunContext], dict[str, Any]]
STEPS: list[tuple[str, Step]] = [
    ("validate", validate_inputs),
    ("campaign", evaluate_campaign_step),
    ("features", build_features_step),
    ("pool", update_pool_step),
    ("model", train_model_step),
    ("potential", identify_potential_step),
    ("survey", survey_step),
    ("care", assign_care_step),
    ("churn", churn_step),
    ("summary", write_summary_step),
]


# Subscribers per shard the default count aims at. Spark's grouped call moves a shard's inputs as
# one packed table whose every row carries every input's columns (cxradar.engine.shardframes.pack):
# at 250,000 subscribers the churn step's group (five feature months, usage, subscribers: ~2.2M
# rows x ~510 columns) took a Python worker to 6.7 GB and the 1M run out of memory; a fifth of
# that per shard keeps a group near 1.5 GB. On DuckDB two shard workers hold a shard each: at
# 250,000 subscribers they reached 2.1 GB apiece in the churn table (5.7 GB for the 1M run's
# tree), at 125,000 the run's peak is 3.8 GB at the same wall time (docs/performance.md).
SHARD_SUBSCRIBERS = {"duckdb": 125_000, "spark": 50_000}
MAX_SHARDS = 512


def default_shards(engine: str, subscribers: int | None = None) -> int:
    """Shards per run: ``CXRADAR_SHARDS``, else one per :data:`SHARD_SUBSCRIBERS` subscribers of
    the engine, rounded up to a power of two (so a growing operator keeps its count for a while;
    at most :data:`MAX_SHARDS`), else 8 when the size is not known. DuckDB walks them one by one,
    Spark runs them as tasks. Any count gives the same outputs; more shards, less memory per
    shard, more fixed cost per step (a few thousand subscribers in 8 shards spent most of the
    pool step on it)."""
    if os.environ.get("CXRADAR_SHARDS"):
        return int(os.environ["CXRADAR_SHARDS"])
    if subscribers is None:
        return 8
    per_shard = SHARD_SUBSCRIBERS.get(engine, SHARD_SUBSCRIBERS["duckdb"])
    need = max(1, -(-int(subscribers) // per_shard))
    return min(MAX_SHARDS, 1 << (need - 1).bit_length())


def subscriber_count(data_dir: Path) -> int | None:
    """Rows of DATA_DIR's subscribers table from the Parquet footers (no data read); ``None``
    for a CSV or an absent table."""
    from cxradar.engine.files import find_table_file, parquet_files

    try:
        path = find_table_file(data_dir, "subscribers")
        if path is None or path.suffix.lower() == ".csv":
            return None
        return sum(pq.ParquetFile(f).metadata.num_rows for f in parquet_files(path))
    except (OSError, pa.ArrowException, CxradarError):
        return None  # validation reports the missing or unreadable file


def open_engine(
    kind: str,
    layout: RunLayout,
    *,
    shards: int | None = None,
    spark: Any = None,
    master: str | None = None,
    subscribers: int | None = None,
) -> Engine:
    """The engine a run uses, with its scratch space in ``RUN_DIR/.work``."""
    if kind not in ENGINES:
        raise ConfigError(
            f"engine '{kind}' is unknown.{did_you_mean(kind, ENGINES)}",
            fix=f"use --engine {' | '.join(ENGINES)}",
        )
    count = shards or default_shards(kind, subscribers)
    if kind == "spark":
        from cxradar.engine.spark import SparkEngine

        return SparkEngine(layout.work / "spark", session=spark, shards=count, master=master)
    from cxradar.engine.duckdb import DuckDBEngine
    from cxradar.features.months import window_memory_limit

    limit = os.environ.get("CXRADAR_DUCKDB_MEMORY_LIMIT", window_memory_limit(subscribers)) or None
    workers = int(os.environ.get("CXRADAR_WORKERS", str(min(2, os.cpu_count() or 1))))
    return DuckDBEngine(layout.work / "duckdb", shards=count, memory_limit=limit, workers=workers)


def _check(data_dir: Path, model_kind: str, skip: Collection[str]) -> None:
    if not data_dir.is_dir():
        raise UnreadableFileError(
            f"data folder {data_dir} does not exist",
            fix="pass the folder holding {table}.parquet files (e.g. from cxradar simulate)",
        )
    if model_kind not in KINDS:
        raise ConfigError(
            f"model kind '{model_kind}' is unknown.{did_you_mean(model_kind, KINDS)}",
            fix=f"use --model {' | '.join(KINDS)}",
        )
    unknown = set(skip) - set(OPTIONAL_STEPS)
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(
            f"step '{name}' cannot be skipped.{did_you_mean(name, OPTIONAL_STEPS)}",
            fix=f"skip only optional steps: {', '.join(OPTIONAL_STEPS)}",
        )


def _run_steps(
    ctx: RunContext,
    steps: list[tuple[str, Step]],
    progress: Progress | None,
    total: int,
    recovered: str | None,
) -> dict[str, Any]:
    """Every step, then ``summary.json`` with the timings, then the month's commit; on any error
    the staged files are dropped and RUN_DIR stays as it was."""
    try:
        with using_settings(ctx.settings.models):
            for done, (name, step) in enumerate(steps, start=1):
                with ctx.timer.step(name) as timing:
                    counts = step(ctx) or {}
                    timing.rows_in = counts.get("rows_in")
                    timing.rows_out = counts.get("rows_out")
                    release_memory()  # the step's frames are gone: give their pages back
                if progress is not None:
                    progress(name, done, total)
        summary: dict[str, Any] = ctx.results["summary"]
        summary["run"] = {
            "engine": ctx.engine.name,
            "shards": ctx.engine.shards,
            "recovered": recovered,
            "memory_retries": int(getattr(ctx.engine, "memory_retries", 0)),
            **ctx.timer.report(),
        }
        text = json.dumps(json_safe(summary), ensure_ascii=False, indent=2)
        atomic_write_text(text, ctx.layout.staged("summary.json"))
        ctx.layout.commit()
    except BaseException:
        ctx.layout.abandon()
        raise
    return summary


def _build_cards(ctx: RunContext, summary: dict[str, Any]) -> None:
    """After the commit: the care cards channels look up (``cxradar publish`` serves them), built
    from the committed outputs by :func:`cxradar.serve.cards.build_cards`; the summary gains the
    step's timing and the file."""
    from cxradar.serve.cards import build_cards, cards_path

    with ctx.timer.step("cards") as timing:
        meta = build_cards(ctx.run_dir, ctx.month, policies=ctx.settings.policies)
        timing.rows_out = int(meta["count"])
    summary["outputs"][f"cards/{ctx.month}.parquet"] = str(cards_path(ctx.run_dir, ctx.month))
    summary["run"].update(ctx.timer.report())
    text = json.dumps(json_safe(summary), ensure_ascii=False, indent=2)
    atomic_write_text(text, ctx.layout.root / "summary.json")


def run_month(
    data_dir: Path,
    month: str,
    run_dir: Path,
    *,
    config: RunConfig | IdentifyConfig | Path | None = None,
    model_kind: str = "logit",
    engine: str = "duckdb",
    shards: int | None = None,
    spark: Any = None,
    spark_master: str | None = None,
    progress: Progress | None = None,
    skip: Collection[str] = (),
    wide_table: Path | None = None,
    mapping: Path | None = None,
    tables_from: str | None = None,
    write_to: str | None = None,
) -> dict[str, Any]:
    """Run the monthly cycle for ``month`` (YYYY-MM) on DATA_DIR into RUN_DIR; return the summary.

    The pool history in RUN_DIR carries over: run the months in order; re-running the last month
    replaces it identically. ``progress(step, done, total)`` is called after each step; ``skip``
    names optional steps to leave out (:data:`OPTIONAL_STEPS`). ``wide_table`` and ``mapping``
    (together) build subscribers and usage_monthly from the operator's wide table during
    validation (docs/data-contract.md#wide-table). ``tables_from="catalog:DB"`` first copies the
    tables of the Spark catalog's database DB into DATA_DIR (a snapshot, then read as files);
    ``write_to="catalog:DB"`` writes the committed outputs as tables of DB
    (:mod:`cxradar.engine.catalog`).
    """
    parse_month(month)
    data_dir, run_dir = Path(data_dir), Path(run_dir)
    source_db = catalog_database(tables_from, "--tables-from")
    target_db = catalog_database(write_to, "--write-to")
    if (source_db or target_db) and spark is None:
        from cxradar.engine.spark import start_session

        spark = start_session(spark_master)
    staged: dict[str, int] | None = None
    if source_db:
        guard_output(run_dir, [data_dir], tables=load_contracts(), owned=True)
        staged = stage_catalog_tables(spark, source_db, data_dir)
    _check(data_dir, model_kind, skip)
    guard_output(run_dir, [data_dir, wide_table], tables=load_contracts(), owned=True)
    if isinstance(config, RunConfig):
        settings = config
    elif isinstance(config, IdentifyConfig):
        settings = replace(load_run_config(), identify=config)
    else:
        settings = load_run_config(config)
    layout = RunLayout(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    recovered = layout.recover()
    churn_config = None if "churn" in skip else settings.churn
    the_engine = open_engine(
        engine,
        layout,
        shards=shards,
        spark=spark,
        master=spark_master,
        subscribers=subscriber_count(data_dir),
    )
    ctx = RunContext(
        data_dir=data_dir,
        month=month,
        layout=layout,
        config=settings.identify,
        settings=settings,
        engine=the_engine,
        model_kind=model_kind,
        churn_config=churn_config,
        wide_table=Path(wide_table) if wide_table is not None else None,
        mapping=Path(mapping) if mapping is not None else None,
    )
    if churn_config is not None:
        ctx.results["churn_signal_months"] = churn_signal_months(churn_config, month)
    steps = [(n, s) for n, s in STEPS if n not in skip]
    total = len(steps) + (0 if "cards" in skip else 1)
    ctx.timer.start()
    closed = False
    try:
        summary = _run_steps(ctx, steps, progress, total, recovered)
        if not target_db:  # the cards read committed files: the engine's buffers and workers can go
            the_engine.close()
            closed = True
        if "cards" not in skip:
            _build_cards(ctx, summary)
            if progress is not None:
                progress("cards", total, total)
        if staged is not None or target_db:
            summary["catalog"] = {"read": {f"{source_db}.{k}": v for k, v in (staged or {}).items()}}
            if target_db:
                summary["catalog"]["written"] = write_to_catalog(spark, target_db, summary["outputs"], month)
            text = json.dumps(json_safe(summary), ensure_ascii=False, indent=2)
            atomic_write_text(text, layout.root / "summary.json")
    finally:
        ctx.timer.stop()
        if not closed:
            the_engine.close()
        if not os.environ.get("CXRADAR_KEEP_WORK"):  # keep the scratch space to debug a step
            shutil.rmtree(layout.work, ignore_errors=True)
    return {**summary, "timings": {s["step"]: s["wall_s"] for s in summary["run"]["steps"]}}

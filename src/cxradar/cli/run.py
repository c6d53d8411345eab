"""``cxradar run``: the monthly cycle - validate, features, explicit pool, potential dissatisfied."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cxradar.cli._common import progress
from cxradar.cli.summary import print_month

__all__ = ["run"]


@click.command("run")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to process (run months in order).")
@click.option(
    "--out",
    "run_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Run folder: outputs, and the pool history carried from month to month.",
)
@click.option(
    "--model",
    "model_kind",
    default="logit",
    show_default=True,
    help="Classifier for the model-predicted kind: logit | bayesnet | bn-logit | gbm.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Run settings: a section per step (identify, care, campaign, churn, survey, models) over conf/ (docs/configuration.md).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="duckdb: embedded, one machine. spark: the active SparkSession (cluster, spark-submit, "
    "SPARK_REMOTE), else local[*]; needs Java 17.",
)
@click.option(
    "--shards",
    type=click.IntRange(1, 100_000),
    default=None,
    help="Subscribers are processed in this many shards (by a hash of msisdn); more shards, less "
    "memory each. Outputs do not depend on it. [default: CXRADAR_SHARDS, else one per 125,000 subscribers (Spark: 50,000) rounded up to a power of two]",
)
@click.option(
    "--spark-master",
    default=None,
    metavar="URL",
    help="Start Spark with this master (e.g. local[2], yarn) instead of the active session.",
)
@click.option(
    "--wide-table",
    type=click.Path(path_type=Path, exists=True),
    help="The operator's one-row-per-subscriber wide table (用户宽表), CSV or Parquet; "
    "subscribers and usage_monthly are built from it (needs --mapping).",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="YAML mapping of contract columns to the wide table's columns (see conf/widetable/example.yaml).",
)
@click.option(
    "--tables-from",
    metavar="catalog:DB",
    default=None,
    help="Read the tables from database DB of the Spark catalog (DB.subscribers, DB.usage_monthly ...; "
    "a Hive warehouse) with spark.table; DATA_DIR receives them as Parquet, a snapshot of what the month read.",
)
@click.option(
    "--write-to",
    metavar="catalog:DB",
    default=None,
    help="Also write the month's outputs as tables of database DB of the Spark catalog (pool, "
    "potential_dissatisfied, care_plan, churners ...), partitioned by run_month.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
def run(
    data_dir: Path,
    month: str,
    run_dir: Path,
    model_kind: str,
    config: Path | None,
    engine: str,
    shards: int | None,
    spark_master: str | None,
    wide_table: Path | None,
    mapping: Path | None,
    tables_from: str | None,
    write_to: str | None,
    as_json: bool,
) -> None:
    """Run the monthly cycle on DATA_DIR for one month and write the results to RUN_DIR.

    Validates the tables (reusing RUN_DIR/validated when the inputs are unchanged), builds
    features, updates the explicit dissatisfied pool (明确不满意客户池: complaints, low ratings,
    low survey scores; exits after care or churn), trains a classifier on surveyed customers and
    flags the potentially dissatisfied (潜在不满意客户) of three kinds: channel-silent,
    incident-hit and model-predicted, each with reasons in English and Chinese.

    \b
    Example:
      cxradar run demo-output/data --month 2026-09 --out demo-output/run
      cxradar run demo-output/data --month 2026-10 --out demo-output/run --model gbm
      cxradar run /data/2026-10 --month 2026-10 --out /runs/bj --engine spark --spark-master local[2]
      cxradar run demo-output/data --month 2026-10 --out demo-output/run --config my-run.yaml
    See the effective settings, and where each came from: cxradar config show --config my-run.yaml
      cxradar run data/ --wide-table kuanbiao.csv --mapping conf/widetable/example.yaml \\
          --month 2026-10 --out runs
      cxradar run /data/snap-2026-10 --tables-from catalog:dw_cx --write-to catalog:dw_cx_out \\
          --engine spark --month 2026-10 --out /runs/bj

    \b
    Writes into RUN_DIR (each file atomically):
      pool.parquet, pool_history.parquet, potential_dissatisfied.parquet, scores.parquet,
      model_report.json, care/YYYY-MM/, churn/, summary.json (with step timings),
      validated/, features/ (cache)
    A month is committed all at once: a failed run leaves RUN_DIR as it was.
    The pool history carries over: process months in order; re-running the last month replaces it.
    RUN_DIR may not be DATA_DIR or contain it (the operator's tables are never overwritten).
    With --wide-table, subscribers and usage_monthly come from the wide table, the other tables
    from DATA_DIR (docs/data-contract.md#wide-table). With --tables-from catalog:DB the tables
    come from the Spark catalog and DATA_DIR (empty, or an earlier snapshot) receives a copy;
    --write-to catalog:DB adds the outputs to the catalog (docs/architecture.md#spark-catalog).
    Score the run with: cxradar evaluate RUN_DIR --truth DATA_DIR/truth
    """
    from cxradar.pipeline import STEPS, run_month

    with progress() as bar:
        task = bar.add_task(f"run {month}", total=len(STEPS))

        def advance(step: str, done: int, total: int) -> None:
            bar.update(task, completed=done, description=f"run {month}: {step}")

        summary = run_month(
            data_dir,
            month,
            run_dir,
            config=config,
            model_kind=model_kind,
            engine=engine,
            shards=shards,
            spark_master=spark_master,
            progress=advance,
            wide_table=wide_table,
            mapping=mapping,
            tables_from=tables_from,
            write_to=write_to,
        )
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    print_month(summary, run_dir)

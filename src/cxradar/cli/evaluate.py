"""``cxradar evaluate``: score a run against the simulator's ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cxradar.cli.summary import print_evaluation

__all__ = ["evaluate"]


@click.command("evaluate")
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--truth",
    "truth_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The simulator's truth folder (DATA_DIR/truth).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def evaluate(run_dir: Path, truth_dir: Path, as_json: bool) -> None:
    """Score a monthly run against the simulator's ground truth (only possible on simulated data).

    Precision, recall and lift over random sampling of the potential list and of each kind
    (silent, incident-hit, model-predicted), the explicit pool's precision, the cause accuracy,
    and the coverage: the share of all truly dissatisfied subscribers that month - surveyed or
    not - that are in the explicit pool or on the potential list (the seed reached 61.7 %). And the
    churn list's precision, recall and lift over the base rate against the lines that truly leave
    after the month (when the simulation runs past it).

    \b
    Example:
      cxradar evaluate demo-output/run --truth demo-output/data/truth --json

    Reads RUN_DIR/summary.json, pool.parquet, potential_dissatisfied.parquet, model_report.json,
    churn/churners.parquet and TRUTH/satisfaction.parquet, churn.parquet; writes nothing.
    """
    from cxradar.pipeline import evaluate_run

    result = evaluate_run(run_dir, truth_dir)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print_evaluation(result)

"""``cxradar demo``: the product's front door - a simulated operator through the whole monthly loop."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import click

from cxradar.cli._common import console, progress
from cxradar.cli.summary import print_evaluation, print_month

__all__ = ["demo"]

DEMO_SUBSCRIBERS = 50_000
DEMO_MONTHS = 6
DEMO_SEED = 7
DEMO_END_MONTH = "2026-10"


def _simulation_matches(data_dir: Path, subscribers: int, months: int, seed: int, end_month: str) -> bool:
    """True when ``data_dir`` already holds exactly this simulation (re-running the demo is cheap)."""
    manifest = data_dir / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        found: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = {"subscribers": subscribers, "months": months, "seed": seed, "end_month": end_month}
    return all(found.get(key) == value for key, value in wanted.items())


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the simulated data (OUT/data) and the run (OUT/run).",
)
@click.option(
    "--subscribers",
    type=click.IntRange(1_000),
    default=DEMO_SUBSCRIBERS,
    show_default=True,
    help="Size of the simulated operator.",
)
@click.option("--seed", type=int, default=DEMO_SEED, show_default=True, help="Simulator seed.")
@click.option(
    "--model",
    "model_kind",
    default="logit",
    show_default=True,
    help="Classifier for the model-predicted kind: logit | bayesnet | bn-logit | gbm.",
)
def demo(out: Path, subscribers: int, seed: int, model_kind: str) -> None:
    """Simulate an operator and run two months of the closed loop on it.

    \b
    1. simulate a 50,000-subscriber operator with ground truth (cxradar simulate)
    2. month M-1: validate, features, explicit pool, potential dissatisfied (three kinds),
       CSI and survey summary, churn, care assignment and a campaign with a control group
    3. month M: the same, and the evaluation of last month's campaign
    4. score month M against the simulator's truth (cxradar evaluate)
    5. write the monthly report (cxradar report): OUT/run/report/report-M.html and its tables

    \b
    Example:
      cxradar demo --out demo-output
    Re-running reuses the simulation when its settings are unchanged.
    Outputs: OUT/data (tables, truth/), OUT/run (pool, lists, reports; see docs/).
    """
    from cxradar.dashboard import build_tables, make_report
    from cxradar.months import month_shift
    from cxradar.pipeline import STEPS, evaluate_run, run_month
    from cxradar.simulate import simulate

    started = time.perf_counter()
    data_dir, run_dir = out / "data", out / "run"
    last = DEMO_END_MONTH
    months = [month_shift(last, -1), last]
    if _simulation_matches(data_dir, subscribers, DEMO_MONTHS, seed, last):
        console.print(f"Reusing the simulated operator in {data_dir}")
    else:
        with progress() as bar:
            task = bar.add_task(f"simulate {subscribers:,} subscribers x {DEMO_MONTHS} months", total=None)

            def sim_progress(done: int, total: int, what: str) -> None:
                bar.update(task, completed=done, total=total)

            simulate(subscribers, DEMO_MONTHS, seed, data_dir, end_month=last, progress=sim_progress)
    if (run_dir / "summary.json").is_file():  # the pool history cannot go back a month: start afresh
        console.print(f"Replacing the previous demo run in {run_dir}")
        shutil.rmtree(run_dir)
    summaries: dict[str, dict[str, Any]] = {}
    for month in months:
        with progress() as bar:
            task = bar.add_task(f"run {month}", total=len(STEPS))

            def advance(
                step: str, done: int, total: int, _task: Any = task, _bar: Any = bar, _month: str = month
            ) -> None:
                _bar.update(_task, completed=done, total=total, description=f"run {_month}: {step}")

            skip = () if month == last else ("churn",)  # churn is reported for the last month only
            summaries[month] = run_month(
                data_dir, month, run_dir, model_kind=model_kind, progress=advance, skip=skip
            )
        if month != last:  # the report tables of each month, so the last month's report shows changes
            build_tables(run_dir)
    print_month(summaries[last], run_dir)
    print_evaluation(evaluate_run(run_dir, data_dir / "truth"))
    report = make_report(run_dir)
    console.print(
        f"\n[bold]Report 报告:[/] {report.path} (open it in a browser; tables in {run_dir / 'report'})"
    )
    elapsed = time.perf_counter() - started
    console.print(f"\n[bold]Done in {elapsed:.0f} s.[/] Data: {data_dir}   Run outputs: {run_dir}")
    console.print(
        "Next: cxradar report --help · cxradar run --help · cxradar csi --help · cxradar churn --help"
    )

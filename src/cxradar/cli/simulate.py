"""``cxradar simulate``: write a synthetic operator's tables and its ground truth."""

from __future__ import annotations

from pathlib import Path

import click

from cxradar.cli._common import console, progress

__all__ = ["simulate"]


@click.command("simulate")
@click.option(
    "--subscribers",
    "n_subscribers",
    type=click.IntRange(100, 99_999_999),
    default=50_000,
    show_default=True,
    help="Number of subscribers (lines) to simulate.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 36),
    default=6,
    show_default=True,
    help="Number of months, ending with --end-month.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed; the same seed gives identical tables.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Output folder for {table}.parquet, truth/ and manifest.json (files are replaced).",
)
@click.option(
    "--end-month",
    default="2026-10",
    show_default=True,
    metavar="YYYY-MM",
    help="Last simulated month (fixed default, so output never depends on today's date).",
)
@click.option(
    "--params",
    "params_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="YAML file overriding keys of conf/simulator.yaml (base rates, see docs/simulator.md).",
)
def simulate(
    n_subscribers: int, months: int, seed: int, out_dir: Path, end_month: str, params_file: Path | None
) -> None:
    """Simulate a mobile operator: every contract table plus the hidden ground truth.

    Subscribers with expectations per service dimension meet cells, incidents, billing errors and
    channel contacts; their true satisfaction drives complaints (most stay silent), ratings, a
    stratified 1-10 survey, usage and churn. Writes OUT/{table}.parquet for every table in
    conf/contract, OUT/truth/ (satisfaction, causes, expectations, churn, care response,
    population figures) and OUT/manifest.json. The story and base rates: docs/simulator.md.

    \b
    Example:
      cxradar simulate --subscribers 50000 --months 6 --seed 1 --out demo-data
    """
    from rich.table import Table

    from cxradar.simulate import load_params
    from cxradar.simulate import simulate as run_simulation

    params = load_params(params_file)
    with progress() as bar:
        task = bar.add_task("simulating blocks of subscribers", total=None)

        def report(done: int, total: int, _what: str) -> None:
            bar.update(task, completed=done, total=total)

        manifest = run_simulation(
            n_subscribers, months, seed, out_dir, end_month=end_month, params=params, progress=report
        )
    table = Table(title=f"Simulated operator ({manifest['first_month']} .. {end_month}, seed {seed})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in manifest["tables"].items():
        table.add_row(name, f"{rows:,}")
    for name, rows in manifest["truth"].items():
        table.add_row(f"truth/{name}", f"{rows:,}")
    console.print(table)
    console.print(f"Wrote {out_dir} in {manifest['seconds']} s. Next: cxradar validate {out_dir}")

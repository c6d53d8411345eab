"""``cxradar features``: build the per-subscriber feature table as of a month."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cxradar.cli._common import console, progress, table_names

__all__ = ["features"]


@click.command("features")
@click.argument("data_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--month", required=True, metavar="YYYY-MM", help="The as-of month: only data up to its end is used."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Parquet file to write (default: features_YYYY-MM.parquet in the current folder).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="SQL engine; spark needs the optional extra: pip install 'cxradar[spark]'.",
)
def features(data_dir: Path, month: str, out: Path | None, engine: str) -> None:
    """Build per-subscriber features as of a month by running the feature SQL (cxradar/sql).

    DATA_DIR holds the contract tables as {table}.parquet (subscribers, usage_monthly,
    complaints, contacts, incidents, subscriber_cells, cells, surveys). The result has one row
    per subscriber active in the month: basic attributes, 6/3-month usage and trends, payment,
    complaints by type and severity, channel contacts and ratings, incident exposure, cell
    quality (see docs/features.md for every column, in English and Chinese).

    \b
    Example:
      cxradar features demo-output/data --month 2026-06 --out features.parquet

    Writes one Parquet file (atomically) and prints its shape, the time taken and its path.
    """
    from cxradar.io import guard_output

    if out is not None:
        guard_output(out, [data_dir], tables=table_names())
    from cxradar.features import build_features, feature_models
    from cxradar.months import month_date as parse_month

    first = parse_month(month)
    label = f"{first.year:04d}-{first.month:02d}"
    target = out if out is not None else Path(f"features_{label}.parquet")
    total = len(feature_models())
    started = time.perf_counter()
    with progress() as bar:
        task = bar.add_task(f"features {label} ({engine})", total=total)

        def advance(model: str, done: int, of: int) -> None:
            bar.update(task, completed=done, total=of, description=f"features {label}: {model}")

        frame = build_features(Path(data_dir), label, engine=engine, out=target, progress=advance)
    seconds = time.perf_counter() - started
    console.print(
        f"[bold green]features[/] {label}: {frame.shape[0]:,} subscribers x {frame.shape[1] - 1} features "
        f"in {seconds:.1f} s ({engine}) -> {target}",
        soft_wrap=True,
    )

"""``cxradar publish``: make a month's care cards the ones the lookup service answers with."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["publish"]


@click.command("publish")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--month", default=None, metavar="YYYY-MM", help="The month to publish (default: the latest built)."
)
@click.option(
    "--build", is_flag=True, help="(Re)build RUN_DIR/cards/MONTH.parquet from the run's outputs first."
)
def publish(run_dir: Path, month: str | None, build: bool) -> None:
    """Turn RUN_DIR/cards/MONTH.parquet into the lookup file and swap it in atomically.

    The monthly run writes the cards (one JSON card per subscriber with something to tell a
    channel); this writes RUN_DIR/serve/snapshots/cards-MONTH-*.cxcards (a sorted, memory-mapped
    key array over zstd-compressed cards) and then replaces RUN_DIR/serve/current.json. Running
    'cxradar serve' processes switch to it within a second; requests in flight finish on the old
    month. The previous file is kept for workers still switching; older ones are removed.

    \b
    Example:
      cxradar publish runs/                    # the latest month built
      cxradar publish runs/ --month 2026-10 --build
    """
    from cxradar.serve.cards import build_cards
    from cxradar.serve.publish import _latest_month
    from cxradar.serve.publish import publish as publish_month

    if build:
        month = month or _month_of_run(run_dir)
        meta = build_cards(run_dir, month)
        click.echo(f"Built {meta['count']:,} cards for {month} in {meta['seconds']:.1f} s")
    month = month or _latest_month(run_dir)
    manifest = publish_month(run_dir, month)
    click.echo(
        f"Published {manifest['count']:,} cards for {manifest['month']} in {manifest['seconds']:.1f} s "
        f"({manifest['file']}); running services switch within a second. 已发布{manifest['month']}关怀卡。"
    )


def _month_of_run(run_dir: Path) -> str:
    import json

    from cxradar.errors import StateError

    summary = run_dir / "summary.json"
    if not summary.is_file():
        raise StateError(
            f"{summary} does not exist",
            fix="run the month first: cxradar run DATA_DIR --month YYYY-MM --out RUN_DIR",
        )
    return str(json.loads(summary.read_text(encoding="utf-8"))["month"])

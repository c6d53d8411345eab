"""``cxradar staff``: service halls and first-touchpoint staff (seeds 002/003)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cxradar.cli._common import console, progress

__all__ = ["staff"]


@click.group("staff")
def staff() -> None:
    """Service halls and first-touchpoint staff: internal satisfaction, role targets, follow-ups.

    \b
    Example:
      cxradar staff report demo-output/data --run demo-output/run --month 2026-10 \\
          --out reports/staff-2026-10 --key "$CXRADAR_STAFF_KEY"
    """


def _num(value: Any) -> str:
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return "-"


def _print_summary(summary: dict[str, Any], out: Path) -> None:
    from rich.table import Table

    table = Table(title=f"一线员工与营业厅 Staff and halls {summary['month']}", show_header=True)
    table.add_column("指标 figure")
    table.add_column("值 value", justify="right")
    window = summary["window"]
    table.add_row("窗口 window", f"{window[0]} .. {window[1]}")
    table.add_row("营业厅（已排名） halls (ranked)", f"{summary['halls']} ({summary['halls_ranked']})")
    table.add_row(
        f"营业厅达标/未达标 halls met / missed {_num(summary['hall_target'])}",
        f"{summary['halls_met']} / {summary['halls_missed']}",
    )
    table.add_row("末位营业厅 bottom halls", ", ".join(summary["bottom_halls"]) or "-")
    table.add_row("员工（已排名） agents (ranked)", f"{summary['agents']} ({summary['agents_ranked']})")
    for role, figures in summary["roles"].items():
        flag = "✓" if figures["met"] else "✗"
        table.add_row(f"岗位 role {role}", f"{_num(figures['mean'])} / {_num(figures['target'])} {flag}")
    weak = ", ".join(f"{w['item']} → {w['owners'].replace(';', ', ')}" for w in summary["weak_survey_items"])
    table.add_row("外部劣势项目 weak survey items → owners", weak or "-")
    fu = summary.get("followups") or {}
    if fu:
        table.add_row(
            "回访 follow-ups called / answered / complaints / acted",
            f"{fu['called']} / {fu['answered']} / {fu['complaints']} / {fu['acted']}",
        )
    console.print(table)
    console.print(
        f"Wrote the report to [bold]{out}[/bold] (staff_report.xlsx, CSV + Parquet per view).", soft_wrap=True
    )


@staff.command("report")
@click.argument("data_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--month", required=True, metavar="YYYY-MM", help="The report month (the window ends with it).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the report into (replaced as a whole, atomically).",
)
@click.option(
    "--run",
    "run_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A finished run folder (cxradar run --out): adds which customers later entered the pool or churned.",
)
@click.option(
    "--key",
    envvar="CXRADAR_STAFF_KEY",
    required=True,
    help="Secret key for the agents' keyed hashes (or $CXRADAR_STAFF_KEY); keep it the same month to month.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Staff settings (targets, items, window); default conf/staff.yaml.",
)
def report(
    data_dir: Path, month: str, out_dir: Path, run_dir: Path | None, key: str, config_path: Path | None
) -> None:
    """Write the staff and service-hall report for DATA_DIR (contacts, staff, followups, surveys).

    Internal satisfaction of every staffed contact is its follow-up call (回访, within
    followup_days) and its SMS rating, weighted. Per hall, agent and role over the window_months
    up to --month: the empirical-Bayes (shrunk) score with an interval, so a hall with 12 ratings
    does not top the ranking by luck; the rank among halls with enough data, the bottom 10 %
    list and met / missed / uncertain against the targets; each hall's worst follow-up items;
    the external survey's weak items and the roles that own them; the trend by month; with --run,
    the share of each hall's and agent's customers who later entered the explicit pool, churned,
    or are on the churn list; and the follow-up report (who was called, who answered, what they
    said, what was done).

    \b
    Example:
      cxradar staff report demo-output/data --run demo-output/run --month 2026-10 \\
          --out reports/staff-2026-10 --key s3cret

    \b
    Writes into --out: one Parquet and one CSV (UTF-8 with BOM) per view (halls, agents, roles,
    hall_items, survey_items, trend, followup_summary, followup_answers, followup_list and, with
    --run, hall_outcomes, agent_outcomes), staff_report.xlsx (a sheet per view, Chinese and
    English headers) and staff_summary.json. Agents appear only as agent_key, the HMAC of their
    id under --key; customers' numbers are masked. Settings: docs/staff.md.
    """
    from cxradar.months import month_start
    from cxradar.staff.config import load_staff_config
    from cxradar.staff.output import write_staff_report
    from cxradar.staff.report import build_staff_views, load_staff_tables

    month_start(month)  # a bad --month fails before any reading
    config = load_staff_config(config_path)
    with progress() as bar:
        task = bar.add_task("staff report", total=3)
        tables = load_staff_tables(data_dir, run_dir)
        bar.advance(task)
        views, summary = build_staff_views(tables, month, config, key=key)
        bar.advance(task)
        write_staff_report(views, summary, out_dir)
        bar.advance(task)
    _print_summary(summary, out_dir)

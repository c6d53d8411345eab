"""``cxradar survey``: the monthly 1-10 survey, touchpoint, complaint and behaviour report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cxradar.cli._common import console, progress, table_names

__all__ = ["survey"]


@click.group("survey")
def survey() -> None:
    """1–10 survey, 4S touchpoint, complaint and behaviour-vs-satisfaction reports.

    \b
    Example:
      cxradar survey report demo-output/data --month 2026-09 --out reports/2026-09
    """


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print_headline(summary: dict[str, Any], out: Path) -> None:
    from rich.table import Table

    overall = summary["overall"]
    table = Table(title=f"满意度调查 Survey {summary['month']}", show_header=True)
    table.add_column("指标 figure")
    table.add_column("值 value", justify="right")
    table.add_row("受访人数 respondents", str(summary["respondents"]))
    ci = overall["mean_ci"]
    table.add_row(
        "总体满意度均值 mean overall (95% CI)", f"{_num(overall['mean'])} ({_num(ci[0])}–{_num(ci[1])})"
    )
    hci = overall["high_share_ci"]
    table.add_row(
        "高分段 high band 8-10 (95% CI)", f"{_pct(overall['high_share'])} ({_pct(hci[0])}–{_pct(hci[1])})"
    )
    table.add_row("低分段 low band", _pct(overall["low_share"]))
    core = summary.get("core_vs_mass", {})
    if "core" in core and "mass" in core:
        table.add_row(
            "核心/大众 core vs mass mean", f"{_num(core['core']['mean'])} / {_num(core['mass']['mean'])}"
        )
    if "trend" in summary:
        trend = summary["trend"]
        table.add_row(
            "趋势 trend per wave (p)", f"{_num(trend['slope_per_wave'])} (p={_num(trend['p_value'])})"
        )
    comp = summary.get("complaints")
    if comp:
        flag = " ✗ missed 未达标" if comp["fcr_missed"] else " ✓ met 达标"
        table.add_row(
            "一次解决率 first-contact resolution",
            f"{_pct(comp['fcr'])} / target {_pct(comp['fcr_target'])}{flag}",
        )
        table.add_row(
            "重复投诉 repeat complainants",
            ", ".join(f"{k}: {v}" for k, v in comp["repeat_complainants"].items()),
        )
    if "csi" in summary and summary["csi"].get("index"):
        sat = summary["csi"]["index"].get("Satisfaction")
        table.add_row("满意度指数 CSI (Satisfaction, 0-100)", _num(sat))
    console.print(table)
    for item in summary.get("touchpoint_priorities", [])[:2]:
        console.print(f"• {item['zh']}\n  {item['en']}")
    console.print(
        f"Wrote the report to [bold]{out}[/bold] (survey_report.html, survey_report.xlsx, CSV + Parquet)."
    )


@survey.command("report")
@click.argument("data_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--month", required=True, metavar="YYYY-MM", help="The month to report on (answers given that month)."
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the report into (created if absent; files replaced atomically).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Survey settings (bands, targets, labels); default conf/survey.yaml.",
)
@click.option("--no-csi", is_flag=True, help="Skip the Customer Satisfaction Index section.")
def report(data_dir: Path, month: str, out_dir: Path, config_path: Path | None, no_csi: bool) -> None:
    """Write the monthly survey report for DATA_DIR (which holds surveys.parquet or .csv).

    It reads surveys, subscribers, complaints and usage_monthly ({table}.parquet or .csv; only
    surveys is required) and computes: the distribution of the 1-10 overall score, the shares of the
    high band (8-10) and low band with intervals (weighted when surveys.weight exists), comparisons
    of core vs mass customers, segments, districts and channels with tests, the trend over waves, the
    4S touchpoints ranked by importance x gap, complaint concentration, first-contact resolution vs
    targets and repeat complainants, behaviour-vs-satisfaction correlations and the CSI index.

    \b
    Example:
      cxradar survey report demo-output/data --month 2026-09 --out reports/2026-09

    \b
    Writes into --out: one CSV (UTF-8 with BOM) and one Parquet file per view,
    survey_report.xlsx (one sheet per view, Chinese and English headers),
    survey_report.html (self-contained) and survey_summary.json. Settings: docs/survey.md.
    """
    from cxradar.io import guard_output

    guard_output(out_dir, [data_dir, config_path], tables=table_names())
    from cxradar.months import month_start
    from cxradar.survey.config import load_survey_config
    from cxradar.survey.output import write_survey_report
    from cxradar.survey.report import build_survey_views, load_survey_tables

    month_start(month)  # a bad --month fails before any reading
    config = load_survey_config(config_path)
    with progress() as bar:
        task = bar.add_task("survey report", total=3)
        tables = load_survey_tables(data_dir)
        bar.advance(task)
        views, summary = build_survey_views(tables, month, config, with_csi=not no_csi)
        bar.advance(task)
        write_survey_report(views, summary, out_dir)
        bar.advance(task)
    _print_headline(summary, out_dir)

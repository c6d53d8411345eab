"""``cxradar report``: the dissatisfied-customer topic as one self-contained HTML file, plus its tables."""

from __future__ import annotations

from pathlib import Path

import click

from cxradar.cli._common import console

__all__ = ["report"]


@click.command("report")
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--month",
    default=None,
    metavar="YYYY-MM",
    help="Month to report. Default: the run's month (RUN_DIR/summary.json). An earlier month is "
    "rendered from the tables stored when its report was built.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML file to write. Default: RUN_DIR/report/report-YYYY-MM.html.",
)
def report(run_dir: Path, month: str | None, out: Path | None) -> None:
    """Write the monthly report (不满意客户分析专题): one HTML file a CX manager opens in a browser.

    \b
    Pages: this month at a glance · who is dissatisfied · segment management · care and
    campaigns · CSI · survey, touchpoints, complaints · churn · model quality. Chinese and
    English with a switch; printable; the chart library is inside the file, so opening it makes
    no network request.

    \b
    The aggregates behind every chart are written too, for a BI tool (Superset, FineBI, Tableau):
    RUN_DIR/report/{table}.parquet and {table}.csv (UTF-8 with BOM), one row set per month,
    described in docs/dashboard.md. Run the command right after each month's run: the tables of
    that month are built from the run's files and kept, so later reports show the trend.

    \b
    Example:
      cxradar run demo-output/data --month 2026-10 --out demo-output/run
      cxradar report demo-output/run --out report.html
    """
    from cxradar.dashboard import make_report

    result = make_report(run_dir, out, month)
    if result.built is not None:
        console.print(
            f"Tables for {result.month}: {len(result.built.written) // 2} tables in {result.built.report_dir} "
            f"({result.built.seconds:.1f} s)",
            soft_wrap=True,
        )
        if result.built.missing_labels:
            missing = ", ".join(f"{kind}={code}" for kind, code in sorted(result.built.missing_labels))
            console.print(f"[yellow]Labels without words (shown as codes): {missing}[/]", soft_wrap=True)
    else:
        console.print(
            f"Tables for {result.month}: reused those stored in {run_dir / 'report'}", soft_wrap=True
        )
    console.print(
        f"Report 报告 {result.month}: {result.path} ({result.bytes / 1e6:.1f} MB, {result.charts} charts; "
        f"months stored: {', '.join(result.months)})",
        soft_wrap=True,
    )

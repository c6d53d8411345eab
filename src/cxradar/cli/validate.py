"""``cxradar validate``: check a data folder against the table contracts; print what was found."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxradar.cli._common import console, progress

if TYPE_CHECKING:
    from cxradar.contract import ValidationReport

__all__ = ["validate"]

_STYLE = {
    "ok": "green",
    "warnings": "yellow",
    "quarantined": "yellow",
    "absent": "dim",
    "too_many_bad": "red",
    "missing": "red",
    "empty": "red",
    "error": "red",
}


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as error:
        raise click.BadParameter(
            f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-10-31"
        ) from error


@click.command("validate")
@click.argument("data_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (replaced as a whole). Default: DATA_DIR/_validated.",
)
@click.option(
    "--encoding",
    type=click.Choice(["auto", "utf-8", "gbk", "gb18030"]),
    default="auto",
    show_default=True,
    help="Text encoding of the CSV files; auto detects UTF-8 / GBK / GB18030.",
)
@click.option(
    "--as-of",
    type=str,
    callback=_as_of,
    metavar="YYYY-MM-DD",
    help="Dates after this day are quarantined as 'not_future'. Default: today.",
)
@click.option(
    "--max-quarantine-share",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="The data is usable only if no table quarantines a larger share of its rows.",
)
@click.option(
    "--wide-table",
    type=click.Path(path_type=Path, dir_okay=True, exists=True),
    help="The operator's one-row-per-subscriber wide table (用户宽表), CSV or Parquet.",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="YAML mapping of contract columns to the wide table's columns (see conf/widetable/example.yaml).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of tables.")
def validate(
    data_dir: Path,
    out_dir: Path | None,
    encoding: str,
    as_of: date | None,
    max_quarantine_share: float,
    wide_table: Path | None,
    mapping: Path | None,
    as_json: bool,
) -> None:
    """Check every input table in DATA_DIR against the data contract (docs/data-contract.md).

    Each bad row goes to a quarantine file with its file, row, line, column, value, rule and fix;
    for every table rows in = accepted + quarantined. Nothing is silently dropped or coerced.

    \b
    Example:
      cxradar validate data/2026-10 --as-of 2026-10-31
      cxradar validate data/2026-10 --wide-table kuanbiao.csv --mapping conf/widetable/example.yaml
    \b
    Writes (the whole folder is replaced atomically):
      OUT/accepted/{table}.parquet     typed, only accepted rows
      OUT/quarantine/{table}.csv       one line per problem (UTF-8 with BOM, opens in Excel)
      OUT/validation_report.json       counts, warnings, top problems, usable
    \b
    Exit code 0 when the data is usable, 1 when it is not (the reasons are printed).
    """
    from cxradar.contract import validate_dir

    out_dir = out_dir or data_dir / "_validated"
    enc = None if encoding == "auto" else encoding
    if as_json:
        report = validate_dir(
            data_dir,
            out_dir,
            encoding=enc,
            as_of=as_of,
            max_quarantine_share=max_quarantine_share,
            wide_table=wide_table,
            mapping=mapping,
        )
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        with progress() as bar:
            task = bar.add_task("validating", total=None)

            def step(name: str, index: int, total: int) -> None:
                bar.update(task, total=total, completed=index, description=f"validating {name}".strip())

            report = validate_dir(
                data_dir,
                out_dir,
                encoding=enc,
                as_of=as_of,
                max_quarantine_share=max_quarantine_share,
                wide_table=wide_table,
                mapping=mapping,
                progress=step,
            )
        _print(report)
    if not report.usable:
        raise SystemExit(1)


def _source(table: str, file: str | None) -> str:
    if file is None:
        return "—"
    path = Path(file)
    return (path.suffix or "folder") if path.stem == table else path.name


def _print(report: ValidationReport) -> None:
    from rich.table import Table

    from cxradar.contract.report import TABLE_STATUSES, UNREAD_STATUSES

    table = Table(title="Validation 数据校验", title_justify="left")
    for header in ("table", "source", "rows in", "accepted", "quarantined", "status"):
        table.add_column(
            header,
            justify="right" if header in ("rows in", "accepted", "quarantined") else "left",
            overflow="fold",
            no_wrap=header == "table",
        )
    for t in report.tables.values():
        en, zh = TABLE_STATUSES[t.status]
        style = _STYLE[t.status]
        counts = ("—", "—", "—") if t.status in UNREAD_STATUSES else (t.rows_in, t.accepted, t.quarantined)
        table.add_row(
            t.table,
            _source(t.table, t.file),
            *(c if isinstance(c, str) else f"{c:,}" for c in counts),
            f"[{style}]{en} {zh}[/{style}]",
        )
    console.print(table)
    if report.top_problems:
        problems = Table(title="Top problems 主要问题", title_justify="left")
        for header in ("table", "column", "rule", "count", "example 示例", "fix 处理"):
            problems.add_column(header, overflow="fold")
        for p in report.top_problems:
            ex = p["example"]
            where = f"row {ex['row']}" + (f", line {ex['line']}" if ex["line"] is not None else "")
            problems.add_row(
                p["table"],
                p["column"],
                f"{p['rule']}\n{p['problem_zh']}",
                f"{p['count']:,}",
                f"{ex['value']!r} ({where})",
                p["fix"],
            )
        console.print(problems)
    for t in report.tables.values():
        for note in t.notes:
            console.print(f"note {t.table}: {note}", markup=False, highlight=False, style="dim")
        for warning in t.warnings:
            console.print(f"warning {t.table}: {warning}", markup=False, highlight=False, style="yellow")
    out = Path(report.out_dir)
    console.print(f"Accepted tables 通过: {out / 'accepted'}", highlight=False)
    console.print(f"Quarantine 隔离:      {out / 'quarantine'}", highlight=False)
    console.print(f"Report 报告:          {out / 'validation_report.json'}", highlight=False)
    if report.usable:
        console.print("[green]Usable 数据可用.[/green]")
    else:
        console.print("[red]Not usable 数据不可用:[/red]")
        for reason in report.reasons:
            console.print(f"  • {reason}", markup=False, highlight=False, style="red")

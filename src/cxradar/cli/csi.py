"""``cxradar csi``: the Customer Satisfaction Index of a survey table by PLS path modelling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.table import Table

from cxradar.cli._common import console, progress
from cxradar.errors import UnreadableFileError

__all__ = ["csi", "read_table"]


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (UTF-8, else GB18030 as Chinese systems export) or Parquet file."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".csv", ".txt", ".tsv"):
            sep = "\t" if suffix == ".tsv" else ","
            try:
                return pd.read_csv(path, sep=sep, encoding="utf-8")
            except UnicodeDecodeError:
                return pd.read_csv(path, sep=sep, encoding="gb18030")
    except (OSError, ValueError) as error:
        raise UnreadableFileError(
            f"cannot read survey table {path}: {error}", fix="pass a readable .csv or .parquet file"
        ) from error
    raise UnreadableFileError(
        f"survey table {path} is neither CSV nor Parquet (suffix '{suffix}')",
        fix="pass a .csv or .parquet file",
    )


def _write_json_atomically(data: dict[str, Any], path: Path) -> None:
    from cxradar.engine.files import atomic_write_text  # one writer, one file mode for every output

    atomic_write_text(json.dumps(data, ensure_ascii=False, indent=2), path)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _print_report(report: dict[str, Any]) -> None:
    weighted = "weighted" if report["weighted"] else "unweighted"
    console.print(
        f"[bold]CSI 满意度指数[/bold] model [cyan]{report['model']}[/cyan], scheme {report['scheme']}, "
        f"{report['n_responses']} responses ({weighted}), converged in {report['iterations']} iterations"
    )
    boot = report.get("bootstrap", {}).get("intervals", {})
    index = Table(title="Index 0-100 指数")
    for col in ("construct 构念", "中文", "index", "R²", "alpha", "rhoC", "AVE"):
        index.add_column(col)
    for name, value in report["index"].items():
        rel = report["reliability"][name]
        ci = boot.get("index", {}).get(name)
        shown = _fmt(value, 1) + (f" [{_fmt(ci['lower'], 1)}, {_fmt(ci['upper'], 1)}]" if ci else "")
        index.add_row(
            name,
            report["constructs"][name]["zh"],
            shown,
            _fmt(report["r2"].get(name)),
            _fmt(rel["alpha"]),
            _fmt(rel["rhoC"]),
            _fmt(rel["AVE"]),
        )
    console.print(index)
    paths = Table(title="Paths 路径系数")
    for col in ("path 路径", "coefficient", "95% interval", "p"):
        paths.add_column(col)
    for name, value in report["paths"].items():
        ci = boot.get("paths", {}).get(name)
        paths.add_row(
            name,
            _fmt(value),
            f"[{_fmt(ci['lower'])}, {_fmt(ci['upper'])}]" if ci else "-",
            _fmt(ci["p_value"], 4) if ci else "-",
        )
    console.print(paths)
    ipma = report["ipma"]
    console.print(f"[bold]Where to act first 优先改进 (IPMA, target {ipma['target']}):[/bold]")
    for item in ipma["priorities"]:
        console.print(f"  • {item['en']}\n    {item['zh']}")


@click.command("csi")
@click.argument("survey_table", type=click.Path(path_type=Path))
@click.option(
    "--model",
    "model",
    default="telecom",
    show_default=True,
    metavar="MODEL_FILE_OR_TEMPLATE",
    help="Model YAML file, a folder with structural-model.csv + measurement-model.csv, "
    "or a template: ecsi, acsi, telecom.",
)
@click.option(
    "--scheme",
    type=click.Choice(["path", "centroid", "factorial"]),
    default="path",
    show_default=True,
    help="Inner weighting scheme.",
)
@click.option(
    "--bootstrap",
    "n_boot",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Bootstrap resamples for intervals and p-values (0 = none; 5000 is usual).",
)
@click.option(
    "--method",
    type=click.Choice(["percentile", "bca"]),
    default="percentile",
    show_default=True,
    help="Bootstrap interval.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the bootstrap.")
@click.option(
    "--weights",
    "weights",
    default=None,
    metavar="COLUMN",
    help="Survey-weight column (inverse sampling rate); default unweighted.",
)
@click.option(
    "--missing",
    type=click.Choice(["mean", "pairwise"]),
    default="mean",
    show_default=True,
    help="Missing answers: mean replacement or pairwise correlations.",
)
@click.option(
    "--target",
    default=None,
    metavar="CONSTRUCT",
    help="IPMA target construct (default: the model's last, e.g. Loyalty).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write the JSON report to FILE (atomically).",
)
def csi(
    survey_table: Path,
    model: str,
    scheme: str,
    n_boot: int,
    method: str,
    seed: int,
    weights: str | None,
    missing: str,
    target: str | None,
    as_json: bool,
    out: Path | None,
) -> None:
    """Customer Satisfaction Index (0-100) by PLS path modelling, with drivers and IPMA.

    Fits the ECSI/ACSI-style model to SURVEY_TABLE (CSV or Parquet, one row per response, one
    column per survey item) and prints the index per construct, path coefficients (with bootstrap
    intervals), R², reliability, and the importance-performance priorities - where to act first.

    \b
    Example:
      cxradar csi surveys.parquet --model telecom --weights weight --bootstrap 5000
      cxradar csi mobi.csv --model ecsi --scheme centroid --json

    Writes nothing unless --out FILE is given (the JSON report). See docs/csi.md.
    """
    from cxradar.csi.csi_report import csi_report

    table = read_table(survey_table)
    if n_boot and not as_json:
        with progress() as bar:
            task = bar.add_task(f"PLS + {n_boot} bootstrap resamples", total=1)
            report = csi_report(
                table,
                model=model,
                weights=weights,
                bootstrap=n_boot,
                seed=seed,
                target=target,
                scheme=scheme,
                missing=missing,
                method=method,
            )
            bar.update(task, completed=1)
    else:
        report = csi_report(
            table,
            model=model,
            weights=weights,
            bootstrap=n_boot,
            seed=seed,
            target=target,
            scheme=scheme,
            missing=missing,
            method=method,
        )
    if out is not None:
        _write_json_atomically(report, out)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print_report(report)
        if out is not None:
            console.print(f"wrote {out}")

"""``cxradar churn train|score|report``: churn models, likely churners, group alerts (docs/churn.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxradar.cli._common import console, progress, table_names

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["churn"]

_DATA = click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
_MONTH = click.option(
    "--month", required=True, metavar="YYYY-MM", help="The as-of month (data up to its end)."
)
_CONFIG = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file overriding keys of conf/churn.yaml (definition, exclusions, thresholds).",
)


def _validation_table(report: dict[str, Any]) -> Table:
    from rich.table import Table

    table = Table(
        title=f"time-based validation: test as-of {report.get('test_month')} "
        f"(trained on {', '.join(report.get('train_months', []))})"
    )
    for col in ("model", "AUC", "Gini", "top-decile lift", "precision", "recall", "Brier", "signal share"):
        table.add_column(col)
    for name, entry in report.get("models", {}).items():
        m = entry["metrics"]
        share = entry.get("signal_share", {}).get("total")
        table.add_row(
            name,
            f"{m['auc']:.3f}",
            f"{m['gini']:.3f}",
            f"{m['top_decile_lift']:.2f}",
            f"{m['precision']:.2f}",
            f"{m['recall']:.2f}",
            f"{m['brier']:.4f}",
            "" if share is None else f"{share:.1%}",
        )
    return table


@click.group("churn")
def churn() -> None:
    """Churn: definitions, exclusions, models, likely churners with factors, group alerts.

    Settings live in conf/churn.yaml (definitions port_out / brand_downgrade / arpu_drop, the
    exclusions, the corporate-group alert thresholds, multi-SIM). See docs/churn.md.

    \b
    Example:
      cxradar churn report demo-output/data --month 2026-10 --out runs/2026-10
    """


@churn.command("train")
@_DATA
@_MONTH
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for model.json and train_report.json.",
)
@_CONFIG
def train(data_dir: Path, month: str, out: Path, config_path: Path | None) -> None:
    """Train the churn model for a month and validate it on time.

    Trains on the latest as-of months whose prediction window is fully observed before MONTH;
    validates gbm and logit (with and without the satisfaction signals) on an earlier test month
    (train earlier, test later - no leakage from the future).

    \b
    Example:
      cxradar churn train demo-output/data --month 2026-10 --out churn-model

    Writes OUT/model.json (the fitted model) and OUT/train_report.json (exclusions, validation:
    AUC, Gini, top-decile lift, lift curve, calibration), each atomically.
    """
    from cxradar.io import guard_output
    from cxradar.months import parse_month

    parse_month(month)  # a bad month is the first thing to say
    guard_output(out, [data_dir, config_path], tables=table_names())
    from cxradar.churn import load_churn_config, train_churn
    from cxradar.churn.step import json_safe
    from cxradar.io import atomic_write_text
    from cxradar.models import save_model

    cfg = load_churn_config(config_path)
    with progress() as bar:
        task = bar.add_task(f"churn train {month}", total=1)
        model, report, _ = train_churn(data_dir, month, cfg, features_dir=out / "features")
        bar.update(task, completed=1)
    save_model(model, out / "model.json")
    atomic_write_text(json.dumps(json_safe(report), ensure_ascii=False, indent=2), out / "train_report.json")
    if "models" in report.get("validation", {}):
        console.print(_validation_table(report["validation"]))
    console.print(
        f"[bold green]churn model[/] {report['model']['kind']} trained on "
        f"{report['model']['n_train']:,} rows -> {out / 'model.json'}",
        soft_wrap=True,
    )


@churn.command("score")
@_DATA
@_MONTH
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="A model written by 'cxradar churn train'.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for churners.parquet, group_alerts.parquet, multi_sim.parquet.",
)
@_CONFIG
def score(data_dir: Path, month: str, model_path: Path, out: Path, config_path: Path | None) -> None:
    """Score a month: likely churners with factors, group alerts, multi-SIM big customers.

    \b
    Example:
      cxradar churn score demo-output/data --month 2026-10 --model churn-model/model.json --out lists

    Writes OUT/churners.parquet (rank, masked msisdn, probability, value, retention value, top
    factors in en/zh), OUT/group_alerts.parquet and OUT/multi_sim.parquet, each atomically.
    """
    from cxradar.io import guard_output
    from cxradar.months import parse_month

    parse_month(month)  # a bad month is the first thing to say
    guard_output(out, [data_dir, model_path, config_path], tables=table_names())
    from cxradar.churn import churn_frames, load_churn_config, load_churn_tables, score_month
    from cxradar.io import atomic_write_parquet
    from cxradar.models import load_model
    from cxradar.months import month_shift

    cfg = load_churn_config(config_path)
    model = load_model(model_path)
    with progress() as bar:
        task = bar.add_task(f"churn score {month}", total=2)
        tables = load_churn_tables(data_dir, month_shift(month, -2), month)
        data = churn_frames(data_dir, [month], cfg, tables=tables)
        bar.update(task, completed=1)
        outputs = score_month(model, data, month, cfg, tables)
        bar.update(task, completed=2)
    for name, frame in outputs.items():
        atomic_write_parquet(frame, out / f"{name}.parquet")
    _print_lists(outputs["churners"], outputs["group_alerts"])
    console.print(f"[bold green]scored[/] {len(data.frames[month]):,} lines -> {out}", soft_wrap=True)


@churn.command("report")
@_DATA
@_MONTH
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The run folder; results go to OUT/churn/.",
)
@_CONFIG
def report(data_dir: Path, month: str, out: Path, config_path: Path | None) -> None:
    """Train, validate and score a month in one go, and print the churn report.

    The same as the churn step of 'cxradar run'. DATA_DIR holds the contract tables.

    \b
    Example:
      cxradar churn report demo-output/data --month 2026-10 --out runs/2026-10

    Writes OUT/churn/{churners,group_alerts,multi_sim}.parquet, model.json and churn_report.json
    (definition, exclusions per month, validation, counts), each atomically.
    """
    from cxradar.io import guard_output
    from cxradar.months import parse_month

    parse_month(month)  # a bad month is the first thing to say
    guard_output(out, [data_dir, config_path], tables=table_names())

    from cxradar.churn import churn_step
    from cxradar.io import read_frame

    with progress() as bar:
        task = bar.add_task(f"churn {month}", total=1)
        result = churn_step(out, data_dir, month, config_path, validate=True)
        bar.update(task, completed=1)
    excl = result["exclusions"][month]
    console.print(
        f"[bold]exclusions[/] {month}: {excl['rows_in']:,} lines, kept {excl['kept']:,}; "
        + ", ".join(f"{v['en']} {v['rows']:,}" for v in excl["excluded"].values()),
        soft_wrap=True,
    )
    if "models" in result.get("validation", {}):
        console.print(_validation_table(result["validation"]))
    churn_dir = Path(out) / "churn"
    _print_lists(
        read_frame(churn_dir / "churners.parquet", table="churners"),
        read_frame(churn_dir / "group_alerts.parquet", table="group_alerts"),
    )
    console.print(f"[bold green]churn report[/] -> {churn_dir / 'churn_report.json'}", soft_wrap=True)


def _print_lists(churners: Any, alerts: Any) -> None:
    from rich.table import Table

    top = Table(title="likely churners (top 10) / 潜在离网客户")
    for col in ("rank", "msisdn", "probability", "retention value", "top factors / 主要因素"):
        top.add_column(col)
    for r in churners.head(10).itertuples():
        top.add_row(
            str(r.rank),
            r.msisdn_masked,
            f"{r.probability:.2f}",
            f"{r.retention_value:,.0f}",
            f"{r.reasons_en}\n{r.reasons_zh}",
        )
    console.print(top)
    fired = alerts.loc[alerts["alert"]]
    grp = Table(title=f"corporate-group alerts / 集团客户预警 ({len(fired)})")
    for col in ("group", "members", "signals", "evidence / 证据"):
        grp.add_column(col)
    for r in fired.head(10).itertuples():
        grp.add_row(str(r.group_id), str(r.members), str(r.n_signals), f"{r.evidence_en}\n{r.evidence_zh}")
    console.print(grp)

"""``cxradar model``: cross-validate, fit, score or export a model on any flat table.

The commands parse options, read the table, delegate to :mod:`cxradar.models` and print.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cxradar.cli._common import console, err_console, progress
from cxradar.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

    from cxradar.models.base import BinaryClassifier

# Spelled here so that 'cxradar model --help' need not import the models (tests/test_cli.py checks
# they equal cxradar.models.KINDS and cxradar.models.sql.DIALECTS).
KINDS = ("logit", "bayesnet", "bn-logit", "gbm")
DIALECTS = ("duckdb", "spark", "hive")

__all__ = ["model"]

HEADLINE = [
    "auc",
    "precision",
    "recall",
    "f1",
    "top_decile_lift",
    "lift_at_threshold",
    "threshold",
    "brier",
    "n",
    "positive_rate",
]


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or Parquet table through :func:`cxradar.io.read_frame` (encoding checked over the
    whole file; numbers typed, blank and null tokens missing). CSV records with the wrong number of
    fields are left out with a warning naming the first one (see :mod:`cxradar.cli.model_io`)."""
    from cxradar.cli.model_io import read_flat_table

    read = read_flat_table(path)
    if read.rejected:
        err_console.print(f"[yellow]{read.warning()}[/yellow]")
    return read.frame


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


_table_arg = click.argument("table", type=click.Path(path_type=Path))
_target = click.option("--target", required=True, help="Label column, or a comparison such as 'overall<=6'.")
_positive = click.option("--positive", default=None, help="The value of --target that is the positive class.")
_id = click.option("--id", "id_column", default=None, help="Row id column (kept out of the features).")
_kind = click.option(
    "--kind", type=click.Choice(list(KINDS)), default="logit", show_default=True, help="Model kind."
)
_drop = click.option("--drop", default=None, help="Comma-separated columns to leave out.")
_seed = click.option("--seed", default=0, show_default=True, help="Random seed (folds, gbm, bayesnet).")


def _model(kind: str, seed: int) -> BinaryClassifier:
    from cxradar.models import make_model

    return make_model(kind) if kind == "logit" else make_model(kind, random_state=seed)


@click.group("model")
def model() -> None:
    """Cross-validate, fit, score or export a model on any flat table (CSV or Parquet).

    \b
    Example:
      cxradar model cv Telco-Customer-Churn.csv --target Churn --positive Yes --id customerID --kind gbm
    """


@model.command("cv")
@_table_arg
@_target
@_positive
@_id
@_kind
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Number of stratified folds (2 or more).",
)
@_drop
@_seed
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (means over folds).")
def cv(
    table: Path,
    target: str,
    positive: str | None,
    id_column: str | None,
    kind: str,
    folds: int,
    drop: str | None,
    seed: int,
    as_json: bool,
) -> None:
    """Stratified k-fold cross-validation of a model; the threshold is chosen in each training fold.

    \b
    Example:
      cxradar model cv wide.parquet --target 'overall<=6' --id msisdn --kind bn-logit --json
    Prints AUC, precision, recall, F1, lifts, threshold, Brier (means over folds); writes nothing.
    """
    from rich.table import Table

    from cxradar.models import cross_validate, prepare_table

    flat = prepare_table(
        read_table(table),
        target,
        positive=positive,
        id_column=id_column,
        drop=_split(drop),
        source=str(table),
    )
    if as_json:
        result = cross_validate(_model(kind, seed), flat.X, flat.y, folds=folds, seed=seed)
    else:
        with progress() as bar:
            task = bar.add_task(f"{kind}: {folds}-fold cross-validation", total=folds)
            result = cross_validate(
                _model(kind, seed),
                flat.X,
                flat.y,
                folds=folds,
                seed=seed,
                on_fold=lambda _k: bar.advance(task),
            )
    means = result.mean
    if as_json:
        click.echo(json.dumps({"kind": kind, "folds": folds, **{k: means[k] for k in means}}))
        return
    out = Table(title=f"{kind} on {table.name}: {folds}-fold CV (target {flat.target})")
    out.add_column("metric 指标")
    out.add_column("mean 均值", justify="right")
    for key in [*HEADLINE, "gini", "list_size"]:
        out.add_row(key, f"{means[key]:.4f}" if key not in ("n", "list_size") else f"{means[key]:.0f}")
    console.print(out)


@model.command("fit")
@_table_arg
@_target
@_positive
@_id
@_kind
@_drop
@_seed
@click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path), help="Model file to write (JSON)."
)
def fit(
    table: Path,
    target: str,
    positive: str | None,
    id_column: str | None,
    kind: str,
    drop: str | None,
    seed: int,
    out: Path,
) -> None:
    """Fit a model on the whole table and save it as JSON (no pickles).

    \b
    Example:
      cxradar model fit telco.csv --target Churn --positive Yes --id customerID --kind logit --out churn.json
    Writes the model file given by --out; prints the model's summary (coefficients, gains or edges).
    """
    from rich.table import Table

    from cxradar.io import guard_output
    from cxradar.models import prepare_table, save_model

    guard_output(out, [table])
    flat = prepare_table(
        read_table(table),
        target,
        positive=positive,
        id_column=id_column,
        drop=_split(drop),
        source=str(table),
    )
    fitted = _model(kind, seed).fit(flat.X, flat.y)
    save_model(
        fitted, out, training={"target": target, "positive": positive, "id": id_column, "rows": len(flat.y)}
    )
    console.print(
        f"[green]Saved {kind} model to {out}[/green] ({len(flat.y)} rows, threshold {fitted.threshold_:.4f})"
    )
    summary = fitted.summary.head(25)  # every fitted model has one (coefficients, gains or edges)
    grid = Table(title=f"{kind} summary 模型摘要")
    for col in summary.columns:
        grid.add_column(str(col))
    for row in summary.itertuples(index=False):
        grid.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    console.print(grid)


@model.command("score")
@click.argument("model_file", type=click.Path(path_type=Path))
@_table_arg
@_id
@click.option("--top", default=3, show_default=True, help="Reasons per row (factors that raise the risk).")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .parquet, .csv (UTF-8 with BOM, opens in Excel) or .xlsx (Excel).",
)
@click.option(
    "--target",
    default=None,
    help="Label column of a labelled table: also print and write metrics (default: the column the "
    "model was fitted on, when the table has it).",
)
@click.option("--positive", default=None, help="The value of --target that is the positive class.")
def score(
    model_file: Path,
    table: Path,
    id_column: str | None,
    top: int,
    out: Path,
    target: str | None,
    positive: str | None,
) -> None:
    """Score a table with a saved model: probability, flag and top reasons (en + zh) per row.

    \b
    Example:
      cxradar model score churn.json telco.csv --id customerID --out scores.xlsx
    Writes --out with the id column (under its own name; 'row' = the 1-based row number without
    --id), probability, flag, reasons_en, reasons_zh. CSV records with the wrong number of fields
    are not scored: they are listed in OUT.rejected.csv. A labelled table (--target, or the model's
    own target column) also gets precision, recall, lift, AUC and Brier in OUT.metrics.json.
    """
    import pandas as pd
    from rich.table import Table

    from cxradar.cli.model_io import read_flat_table, write_rejected, write_scores
    from cxradar.io import atomic_write_json, guard_output
    from cxradar.models import coerce_numeric_text, explain, load_model, parse_target, score_metrics

    guard_output(out, [model_file, table])
    fitted = load_model(model_file)
    read = read_flat_table(table)
    frame = read.frame

    if id_column is not None and id_column not in frame.columns:
        raise DataError(
            f"{table}: --id column '{id_column}' not found", fix="pass --id with an existing column"
        )
    id_name = id_column or "row"
    ids = frame[id_column].astype(str) if id_column else pd.Series(range(1, len(frame) + 1)).astype(str)
    X = coerce_numeric_text(frame[[c for c in fitted.feature_names_in_ if c in frame.columns]])
    reasons = explain(fitted, X, top=top, structured=False)
    result = pd.DataFrame(
        {
            id_name: ids.to_numpy(),
            "probability": reasons["probability"].to_numpy(),
            "flag": (reasons["probability"] >= fitted.threshold_).to_numpy(),
            "reasons_en": reasons["reasons_en"].to_numpy(),
            "reasons_zh": reasons["reasons_zh"].to_numpy(),
        }
    )
    write_scores(result, out)
    console.print(
        f"[green]Scored {len(result):,} rows → {out}[/green] ({int(result['flag'].sum()):,} flagged)"
    )
    if read.rejected:
        written = write_rejected(read.rejected, out)
        err_console.print(f"[yellow]{read.warning()} They are in {written}.[/yellow]")
    training = getattr(fitted, "training_", None) or {}
    label = target or (training.get("target") if training.get("target") in frame.columns else None)
    if label:
        y, column = parse_target(frame, label, positive or training.get("positive"), str(table))
        metrics = score_metrics(y, result["probability"].to_numpy(), fitted.threshold_)
        metrics_file = out.with_name(out.stem + ".metrics.json")
        atomic_write_json({"target": column, **metrics}, metrics_file)
        grid = Table(title=f"against {column} 对照标签 ({len(y):,} rows)")
        grid.add_column("metric 指标")
        grid.add_column("value 数值", justify="right")
        for key in ("precision", "recall", "f1", "lift_at_threshold", "auc", "brier", "positive_rate"):
            grid.add_row(key, f"{metrics[key]:.4f}")
        console.print(grid)
        console.print(f"Wrote {metrics_file}")


@model.command("export-sql")
@click.argument("model_file", type=click.Path(path_type=Path))
@click.option("--dialect", type=click.Choice(list(DIALECTS)), default="duckdb", show_default=True)
@click.option("--table", "table_name", default="features", show_default=True, help="Table the query reads.")
@click.option("--id", "id_column", default=None, help="Id column to carry into the output.")
@click.option("--reasons", is_flag=True, help="Also output each feature's contribution (c_0, c_1, ...).")
def export_sql(model_file: Path, dialect: str, table_name: str, id_column: str | None, reasons: bool) -> None:
    """Print a logit / bn-logit model as a SQL scoring query for DuckDB, Spark SQL or Hive.

    \b
    Example:
      cxradar model export-sql churn.json --dialect hive --table dw.user_wide --id msisdn > score.sql
    Prints the query on stdout; writes nothing.
    """
    from cxradar.models import load_model, to_sql

    click.echo(
        to_sql(load_model(model_file), table_name, dialect=dialect, id_column=id_column, reasons=reasons)
    )

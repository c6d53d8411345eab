"""The steps of the monthly run, one small function each, in the order they run (``STEPS``).

Every step takes the :class:`~cxradar.pipeline.context.RunContext`, reads what earlier steps left
in it and adds its own results. Another capability adds its step by appending one line to
``STEPS`` (e.g. care assignment after ``potential``). Only :func:`write_outputs` writes the
month's result files, each atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.contract import validate_dir
from cxradar.contract.report import check_month_covered
from cxradar.engine.files import atomic_write_parquet, atomic_write_text
from cxradar.errors import DataQualityError
from cxradar.features import build_features, feature_catalog
from cxradar.identify.incidents import incident_hits
from cxradar.identify.labels import month_bounds, month_shift
from cxradar.identify.pool import replay_pool
from cxradar.identify.potential import describe_potential, flag_kinds
from cxradar.identify.predicted import train_identifier
from cxradar.identify.silent import channel_silent
from cxradar.io import read_frame
from cxradar.models import explain
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.loop_steps import (
    assign_care,
    churn_outlook,
    evaluate_last_campaign,
    survey_and_csi,
    write_summary,
)
from cxradar.pipeline.report import json_safe, run_summary

__all__ = [
    "STEPS",
    "build_month_features",
    "identify_potential",
    "load_tables",
    "train_model",
    "update_explicit_pool",
    "validate_inputs",
    "write_outputs",
]

_TABLES = ("subscribers", "complaints", "contacts", "surveys", "care_actions", "incidents")
_REVALIDATE = "delete RUN_DIR/validated.fingerprint.json and run again (the validated copy is damaged)"


def _fingerprint(data_dir: Path, *extra: Path | None) -> str:
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    parts = [
        f"{p.relative_to(data_dir)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in files
        if p.suffix in (".parquet", ".csv") and "truth" not in p.parts
    ]
    parts += [f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in extra if p is not None]
    return hashlib.sha256("\n".join([str(data_dir.resolve()), *parts]).encode()).hexdigest()


def validate_inputs(ctx: RunContext) -> None:
    """Validate DATA_DIR into RUN_DIR/validated, or reuse it when the inputs are unchanged."""
    stamp_file = ctx.run_dir / "validated.fingerprint.json"
    stamp = _fingerprint(ctx.data_dir, ctx.wide_table, ctx.mapping)
    report_file = ctx.run_dir / "validated" / "validation_report.json"
    reused = (
        report_file.is_file()
        and stamp_file.is_file()
        and json.loads(stamp_file.read_text())["sha256"] == stamp
    )
    if not reused:
        report = validate_dir(
            ctx.data_dir, ctx.run_dir / "validated", wide_table=ctx.wide_table, mapping=ctx.mapping
        )
        if not report.usable:
            raise DataQualityError(
                f"the tables in {ctx.data_dir} are not usable: {'; '.join(report.reasons)}",
                fix=f"see {ctx.run_dir / 'validated' / 'quarantine'} and run "
                f"'cxradar validate {ctx.data_dir}'",
            )
        for cached in (ctx.run_dir / "features").glob("*.parquet"):
            cached.unlink()
        atomic_write_text(json.dumps({"sha256": stamp}), stamp_file)
    data = json.loads(report_file.read_text(encoding="utf-8"))
    check_month_covered(data, ctx.month)  # before any feature file is written
    ctx.results["validation"] = {"reused": reused, "report": data}


def load_tables(ctx: RunContext) -> None:
    """Read the validated tables the identification needs (subscriber_cells only for the window)."""
    for table in _TABLES:
        ctx.tables[table] = read_frame(ctx.tables_dir / f"{table}.parquet", table=table, fix=_REVALIDATE)
    first = month_shift(ctx.month, -(ctx.config.potential.incident_window_months - 1))
    start, _ = month_bounds(first)
    _, end = month_bounds(ctx.month)
    ctx.tables["subscriber_cells"] = read_frame(
        ctx.tables_dir / "subscriber_cells.parquet",
        table="subscriber_cells",
        filters=[("month", ">=", start.date()), ("month", "<", end.date())],
        fix=_REVALIDATE,
    )


def update_explicit_pool(ctx: RunContext) -> None:
    """Carry the pool history over from earlier months (warming up on a first run) and add this month."""
    path = ctx.run_dir / "pool_history.parquet"
    history = pd.read_parquet(path) if path.is_file() else None
    months = [ctx.month]
    if history is None or history.empty:
        warm = ctx.config.pool.warmup_months
        months = [month_shift(ctx.month, -k) for k in range(warm, 0, -1)] + months
    *_, (_, pool, history) = replay_pool(history, months, ctx.tables, ctx.config)
    ctx.results["pool"], ctx.results["pool_history"] = pool, history


def build_month_features(ctx: RunContext) -> None:
    """Features as of the month and the training months before it (cached in RUN_DIR/features)."""
    window = ctx.config.potential.train_window_months
    months = [month_shift(ctx.month, -k) for k in range(window - 1, -1, -1)]
    features: dict[str, pd.DataFrame] = {}
    for month in months:
        path = ctx.features_path(month)
        if path.is_file():
            features[month] = pd.read_parquet(path)
        else:
            features[month] = build_features(ctx.tables_dir, month, engine=ctx.engine, out=path)
    ctx.results["features"] = features


def train_model(ctx: RunContext) -> None:
    """Fit the survey-trained classifier; report on held-out respondents."""
    p = ctx.config.potential
    features = ctx.results["features"]
    surveyed = {m: f for m, f in features.items() if len(f)}
    ctx.results["model"] = train_identifier(ctx.tables["surveys"], surveyed, ctx.month, p, ctx.model_kind)


def _labels() -> dict[str, dict[str, str]]:
    catalog = feature_catalog()
    return {str(r.name): {"en": str(r.en), "zh": str(r.zh)} for r in catalog.itertuples(index=False)}


def identify_potential(ctx: RunContext) -> None:
    """Flag silent, incident-hit and model-predicted customers outside the pool, with reasons."""
    p, t = ctx.config.potential, ctx.tables
    feats = ctx.results["features"][ctx.month]
    fitted = ctx.results["model"]
    probability = fitted.score(feats)
    silent = channel_silent(
        feats["msisdn"],
        ctx.month,
        contacts=t["contacts"],
        complaints=t["complaints"],
        surveys=t["surveys"],
        window_months=p.silent_window_months,
    )
    hits = incident_hits(
        ctx.month,
        incidents=t["incidents"],
        subscriber_cells=t["subscriber_cells"],
        subscribers=t["subscribers"],
        config=p,
    )
    _, end = month_bounds(ctx.month)
    subs = t["subscribers"]
    gone = subs.loc[
        (subs["status"].astype(str) == "churned") & (pd.to_datetime(subs["status_date"]) < end), "msisdn"
    ]
    exclude = set(ctx.results["pool"]["msisdn"].astype(str)) | set(gone.astype(str))
    flagged = flag_kinds(
        feats, probability, fitted.threshold, exclude=exclude, silent=silent, hits=hits, config=p
    )
    need = flagged.loc[flagged["model_predicted"] | flagged["silent"], "msisdn"]
    rows = feats.set_index(feats["msisdn"].astype(str)).loc[need.to_numpy(), fitted.columns]
    if len(rows):
        expl = explain(fitted.model, rows.reset_index(drop=True), top=3, labels=_labels())
        expl.index = pd.Index(need.to_numpy(), name="msisdn")
        expl["factor_names"] = [
            [f["feature"] for f in fs if f["direction"] == "up"] for fs in expl["factors"]
        ]
    else:
        expl = pd.DataFrame({"reasons_en": [], "reasons_zh": [], "factor_names": []})
    ctx.results["potential"] = describe_potential(flagged, hits=hits, explanations=expl, config=p)
    ctx.results["scored"] = pd.DataFrame({"msisdn": feats["msisdn"].astype(str), "probability": probability})
    ctx.results["silent_count"] = int(silent.sum())
    ctx.results["incident_matched"] = len(hits)


def write_outputs(ctx: RunContext) -> None:
    """Write the month's outputs into RUN_DIR, each file atomically."""
    out = ctx.run_dir
    files: dict[str, Callable[[], Any]] = {
        "pool.parquet": lambda: atomic_write_parquet(ctx.results["pool"], out / "pool.parquet"),
        "pool_history.parquet": lambda: atomic_write_parquet(
            ctx.results["pool_history"], out / "pool_history.parquet"
        ),
        "potential_dissatisfied.parquet": lambda: atomic_write_parquet(
            ctx.results["potential"], out / "potential_dissatisfied.parquet"
        ),
        "model_report.json": lambda: atomic_write_text(
            json.dumps(json_safe(ctx.results["model"].report), ensure_ascii=False, indent=2),
            out / "model_report.json",
        ),
    }
    for name, write in files.items():
        write()
        ctx.outputs[name] = str(out / name)
    ctx.outputs["summary.json"] = str(out / "summary.json")
    ctx.results["summary"] = run_summary(ctx)  # written, with the loop's sections, by write_summary


STEPS: list[tuple[str, Callable[[RunContext], None]]] = [
    ("validate", validate_inputs),
    ("load", load_tables),
    ("campaign", evaluate_last_campaign),
    ("pool", update_explicit_pool),
    ("features", build_month_features),
    ("model", train_model),
    ("potential", identify_potential),
    ("write", write_outputs),
    ("survey", survey_and_csi),
    ("care", assign_care),
    ("churn", churn_outlook),
    ("summary", write_summary),
]

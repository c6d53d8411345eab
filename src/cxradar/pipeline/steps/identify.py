"""Steps ``model`` and ``potential``: the survey-trained classifier, then the potentially
dissatisfied customers of three kinds with their reasons.

``model`` is global over small data: the respondents of the training window (a few thousand
rows, features as of each answer's month) are fetched to the driver and the classifier is fitted
there (:func:`cxradar.identify.predicted.train_identifier`). ``potential`` is a shard function:
each shard scores its subscribers, finds the channel-silent and the incident-hit among them,
flags the three kinds outside the pool and writes reasons for the flagged only - all with the
identification code as it is (:mod:`cxradar.identify`), the fitted model broadcast to shards.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa

from cxradar.engine.base import ShardInput, ShardStep
from cxradar.engine.params import timestamp_literal as _lit
from cxradar.features import feature_catalog
from cxradar.features.exposure import build_incident_exposure
from cxradar.identify.config import PotentialConfig
from cxradar.identify.incidents import summarise_hits
from cxradar.identify.potential import describe_potential, flag_kinds
from cxradar.identify.predicted import FittedIdentifier, train_identifier
from cxradar.identify.silent import channel_silent
from cxradar.identify.window import training_window
from cxradar.models import explain
from cxradar.months import month_bounds, month_shift
from cxradar.pipeline.context import RunContext

__all__ = [
    "POTENTIAL_EXPOSURE",
    "POTENTIAL_SCHEMA",
    "identify_potential_step",
    "respondent_features",
    "train_model_step",
    "training_months",
]

# the run month's incident matches (one row per subscriber x incident): built by the potential
# step, reused by the churn step for the same month
POTENTIAL_EXPOSURE = "potential_in_exposure"
POTENTIAL_SCHEMA = pa.schema(
    [
        ("msisdn", pa.string()),
        ("kinds", pa.string()),
        ("probability", pa.float64()),
        ("cause", pa.string()),
        ("reasons_en", pa.string()),
        ("reasons_zh", pa.string()),
        ("segment", pa.string()),
        ("value", pa.float64()),
        ("incident_exposure", pa.float64()),
        ("silent", pa.bool_()),
        ("incident_hit", pa.bool_()),
        ("model_predicted", pa.bool_()),
    ]
)
_SCORES = pa.schema([("msisdn", pa.string()), ("probability", pa.float64())])
_STATS = pa.schema([("msisdn", pa.string()), ("silent", pa.int64()), ("incident_matched", pa.int64())])


def training_months(ctx: RunContext) -> list[str]:
    """The identifier's training months (:func:`cxradar.identify.window.training_window`): the
    last ``train_window_months``, reaching back while respondents are few (counted once per run)."""
    if "training_months" not in ctx.results:
        p = ctx.config.potential
        counts: dict[str, int] = {}
        for month in ctx.months_back(p.train_max_window_months):
            start, end = month_bounds(month)
            counts[month] = int(
                ctx.engine.fetch(
                    f"SELECT COUNT(DISTINCT msisdn) AS n FROM surveys "
                    f"WHERE answered_at >= {_lit(start)} AND answered_at < {_lit(end)}"
                )["n"].iloc[0]
            )
        ctx.results["training_months"] = training_window(
            ctx.month,
            counts,
            shortest=p.train_window_months,
            longest=p.train_max_window_months,
            min_respondents=p.train_min_respondents,
        )
    return list(ctx.results["training_months"])


def respondent_features(ctx: RunContext, months: list[str]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The survey answers of ``months`` and, per month, the features of that month's respondents."""
    start, _ = month_bounds(months[0])
    _, end = month_bounds(months[-1])
    surveys = ctx.engine.fetch(
        f"SELECT * FROM surveys WHERE answered_at >= {_lit(start)} AND answered_at < {_lit(end)} "
        "ORDER BY msisdn, answered_at"
    )
    features: dict[str, pd.DataFrame] = {}
    for month in months:
        m_start, m_end = month_bounds(month)
        features[month] = ctx.engine.fetch(
            f"SELECT f.* FROM {ctx.features[month]} AS f WHERE f.msisdn IN (SELECT msisdn FROM surveys "
            f"WHERE answered_at >= {_lit(m_start)} AND answered_at < {_lit(m_end)}) ORDER BY f.msisdn"
        )
    return surveys, features


def train_model_step(ctx: RunContext) -> dict[str, Any]:
    """Fit the survey-trained classifier on the training window's respondents."""
    p = ctx.config.potential
    surveys, features = respondent_features(ctx, training_months(ctx))
    surveyed = {m: f for m, f in features.items() if len(f)}
    surveyed.setdefault(ctx.month, features[ctx.month])
    fitted = train_identifier(surveys, surveyed, ctx.month, p, ctx.model_kind)
    ctx.results["model"] = fitted
    return {"rows_in": sum(len(f) for f in features.values()), "rows_out": fitted.report["n_train"]}


def _labels() -> dict[str, dict[str, str]]:
    catalog = feature_catalog()
    return {str(r.name): {"en": str(r.en), "zh": str(r.zh)} for r in catalog.itertuples(index=False)}


def _potential_shard(
    frames: dict[str, pd.DataFrame],
    *,
    month: str,
    fitted: FittedIdentifier,
    config: PotentialConfig,
    labels: dict[str, dict[str, str]],
) -> dict[str, pd.DataFrame]:
    feats, subs = frames["features"], frames["subscribers"]
    probability = fitted.score(feats) if len(feats) else pd.Series(dtype="float64").to_numpy()
    silent = channel_silent(
        feats["msisdn"],
        month,
        contacts=frames["contacts"],
        complaints=frames["complaints"],
        surveys=frames["surveys"],
        window_months=config.silent_window_months,
    )
    exposure = frames["exposure"].astype({"cells": "object", "district": "object"})
    exposure[["cells", "district"]] = exposure[["cells", "district"]].fillna("")
    hits = summarise_hits(exposure.assign(start=pd.to_datetime(exposure["start"])))
    _, end = month_bounds(month)
    gone = subs.loc[(subs["status"].astype(str) == "churned") & (pd.to_datetime(subs["status_date"]) < end)]
    exclude = set(frames["pool"]["msisdn"].astype(str)) | set(gone["msisdn"].astype(str))
    flagged = flag_kinds(
        feats, probability, fitted.threshold, exclude=exclude, silent=silent, hits=hits, config=config
    )
    need = flagged.loc[flagged["model_predicted"] | flagged["silent"], "msisdn"]
    rows = feats.set_index(feats["msisdn"].astype(str)).loc[need.to_numpy(), fitted.columns]
    if len(rows):
        expl = explain(fitted.model, rows.reset_index(drop=True), top=3, labels=labels)
        expl.index = pd.Index(need.to_numpy(), name="msisdn")
        expl["factor_names"] = [
            [f["feature"] for f in fs if f["direction"] == "up"] for fs in expl["factors"]
        ]
    else:
        expl = pd.DataFrame({"reasons_en": [], "reasons_zh": [], "factor_names": []})
    potential = describe_potential(flagged, hits=hits, explanations=expl, config=config)
    return {
        "potential": potential,
        "scores": pd.DataFrame({"msisdn": feats["msisdn"].astype(str), "probability": probability}),
        "stats": pd.DataFrame(
            {"msisdn": [""], "silent": [int(silent.sum())], "incident_matched": [len(hits)]}
        ),
    }


def identify_potential_step(ctx: RunContext) -> dict[str, Any]:
    """Score every subscriber; flag the silent, incident-hit and model-predicted outside the pool."""
    engine, p, month = ctx.engine, ctx.config.potential, ctx.month
    silent_start, _ = month_bounds(month_shift(month, -(p.silent_window_months - 1)))
    _, end = month_bounds(month)
    for name, table, column in (
        ("potential_in_contacts", "contacts", '"at"'),
        ("potential_in_complaints", "complaints", "opened_at"),
        ("potential_in_surveys", "surveys", "answered_at"),
    ):
        engine.create_view(
            name,
            f"SELECT msisdn, {column} FROM {table} "
            f"WHERE {column} >= {_lit(silent_start)} AND {column} < {_lit(end)}",
        )
    engine.create_view(
        "potential_in_subscribers", "SELECT msisdn, district, status, status_date FROM subscribers"
    )
    build_incident_exposure(engine, month, p, name=POTENTIAL_EXPOSURE)
    step = ShardStep(
        name="potential",
        function=partial(
            _potential_shard,
            month=month,
            fitted=ctx.results["model"],
            config=p,
            labels=_labels(),
        ),
        inputs={
            "features": ShardInput(ctx.features[month]),
            "contacts": ShardInput("potential_in_contacts"),
            "complaints": ShardInput("potential_in_complaints"),
            "surveys": ShardInput("potential_in_surveys"),
            "exposure": ShardInput(POTENTIAL_EXPOSURE, order_by=("msisdn", "incident_id")),
            "subscribers": ShardInput("potential_in_subscribers"),
            "pool": ShardInput("pool_current", columns=("msisdn",)),
        },
        outputs={"potential": POTENTIAL_SCHEMA, "scores": _SCORES, "stats": _STATS},
    )
    counts = engine.map_shards(step, ctx.layout.work / "potential")
    size = engine.write_parquet(
        "SELECT * FROM potential_potential",
        ctx.output("potential_dissatisfied.parquet"),
        order_by="probability DESC, msisdn",
    )
    scored = engine.write_parquet(
        "SELECT * FROM potential_scores", ctx.output("scores.parquet"), order_by="msisdn"
    )
    stats = engine.fetch(
        "SELECT SUM(silent) AS silent, SUM(incident_matched) AS matched FROM potential_stats"
    )
    engine.register_parquet("potential_current", ctx.layout.current("potential_dissatisfied.parquet"))
    ctx.results["silent_count"] = int(stats["silent"].iloc[0] or 0)
    ctx.results["incident_matched"] = int(stats["matched"].iloc[0] or 0)
    ctx.results["scored_count"] = scored
    return {"rows_in": counts.rows_in.get("features"), "rows_out": size}

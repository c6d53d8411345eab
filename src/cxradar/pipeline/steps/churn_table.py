"""The churn table of the monthly run's ``churn`` step: the as-of months it needs, each month's
incident exposure (SQL), the ``churn_rows`` shard function (features + satisfaction signals +
exclusions + labels, :mod:`cxradar.churn` code on each shard's subscribers), the survey-trained
identifier those signals use, and the bounded, keyed training sample (see :mod:`.churn`)."""

import hashlib
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cxradar.churn.config import ChurnConfig
from cxradar.churn.exclusions import apply_exclusions
from cxradar.churn.labels import label_churn, passive_churn_in_window
from cxradar.churn.step import plan_months
from cxradar.engine.base import Engine, ShardInput, ShardStep
from cxradar.errors import ModelError
from cxradar.features.exposure import build_incident_exposure
from cxradar.identify.config import PotentialConfig
from cxradar.identify.predicted import FittedIdentifier, train_identifier
from cxradar.months import month_bounds, month_shift
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.steps.identify import respondent_features

__all__ = [
    "EXCLUDED_SCHEMA",
    "build_training_rows",
    "churn_signal_months",
    "exposure_by_month",
    "keyed_uniform",
    "rows_schema",
    "rows_shard",
    "signal_identifier",
]

_SIGNALS = [
    ("in_pool", pa.bool_()),
    ("dissatisfied_probability", pa.float64()),
    ("incident_exposure", pa.float64()),
]
EXCLUDED_SCHEMA = pa.schema(
    [("msisdn", pa.string()), ("month", pa.string()), ("rule", pa.string()), ("rows", pa.int64())]
)


def keyed_uniform(keys: pd.Series, salt: str) -> np.ndarray:
    """A uniform number in [0, 1) per key, from a keyed BLAKE2b hash: the same on every engine,
    shard count and row order (randomness keyed by identity, not position)."""
    secret = hashlib.blake2b(salt.encode(), digest_size=16).digest()
    out = np.empty(len(keys), dtype="float64")
    for i, key in enumerate(keys.astype(str)):
        digest = hashlib.blake2b(key.encode(), digest_size=8, key=secret).digest()
        out[i] = int.from_bytes(digest, "big") / 2.0**64
    return out


def churn_signal_months(config: ChurnConfig, month: str) -> list[str]:
    """The as-of months the churn model needs (training months and the scored month)."""
    plan = plan_months(month, config)
    return sorted(set(plan["train"]) | {month})


# ---------------------------------------------------------------------------- the churn table


def rows_shard(
    frames: dict[str, pd.DataFrame],
    *,
    months: list[str],
    observed: dict[str, bool],
    last: str,
    config: ChurnConfig,
    identifier: FittedIdentifier | None,
    schema: pa.Schema,
    with_signals: bool,
) -> dict[str, pd.DataFrame]:
    subs, usage, membership = frames["subscribers"], frames["usage"], frames["membership"]
    exposures = frames["exposure"]
    horizon = config.horizon_months
    parts, excluded = [], []
    for month in months:
        feats = frames[f"features_{month}"]
        if with_signals:
            ids = feats["msisdn"].astype(str)
            members = set(membership.loc[membership["month"] == month, "msisdn"].astype(str))
            of_month = exposures.loc[exposures["month"] == month]
            exposure = ids.map(of_month.set_index(of_month["msisdn"].astype(str))["exposure"]).fillna(0.0)
            prob = (
                identifier.score(feats)
                if identifier is not None and len(feats)
                else np.full(len(feats), np.nan)
            )
            feats = feats.assign(
                in_pool=ids.isin(members).to_numpy(),
                dissatisfied_probability=np.asarray(prob, dtype="float64"),
                incident_exposure=exposure.astype("float64").to_numpy(),
            )
        ids = feats["msisdn"].astype(str)
        passive = passive_churn_in_window(ids, month, subs, horizon) if observed[month] else None
        ex = apply_exclusions(feats, month, config, subscribers=subs, usage=usage, passive_in_window=passive)
        kept = feats.loc[ex.keep].reset_index(drop=True)
        if observed[month]:
            label = label_churn(
                kept["msisdn"], month, config.main, subscribers=subs, usage=usage, horizon=horizon, last=last
            )
            kept["label"] = label.astype("int64")
        else:
            kept["label"] = pd.array([pd.NA] * len(kept), dtype="Int64")
        kept.insert(1, "as_of_month", month)
        parts.append(kept[schema.names])
        excluded.append(pd.DataFrame({"msisdn": "", "month": month, "rule": "rows_in", "rows": [ex.n_in]}))
        excluded.append(
            pd.DataFrame(
                {"msisdn": "", "month": month, "rule": list(ex.counts), "rows": list(ex.counts.values())}
            )
        )
    return {"rows": pd.concat(parts, ignore_index=True), "excluded": pd.concat(excluded, ignore_index=True)}


def rows_schema(ctx: RunContext, month: str, with_signals: bool) -> pa.Schema:
    features = ctx.engine.fetch_arrow(f"SELECT * FROM {ctx.features[month]} LIMIT 0").schema
    fields = [features.field(0), pa.field("as_of_month", pa.string())] + [
        features.field(i) for i in range(1, len(features))
    ]
    if with_signals:
        fields += [pa.field(n, t) for n, t in _SIGNALS]
    return pa.schema([*fields, pa.field("label", pa.int64())])


def signal_identifier(
    ctx: RunContext, months: list[str], kind: str
) -> tuple[FittedIdentifier | None, dict[str, Any]]:
    notes: dict[str, Any] = {"identifier_kind": kind}
    try:
        surveys, features = respondent_features(ctx, months)
        fitted = train_identifier(surveys, features, months[-1], ctx.config.potential, kind)
    except ModelError as error:
        notes["identifier_error"] = str(error)
        return None, notes
    notes["identifier_holdout_auc"] = fitted.report["holdout"]["auc"]
    notes["identifier_respondents"] = fitted.report["n_train"] + fitted.report["n_holdout"]
    return fitted, notes


# ---------------------------------------------------------------------------- training sample


def _sample_shard(frames: dict[str, pd.DataFrame], *, rate: float, salt: str) -> dict[str, pd.DataFrame]:
    rows = frames["rows"]
    u = keyed_uniform(rows["msisdn"].astype(str) + "|" + rows["as_of_month"].astype(str), salt)
    keep = (rows["label"].astype("int64") == 1).to_numpy() | (u < rate)
    out = rows.loc[keep].copy()
    out["sample_weight"] = np.where(out["label"].astype("int64") == 1, 1.0, 1.0 / rate)
    return {"sample": out}


def build_training_rows(
    ctx: RunContext, available: list[str], schema: pa.Schema
) -> tuple[pd.DataFrame, dict[str, Any]]:
    engine, cfg = ctx.engine, ctx.churn_config
    months = ", ".join(f"'{m}'" for m in available)
    counts = engine.fetch(
        f"SELECT label, COUNT(*) AS n FROM churn_rows_rows WHERE as_of_month IN ({months}) GROUP BY label"
    )
    n = int(counts["n"].sum())
    n_pos = int(counts.loc[counts["label"] == 1, "n"].sum())
    cap = int(cfg.training.get("max_train_rows", 300_000))
    order = "as_of_month, msisdn"
    if n <= cap or n - n_pos <= 0:
        frame = engine.fetch(
            f"SELECT * FROM churn_rows_rows WHERE as_of_month IN ({months}) ORDER BY {order}"
        )
        return frame.assign(sample_weight=1.0), {"sampled": False, "rows": n, "churners": n_pos, "cap": cap}
    rate = max(1e-6, min(1.0, (cap - n_pos) / (n - n_pos)))
    salt = f"churn-sample:{cfg.training.get('sample_seed', 0)}"
    engine.create_view("churn_train_rows", f"SELECT * FROM churn_rows_rows WHERE as_of_month IN ({months})")
    sampled = pa.schema([*schema, pa.field("sample_weight", pa.float64())])
    step = ShardStep(
        "churn_sample",
        partial(_sample_shard, rate=rate, salt=salt),
        {"rows": ShardInput("churn_train_rows")},
        {"sample": sampled},
        rowwise=True,
    )
    engine.map_shards(step, ctx.layout.work / "churn_sample")
    frame = engine.fetch(f"SELECT * FROM churn_sample_sample ORDER BY {order}")
    info = {
        "sampled": True,
        "rows": n,
        "churners": n_pos,
        "cap": cap,
        "non_churner_rate": rate,
        "rows_fitted": len(frame),
        "scheme": "every churner; non-churners kept when a keyed hash of (msisdn, month) falls below the "
        "rate, each weighted 1/rate",
    }
    return frame, info


def month_literal(month: str, shift: int = 0) -> str:
    return f"DATE '{month_bounds(month_shift(month, shift))[0]:%Y-%m-%d}'"


def exposure_by_month(engine: Engine, months: list[str], potential: PotentialConfig) -> None:
    """Relation ``churn_in_exposure`` (month, msisdn, exposure): each as-of month's total incident
    exposure, by the identification step's SQL (``incident_exposure.sql``)."""
    parts = []
    for month in months:
        name = build_incident_exposure(
            engine, month, potential, name="churn_exposure_" + month.replace("-", "_")
        )
        parts.append(
            f"SELECT '{month}' AS month, msisdn, SUM(exposure) AS exposure FROM {name} GROUP BY msisdn"
        )
    engine.create_table("churn_in_exposure", " UNION ALL ".join(parts))

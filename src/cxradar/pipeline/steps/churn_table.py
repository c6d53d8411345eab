"""The churn table of the monthly run's ``churn`` step: the as-of months it needs, each month's
incident exposure (SQL), the ``churn_rows`` shard function (features + satisfaction signals +
exclusions + labels, :mod:`cxradar.churn` code on each shard's subscribers), the survey-trained
identifier those signals use, and the bounded, keyed training sample (see :mod:`.churn`)."""

import hashlib
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cxradar.churn.config import ChurnConfig
from cxradar.churn.exclusions import USAGE_COLUMNS, apply_exclusions
from cxradar.churn.label_sql import churners_sql
from cxradar.churn.labels import SUBSCRIBER_COLUMNS, label_churn, label_usage, passive_churn_in_window
from cxradar.churn.step import plan_months
from cxradar.engine.base import Engine
from cxradar.engine.params import month_params, month_start_literal
from cxradar.engine.sqlmodel import render
from cxradar.errors import ModelError
from cxradar.features.exposure import build_incident_exposure
from cxradar.features.plan import POPULATION_MODEL, feature_model_set
from cxradar.frames import is_in
from cxradar.identify.config import PotentialConfig
from cxradar.identify.predicted import FittedIdentifier, train_identifier
from cxradar.months import month_shift
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.steps.identify import respondent_features

__all__ = [
    "EXCLUDED_SCHEMA",
    "SAMPLE_KEYS",
    "build_training_rows",
    "churn_inputs",
    "churn_signal_months",
    "exposure_by_month",
    "keyed_hash_sql",
    "keyed_uniform",
    "keyed_uniform_sql",
    "rows_schema",
    "rows_shard",
    "sample_rates",
    "signal_identifier",
    "training_sample",
]

SAMPLE_KEYS = "churn_sample_keys"  # (as_of_month, msisdn, u): the training sample's lines

_SIGNALS = [
    ("in_pool", pa.bool_()),
    ("dissatisfied_probability", pa.float64()),
    ("incident_exposure", pa.float64()),
]
EXCLUDED_SCHEMA = pa.schema(
    [("msisdn", pa.string()), ("month", pa.string()), ("rule", pa.string()), ("rows", pa.int64())]
)


def keyed_uniform(keys: pd.Series, salt: str) -> np.ndarray:
    """A uniform number in [0, 1) per key: the first 8 hex digits of MD5(salt | key) over 16^8 -
    the reference of :func:`keyed_uniform_sql`, which draws the training sample in SQL on either
    engine (randomness keyed by identity, not position: the same on every engine, shard count and
    row order). Not an identifier that leaves the system, so a salted MD5 is enough."""
    out = np.empty(len(keys), dtype="float64")
    for i, key in enumerate(keys.astype(str)):
        out[i] = int(hashlib.md5(f"{salt}|{key}".encode()).hexdigest()[:8], 16) / 16.0**8
    return out


def keyed_hash_sql(key_sql: str, salt: str) -> str:
    """SQL for the hash :func:`keyed_uniform` starts from, of the text ``key_sql``."""
    return "MD5('" + salt.replace("'", "''") + f"|' || {key_sql})"


def keyed_uniform_sql(hash_column: str) -> str:
    """SQL for :func:`keyed_uniform` from a column holding :func:`keyed_hash_sql`: portable
    (DuckDB, and Spark through the transpiler) and exact - each hex digit is a binary fraction,
    so the sum is the same double on both engines."""
    return " + ".join(
        f"(INSTR('0123456789abcdef', SUBSTR({hash_column}, {k}, 1)) - 1) * {16.0**-k!r}" for k in range(1, 9)
    )


def churn_signal_months(config: ChurnConfig, month: str) -> list[str]:
    """The as-of months the churn model needs (training months and the scored month)."""
    plan = plan_months(month, config)
    return sorted(set(plan["train"]) | {month})


# ---------------------------------------------------------------------------- the churn table


def churn_inputs(engine: Engine, config: ChurnConfig, months: list[str], observed: dict[str, bool]) -> None:
    """Views ``churn_in_subscribers`` and ``churn_in_usage``: only the columns and months that
    :func:`rows_shard` reads - the exclusions read each as-of month's usage rows, the labels of an
    observed month what :func:`~cxradar.churn.labels.label_usage` says (nothing for a status
    definition) - so the shards do not carry usage_monthly's other columns and months (at 1M:
    5 of 19 columns and 4 of 6 months for the shipped definition)."""
    have = set(engine.columns("subscribers"))
    engine.create_view(
        "churn_in_subscribers",
        f"SELECT {', '.join(c for c in SUBSCRIBER_COLUMNS if c in have)} FROM subscribers",
    )
    wanted = {"msisdn", "month", *USAGE_COLUMNS}
    spans = [(m, m) for m in months]
    for m in months:
        need = label_usage(config.main, m, config.horizon_months) if observed[m] else None
        if need is not None:
            spans.append((need[0], need[1]))
            wanted |= set(need[2])
    columns = [c for c in engine.columns("usage_monthly") if c in wanted]
    where = " OR ".join(
        f"(month >= {month_start_literal(first)} AND month < {month_start_literal(last, 1)})"
        for first, last in sorted(set(spans))
    )
    engine.create_view("churn_in_usage", f"SELECT {', '.join(columns)} FROM usage_monthly WHERE {where}")


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
    rates: dict[str, tuple[float, float]] | None = None,
    scored_month: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The churn table's rows of ``months`` for one shard. With ``scored_month`` and a ``scores``
    frame (the potential step's probabilities of the run's own identifier), that month's
    dissatisfied probability is looked up rather than scored a second time."""
    subs, usage, membership = frames["subscribers"], frames["usage"], frames["membership"]
    # as datetimes once: the exclusions and labels of every month convert them (dates arrive as objects)
    subs = subs.assign(status_date=pd.to_datetime(subs["status_date"]))
    usage = usage.assign(month=pd.to_datetime(usage["month"]))
    exposures = frames["exposure"]
    horizon = config.horizon_months
    rates = rates or {}
    parts, excluded = [], []
    for month in months:
        feats = frames[f"features_{month}"]
        uniform: pd.Series | None = None  # msisdn -> the keyed uniform of the month's sampled lines
        if month in rates:  # the features of the sample's lines (and the respondents): the sample
            keys = frames["sample"].loc[frames["sample"]["as_of_month"] == month]
            uniform = keys.set_index(keys["msisdn"].astype(str))["u"]
            feats = feats.loc[is_in(feats["msisdn"], uniform.index)].reset_index(drop=True)
        if with_signals:
            ids = feats["msisdn"].astype(str)
            members = set(membership.loc[membership["month"] == month, "msisdn"].astype(str))
            of_month = exposures.loc[exposures["month"] == month]
            exposure = ids.map(of_month.set_index(of_month["msisdn"].astype(str))["exposure"]).fillna(0.0)
            if month == scored_month and "scores" in frames:
                known = frames["scores"]
                looked_up = ids.map(known.set_index(known["msisdn"].astype(str))["probability"])
                prob = looked_up.to_numpy(dtype="float64", na_value=np.nan)
            elif identifier is not None and len(feats):
                prob = identifier.score(feats)
            else:
                prob = np.full(len(feats), np.nan)
            feats = feats.assign(
                in_pool=is_in(ids, members),
                dissatisfied_probability=np.asarray(prob, dtype="float64"),
                incident_exposure=exposure.astype("float64").to_numpy(),
            )
        ids = feats["msisdn"].astype(str)
        passive = passive_churn_in_window(ids, month, subs, horizon) if observed[month] else None
        ex = apply_exclusions(feats, month, config, subscribers=subs, usage=usage, passive_in_window=passive)
        kept = feats.loc[ex.keep].reset_index(drop=True)
        kept["sample_weight"] = 1.0
        if observed[month]:
            label = label_churn(
                kept["msisdn"], month, config.main, subscribers=subs, usage=usage, horizon=horizon, last=last
            )
            kept["label"] = label.astype("int64")
            if uniform is not None:  # each class below its rate, weighted 1/rate
                churner_rate, rate = rates[month]
                draw = kept["msisdn"].astype(str).map(uniform).to_numpy()
                churner = kept["label"].to_numpy() == 1
                kept = kept.loc[np.where(churner, draw < churner_rate, draw < rate)].reset_index(drop=True)
                churner = kept["label"].to_numpy() == 1
                kept["sample_weight"] = np.where(churner, 1.0 / churner_rate, 1.0 / rate)
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
    return pa.schema([*fields, pa.field("label", pa.int64()), pa.field("sample_weight", pa.float64())])


def signal_identifier(
    ctx: RunContext, months: list[str], kind: str
) -> tuple[FittedIdentifier | None, dict[str, Any]]:
    notes: dict[str, Any] = {"identifier_kind": kind}
    ran: FittedIdentifier | None = ctx.results.get("model")
    if ran is not None and kind == ctx.model_kind:
        # the classifier the potential step uses: the signal is the list's own probability, and
        # a second cross-validated fit over every churn month's respondents is not paid for
        notes["identifier_source"] = "the run's model step (potential list)"
        notes["identifier_holdout_auc"] = ran.report["holdout"]["auc"]
        notes["identifier_respondents"] = ran.report["n_train"] + ran.report["n_holdout"]
        return ran, notes
    notes["identifier_source"] = "respondents of the churn months"
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


def _population_sql(month: str) -> str:
    (population,) = [m for m in feature_model_set().window if m.name == POPULATION_MODEL]
    return render(population, month_params(month))


def sample_rates(lines: int, churners: int, cap: int, churner_share: float) -> tuple[float, float]:
    """(churner rate, other rate) of a class-aware sample of about ``cap`` of ``lines``: churners
    fill up to ``churner_share`` of the cap - all of them when they fit - and the other lines the
    rest, so the expected sample is ``cap`` lines and neither class is left out (at 5M subscribers
    the three training months hold 577,015 churners, more than a 300,000-line cap)."""
    churner_rate = min(1.0, churner_share * cap / churners) if churners else 1.0
    others = lines - churners
    rate = min(1.0, (cap - churner_rate * churners) / others) if others else 1.0
    return churner_rate, max(1e-6, rate)


def training_sample(ctx: RunContext, months: list[str], last: str) -> dict[str, Any]:
    """The bounded training sample, drawn before any feature is built (features of the training
    months are then computed for its lines only, :func:`cxradar.features.build_feature_months`).

    Over the training ``months`` (observed ones) the lines with features (the population) are
    counted, with the churners among them (:func:`cxradar.churn.label_sql.churners_sql`). With
    more than ``training.max_train_rows``, the two classes get the rates of :func:`sample_rates`
    and relation :data:`SAMPLE_KEYS` holds the churners whose keyed uniform (hash of salt, msisdn,
    month) is below the churner rate and the other lines below the other rate; ``rows_shard``
    labels them (pandas, the definition) and keeps each line below its class's rate, weighted by
    its inverse. Exclusions apply to the sample's lines."""
    engine, cfg = ctx.engine, ctx.churn_config
    assert cfg is not None
    cap = int(cfg.training.get("max_train_rows", 300_000))
    h = cfg.horizon_months
    months = [m for m in months if month_shift(m, h) <= last]
    info: dict[str, Any] = {"sampled": False, "cap": cap, "months": months, "rates": {}}
    if not months:
        return info
    parts = []
    for month in months:
        parts.append(
            f"SELECT '{month}' AS as_of_month, p.msisdn, "
            f"CASE WHEN c.msisdn IS NULL THEN 0 ELSE 1 END AS churner "
            f"FROM ({_population_sql(month)}) AS p "
            f"LEFT JOIN ({churners_sql(cfg.main, month, h)}) AS c ON c.msisdn = p.msisdn"
        )
    engine.create_table("churn_sample_lines", " UNION ALL ".join(parts))
    counts = engine.fetch("SELECT COUNT(*) AS n, SUM(churner) AS churners FROM churn_sample_lines")
    n, n_pos = int(counts["n"].iloc[0]), int(counts["churners"].iloc[0] or 0)
    info.update({"lines": n, "churners_sql": n_pos})
    if n <= cap or n - n_pos <= 0:
        engine.drop("churn_sample_lines")
        return info
    share = float(cfg.training.get("max_churner_share", 0.5))
    churner_rate, rate = sample_rates(n, n_pos, cap, share)
    salt = f"churn-sample:{cfg.training.get('sample_seed', 0)}"
    hashed = keyed_hash_sql("msisdn || '|' || as_of_month", salt)
    engine.create_table(
        SAMPLE_KEYS,
        f"SELECT as_of_month, msisdn, u FROM (SELECT as_of_month, msisdn, churner, {keyed_uniform_sql('h')} AS u "
        f"FROM (SELECT as_of_month, msisdn, churner, {hashed} AS h FROM churn_sample_lines) AS k) AS d "
        f"WHERE (churner = 1 AND u < {churner_rate!r}) OR u < {rate!r}",
    )
    engine.drop("churn_sample_lines")
    info.update(
        {
            "sampled": True,
            "rates": dict.fromkeys(months, (churner_rate, rate)),
            "churner_rate": churner_rate,
            "non_churner_rate": rate,
            "max_churner_share": share,
            "sample_lines": engine.count(SAMPLE_KEYS),
            "scheme": "drawn before the features: churners fill up to max_churner_share of the cap (all "
            "of them when they fit), the other lines the rest; a line is kept when a keyed hash of "
            "(msisdn, month) falls below its class's rate and weighted 1/rate; exclusions then apply "
            "to the sample's lines",
        }
    )
    return info


def build_training_rows(
    ctx: RunContext, available: list[str], sample: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The labelled rows of the ``available`` training months (already the sample, with weights)."""
    months = ", ".join(f"'{m}'" for m in available)
    frame = ctx.engine.fetch(
        f"SELECT * FROM churn_rows_rows WHERE as_of_month IN ({months}) ORDER BY as_of_month, msisdn"
    )
    info = {
        **{k: v for k, v in sample.items() if k != "rates"},
        "rows": len(frame),
        "churners": int((frame["label"].astype("int64") == 1).sum()),
        "rows_fitted": len(frame),
    }
    if sample.get("sampled"):
        info["rows_represented"] = float(frame["sample_weight"].sum())
    return frame, info


def exposure_by_month(
    engine: Engine, months: list[str], potential: PotentialConfig, built: dict[str, str] | None = None
) -> None:
    """Relation ``churn_in_exposure`` (month, msisdn, exposure): each as-of month's total incident
    exposure, by the identification step's SQL (``incident_exposure.sql``). ``built`` names the
    match tables some months already have (the potential step's, of the run's month, with the same
    settings); the others are built here and dropped once summed."""
    parts, names = [], []
    built = built or {}
    try:
        for month in months:
            name = built.get(month) or build_incident_exposure(
                engine, month, potential, name="churn_exposure_" + month.replace("-", "_")
            )
            if month not in built:
                names.append(name)
            parts.append(
                f"SELECT '{month}' AS month, msisdn, SUM(exposure) AS exposure FROM {name} GROUP BY msisdn"
            )
        engine.create_table("churn_in_exposure", " UNION ALL ".join(parts))
    finally:
        for name in names:
            engine.drop(name)

"""Step ``churn``: the churn table, a bounded training sample, the scored month, group alerts.

* ``churn_rows`` (shard function): for every as-of month the model needs, the month's features
  with the satisfaction signals (pool membership from the ``pool`` step, the survey-trained
  probability, incident exposure), the exclusions and - where the window is observed - the label;
  :mod:`cxradar.churn` code as it is, on each shard's subscribers.
* training (global): the labelled rows of the training months, **sampled** when there are more than
  ``training.max_train_rows`` lines: churners up to ``max_churner_share`` of the cap (all when they
  fit) and the other lines the rest, each kept with its class's probability, fixed by a keyed hash
  of (msisdn, month), and weighted by its inverse, so the fit costs the same at 1M and
  at 20M lines while the probabilities stay those of the population. The sample is drawn in SQL
  before the features (:func:`~cxradar.pipeline.steps.churn_table.training_sample`, called by the
  ``features`` step), so the training months' features are computed for its lines only. The model
  report says so.
* scoring (row-wise shard function): every kept line of the run's month, with the multi-SIM flags
  in the same pass; the list is the top ``scoring.list_share`` by probability (SQL), and only the
  listed lines get reasons.
* group alerts (shard function keyed by ``group_id``): each corporate group in one shard.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cxradar.churn.groups import group_alerts
from cxradar.churn.model import churn_estimator, model_columns
from cxradar.churn.multisim import MULTI_SIM_COLUMNS, multi_sim_flags
from cxradar.churn.score import CHURNER_COLUMNS, feature_labels, mask_msisdn
from cxradar.churn.step import plan_months
from cxradar.engine.base import ShardInput, ShardStep
from cxradar.engine.files import atomic_write_text
from cxradar.engine.params import month_start_literal
from cxradar.errors import DataError, ModelError
from cxradar.models import kind_of, reasons_from_contributions, save_model
from cxradar.months import month_shift
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.report import json_safe
from cxradar.pipeline.steps.churn_table import (
    EXCLUDED_SCHEMA,
    SAMPLE_KEYS,
    build_training_rows,
    churn_inputs,
    churn_signal_months,
    exposure_by_month,
    keyed_uniform,
    rows_schema,
    rows_shard,
    signal_identifier,
    training_sample,
)
from cxradar.pipeline.steps.identify import POTENTIAL_EXPOSURE

__all__ = ["churn_signal_months", "churn_step", "keyed_uniform"]

_GROUP_FIELDS = [
    ("group_id", pa.string()),
    ("month", pa.string()),
    ("members", pa.int64()),
    ("members_left", pa.int64()),
    ("forward_now", pa.float64()),
    ("forward_base", pa.float64()),
    ("forward_member_share", pa.float64()),
    ("spend_now", pa.float64()),
    ("spend_base", pa.float64()),
    ("forward_ratio", pa.float64()),
    ("spend_change", pa.float64()),
    ("left_share", pa.float64()),
    ("at_risk_share", pa.float64()),
    ("forward_surge", pa.bool_()),
    ("spend_drop", pa.bool_()),
    ("at_risk", pa.bool_()),
    ("members_left_flag", pa.bool_()),
    ("n_signals", pa.int64()),
    ("alert", pa.bool_()),
    ("evidence_en", pa.string()),
    ("evidence_zh", pa.string()),
]
_CHURNERS = pa.schema(
    [
        ("rank", pa.int64()),
        ("msisdn", pa.string()),
        ("msisdn_masked", pa.string()),
        ("probability", pa.float64()),
        ("value", pa.float64()),
        ("retention_value", pa.float64()),
        ("value_rank", pa.int64()),
        ("segment", pa.string()),
        ("group_id", pa.string()),
        ("reasons_en", pa.string()),
        ("reasons_zh", pa.string()),
    ]
)
_MULTI_SIM = pa.schema(
    [
        ("msisdn", pa.string()),
        ("segment", pa.string()),
        ("avg_spend_6m", pa.float64()),
        ("incoming_outgoing_ratio_3m", pa.float64()),
        ("reason_en", pa.string()),
        ("reason_zh", pa.string()),
    ]
)


# ---------------------------------------------------------------------------- scoring


def _score_shard(
    frames: dict[str, pd.DataFrame], *, model: Any, value_column: str, multi_sim: dict[str, Any]
) -> dict[str, pd.DataFrame]:
    """The month's probabilities and values, and - in the same pass over the rows - the
    multi-SIM flags (:func:`cxradar.churn.multisim.multi_sim_flags`)."""
    rows = frames["rows"]
    columns = list(model.feature_names_in_)
    p = model.predict_proba(rows[columns])[:, 1] if len(rows) else np.zeros(0)
    value = (
        pd.to_numeric(rows[value_column], errors="coerce")
        if value_column in rows
        else pd.Series(0.0, index=rows.index)
    )
    return {
        "scores": pd.DataFrame(
            {
                "msisdn": rows["msisdn"].astype(str),
                "probability": np.asarray(p, dtype="float64"),
                "value": np.nan_to_num(value.to_numpy(dtype="float64"), nan=0.0),
            }
        ),
        "flags": multi_sim_flags(rows, multi_sim)[MULTI_SIM_COLUMNS],
    }


def _reasons_shard(
    frames: dict[str, pd.DataFrame], *, model: Any, top: int, labels: dict[str, dict[str, str]]
) -> dict[str, pd.DataFrame]:
    rows = frames["rows"]
    X = rows[list(model.feature_names_in_)].reset_index(drop=True)
    if not len(X):
        return {"reasons": pd.DataFrame({"msisdn": [], "reasons_en": [], "reasons_zh": []})}
    reasons = reasons_from_contributions(
        model.contributions(X), X, rows["probability"].to_numpy(), top=top, labels=labels, structured=False
    )
    return {
        "reasons": pd.DataFrame(
            {
                "msisdn": rows["msisdn"].astype(str).to_numpy(),
                "reasons_en": reasons["reasons_en"].to_numpy(),
                "reasons_zh": reasons["reasons_zh"].to_numpy(),
            }
        )
    }


def _groups_shard(
    frames: dict[str, pd.DataFrame], *, month: str, settings: dict[str, Any]
) -> dict[str, pd.DataFrame]:
    members, probability = frames["members"], frames["probability"]
    alerts = group_alerts(
        month,
        subscribers=members,
        usage=frames["usage"],
        settings=settings,
        probability=probability.set_index(probability["msisdn"].astype(str))["probability"],
    )
    return {"alerts": alerts}


# ---------------------------------------------------------------------------- the step


def churn_step(ctx: RunContext) -> dict[str, Any]:
    """Train on the churn table's training months (sampled), score the month, alert on groups."""
    engine, cfg, month = ctx.engine, ctx.churn_config, ctx.month
    plan = plan_months(month, cfg)
    months = churn_signal_months(cfg, month)
    last = ctx.last_usage_month()
    if last is None:
        raise DataError("usage_monthly is empty: no month is observed", fix="load the usage_monthly table")
    observed = {m: month_shift(m, cfg.horizon_months) <= last for m in months}
    with_signals = bool(cfg.training.get("satisfaction_signals", True))
    identifier, notes = (
        signal_identifier(ctx, months, str(cfg.training.get("identifier_kind", "logit")))
        if with_signals
        else (None, {})
    )
    schema = rows_schema(ctx, month, with_signals)
    p = ctx.config.potential
    churn_inputs(engine, cfg, months, observed)
    if with_signals:
        # the run month's matches are the potential step's (same SQL and settings, ctx.config.potential)
        done = {month: POTENTIAL_EXPOSURE} if engine.has(POTENTIAL_EXPOSURE) else {}
        exposure_by_month(engine, months, p, done)
    inputs = {f"features_{m}": ShardInput(ctx.features[m]) for m in months}
    inputs.update(
        {
            "subscribers": ShardInput("churn_in_subscribers"),
            "usage": ShardInput("churn_in_usage", order_by=("msisdn", "month")),
            "membership": ShardInput("pool_membership", order_by=("msisdn", "month")),
        }
    )
    if with_signals:
        inputs["exposure"] = ShardInput("churn_in_exposure", order_by=("msisdn", "month"))
    own_scores = (
        with_signals
        and identifier is not None
        and identifier is ctx.results.get("model")
        and engine.has("potential_scores")
    )
    if own_scores:  # the run month's probability is the potential list's: looked up, not scored again
        inputs["scores"] = ShardInput("potential_scores")
    sample = ctx.results.get("churn_sample") or training_sample(ctx, plan["train"], last)
    if sample["sampled"]:
        inputs["sample"] = ShardInput(SAMPLE_KEYS, order_by=("msisdn", "as_of_month"))
    rows_step = ShardStep(
        "churn_rows",
        partial(
            rows_shard,
            months=months,
            observed=observed,
            last=last,
            config=cfg,
            identifier=identifier,
            schema=schema,
            with_signals=with_signals,
            rates=sample["rates"] if sample["sampled"] else None,
            scored_month=month if own_scores else None,
        ),
        inputs,
        {"rows": schema, "excluded": EXCLUDED_SCHEMA},
    )
    engine.map_shards(rows_step, ctx.layout.work / "churn_rows")
    available = [m for m in plan["train"] if observed[m]]
    if available:
        have = set(engine.fetch("SELECT DISTINCT as_of_month AS m FROM churn_rows_rows")["m"])
        available = [m for m in available if m in have]
    if not available:
        raise DataError(
            f"no as-of month with an observed {cfg.horizon_months}-month window before {month} (data ends {last})",
            fix="score a later month, load more history, or lower horizon_months in conf/churn.yaml",
        )
    train, sampling = build_training_rows(ctx, available, sample)
    kind = str(cfg.training.get("kinds", ["gbm"])[0])
    columns = model_columns(train.drop(columns=["sample_weight"]), cfg)
    y = train["label"].astype("int64").to_numpy()
    if len(np.unique(y)) < 2:
        raise ModelError(
            f"churn training rows: the churn label has one class only ({len(y)} rows, {int(y.sum())} churners)",
            fix="use more months or subscribers, or another definition (conf/churn.yaml: definition)",
        )
    weights = train["sample_weight"].to_numpy()
    estimator = churn_estimator(cfg, kind)
    model = (
        estimator.fit(train[columns], y, sample_weight=weights)
        if sampling["sampled"]
        else estimator.fit(train[columns], y)
    )
    sc = cfg.scoring
    engine.create_view("churn_month_rows", f"SELECT * FROM churn_rows_rows WHERE as_of_month = '{month}'")
    engine.map_shards(
        ShardStep(
            "churn_score",
            partial(
                _score_shard,
                model=model,
                value_column=str(sc.get("value_column", "avg_spend_3m")),
                multi_sim=cfg.multi_sim,
            ),
            {"rows": ShardInput("churn_month_rows")},
            {
                "scores": pa.schema(
                    [("msisdn", pa.string()), ("probability", pa.float64()), ("value", pa.float64())]
                ),
                "flags": _MULTI_SIM,
            },
            rowwise=True,
        ),
        ctx.layout.work / "churn_score",
    )
    scored = engine.count("churn_score_scores")
    n_list = max(1, round(float(sc.get("list_share", 0.1)) * scored)) if scored else 0
    engine.create_table(
        "churn_top",
        f"SELECT msisdn, probability FROM churn_score_scores ORDER BY probability DESC, msisdn LIMIT {n_list}",
    )
    engine.create_table(
        "churn_listed",
        "SELECT r.*, t.probability AS probability, "
        "ROW_NUMBER() OVER (ORDER BY t.probability DESC, t.msisdn) AS list_rank "
        "FROM churn_top AS t JOIN churn_month_rows AS r ON r.msisdn = t.msisdn",
    )
    engine.map_shards(
        ShardStep(
            "churn_reasons",
            partial(_reasons_shard, model=model, top=int(sc.get("top_factors", 3)), labels=feature_labels()),
            {"rows": ShardInput("churn_listed")},
            {
                "reasons": pa.schema(
                    [("msisdn", pa.string()), ("reasons_en", pa.string()), ("reasons_zh", pa.string())]
                )
            },
            rowwise=True,
        ),
        ctx.layout.work / "churn_reasons",
    )
    months_value = float(sc.get("value_months", 12))
    churners = engine.fetch(
        "SELECT l.list_rank AS rank, l.msisdn, s.probability, s.value, "
        f"s.probability * s.value * {months_value!r} AS retention_value, "
        "CAST(l.segment AS VARCHAR) AS segment, sub.group_id, r.reasons_en, r.reasons_zh "
        "FROM churn_listed AS l JOIN churn_score_scores AS s ON s.msisdn = l.msisdn "
        "JOIN churn_reasons_reasons AS r ON r.msisdn = l.msisdn "
        "LEFT JOIN subscribers AS sub ON sub.msisdn = l.msisdn ORDER BY l.list_rank"
    )
    churners["msisdn_masked"] = mask_msisdn(churners["msisdn"]).to_numpy()
    churners["value_rank"] = churners["retention_value"].rank(ascending=False, method="first").astype("int64")
    churners = churners[CHURNER_COLUMNS]
    # corporate groups: every member of a group in one shard
    base_n = int(cfg.groups.get("baseline_months", 3))
    engine.create_view("churn_group_members", "SELECT * FROM subscribers WHERE group_id IS NOT NULL")
    engine.create_view(
        "churn_group_usage",
        "SELECT u.msisdn, u.month, u.spend, u.call_forward_count, s.group_id FROM usage_monthly AS u "
        "JOIN churn_group_members AS s ON s.msisdn = u.msisdn "
        f"WHERE u.month >= {month_start_literal(month, -base_n)} AND u.month < {month_start_literal(month, 1)}",
    )
    engine.create_view(
        "churn_group_probability",
        "SELECT p.msisdn, p.probability, s.group_id FROM churn_score_scores AS p "
        "JOIN churn_group_members AS s ON s.msisdn = p.msisdn",
    )
    engine.map_shards(
        ShardStep(
            "churn_groups",
            partial(_groups_shard, month=month, settings=cfg.groups),
            {
                "members": ShardInput("churn_group_members", key="group_id"),
                "usage": ShardInput("churn_group_usage", key="group_id", order_by=("msisdn", "month")),
                "probability": ShardInput("churn_group_probability", key="group_id"),
            },
            {"alerts": pa.schema(_GROUP_FIELDS)},
        ),
        ctx.layout.work / "churn_groups",
    )
    # outputs
    from cxradar.engine.files import atomic_write_parquet

    atomic_write_parquet(
        pa.Table.from_pandas(churners, schema=_CHURNERS, preserve_index=False),
        ctx.output("churn/churners.parquet"),
    )
    n_groups = engine.write_parquet(
        "SELECT * FROM churn_groups_alerts",
        ctx.output("churn/group_alerts.parquet"),
        order_by="alert DESC, n_signals DESC, spend_change, group_id",
    )
    n_multi = engine.write_parquet(
        "SELECT * FROM churn_score_flags",
        ctx.output("churn/multi_sim.parquet"),
        order_by="avg_spend_6m DESC, msisdn",
    )
    save_model(model, ctx.output("churn/model.json"))
    excluded = engine.fetch(
        "SELECT month, rule, SUM(rows) AS rows FROM churn_rows_excluded GROUP BY month, rule"
    )
    report = _report(ctx, plan, months, excluded, notes, sampling, model, train, available, last)
    alerts = engine.fetch(
        "SELECT * FROM churn_groups_alerts WHERE alert ORDER BY n_signals DESC, spend_change, group_id LIMIT 5"
    )
    report["counts"] = {
        "scored": scored,
        "churners_listed": len(churners),
        "groups_watched": n_groups,
        "group_alerts": int(
            engine.fetch("SELECT COUNT(*) AS n FROM churn_groups_alerts WHERE alert")["n"].iloc[0]
        ),
        "multi_sim": n_multi,
    }
    report["examples"] = churners.head(5)[
        ["msisdn_masked", "probability", "retention_value", "reasons_en", "reasons_zh"]
    ].to_dict(orient="records")
    report["group_alert_examples"] = alerts[
        ["group_id", "members", "n_signals", "evidence_en", "evidence_zh"]
    ].to_dict(orient="records")
    report = json_safe(report)
    atomic_write_text(json.dumps(report, ensure_ascii=False, indent=2), ctx.output("churn/churn_report.json"))
    report["outputs"] = {
        name: str(ctx.layout.root / "churn" / name)
        for name in (
            "churners.parquet",
            "group_alerts.parquet",
            "multi_sim.parquet",
            "model.json",
            "churn_report.json",
        )
    }
    ctx.sections["churn"] = report
    return {"rows_in": scored, "rows_out": len(churners)}


def _report(
    ctx: RunContext,
    plan: dict[str, Any],
    months: list[str],
    excluded: pd.DataFrame,
    notes: dict[str, Any],
    sampling: dict[str, Any],
    model: Any,
    train: pd.DataFrame,
    available: list[str],
    last: str,
) -> dict[str, Any]:
    from cxradar.churn.exclusions import EXCLUSION_LABELS

    cfg = ctx.churn_config
    exclusions: dict[str, Any] = {}
    for month in months:
        got = excluded.loc[excluded["month"] == month].set_index("rule")["rows"]
        rows_in = int(got.get("rows_in", 0))
        counts = {str(k): int(v) for k, v in got.items() if k != "rows_in"}
        exclusions[month] = {
            "rows_in": rows_in,
            "kept": rows_in - sum(counts.values()),
            "excluded": {
                k: {"rows": v, "en": EXCLUSION_LABELS[k][0], "zh": EXCLUSION_LABELS[k][1]}
                for k, v in counts.items()
            },
        }
    weights = train["sample_weight"].to_numpy()
    return {
        "month": ctx.month,
        "definition": {"name": cfg.main.name, "kind": cfg.main.kind, "en": cfg.main.en, "zh": cfg.main.zh},
        "horizon_months": cfg.horizon_months,
        "plan": plan,
        "exclusions": exclusions,
        "signals": notes,
        "data_ends": last,
        "model": {
            "kind": kind_of(model),
            "train_months": available,
            "n_train": sampling["rows"],
            "n_represented": sampling.get("rows_represented", sampling["rows"]),
            "n_fitted": len(train),
            "churn_rate": float(np.average(train["label"].astype("int64"), weights=weights)),
            "sampling": sampling,
        },
    }

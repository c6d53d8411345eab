"""Step ``summary``: the month's ``summary.json`` - counts per kind and cause, the pool's
movements, the model's held-out figures, example reasons (msisdn masked: 138****1234), the other
steps' sections, the outputs and where the time went. Counts are SQL aggregates over the
month's outputs, so the summary costs the same at any size."""

from __future__ import annotations

import json
from typing import Any

from cxradar.engine.files import atomic_write_text
from cxradar.identify.labels import CAUSE_LABELS, KIND_LABELS
from cxradar.msisdn import mask_one
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.report import json_safe

__all__ = ["month_summary", "write_summary_step"]

_MODEL_KEYS = ("precision", "recall", "f1", "auc", "lift_at_threshold", "top_decile_lift", "brier", "n")


def _counts(ctx: RunContext, query: str) -> dict[str, int]:
    frame = ctx.engine.fetch(query)
    return {str(k): int(v) for k, v in zip(frame.iloc[:, 0], frame.iloc[:, 1], strict=True)}


def _examples(ctx: RunContext, kind: str, n: int = 3) -> list[dict[str, Any]]:
    rows = ctx.engine.fetch(
        "SELECT msisdn, probability, cause, reasons_en, reasons_zh FROM potential_current "
        f"WHERE {kind} ORDER BY probability DESC, msisdn LIMIT {n}"
    )
    return [
        {
            "msisdn": mask_one(str(r.msisdn)),
            "probability": round(float(r.probability), 3),
            "cause": r.cause,
            "reasons_en": r.reasons_en,
            "reasons_zh": r.reasons_zh,
        }
        for r in rows.itertuples(index=False)
    ]


def month_summary(ctx: RunContext) -> dict[str, Any]:
    """Everything a person wants to see first about the month (deterministic: no clock times)."""
    engine, month = ctx.engine, ctx.month
    report = ctx.results["model"].report
    events = _counts(
        ctx,
        f"SELECT event, COUNT(*) FROM pool_history_current WHERE month = '{month}' GROUP BY event ORDER BY event",
    )
    exits = _counts(
        ctx,
        "SELECT signal, COUNT(*) AS n FROM pool_history_current "
        f"WHERE month = '{month}' AND event = 'exit' GROUP BY signal ORDER BY n DESC, signal",
    )
    validation = ctx.results["validation"]["report"]
    kinds = {}
    totals = engine.fetch(
        "SELECT COUNT(*) AS size, SUM(CASE WHEN silent THEN 1 ELSE 0 END) AS silent, "
        "SUM(CASE WHEN incident_hit THEN 1 ELSE 0 END) AS incident_hit, "
        "SUM(CASE WHEN model_predicted THEN 1 ELSE 0 END) AS model_predicted FROM potential_current"
    ).iloc[0]
    for kind in ("silent", "incident_hit", "model_predicted"):
        kinds[kind] = {
            "count": int(totals[kind] or 0),
            "en": KIND_LABELS[kind][0],
            "zh": KIND_LABELS[kind][1],
            "examples": _examples(ctx, kind),
        }
    causes = _counts(
        ctx, "SELECT cause, COUNT(*) AS n FROM potential_current GROUP BY cause ORDER BY n DESC, cause"
    )
    pool_size = engine.count("pool_current")
    return {
        "month": month,
        "data_dir": str(ctx.data_dir),
        "model_kind": ctx.model_kind,
        "engine": engine.name,
        "config": ctx.config.source,
        "validation": {
            k: validation.get(k) for k in ("rows_in", "accepted", "quarantined", "usable") if k in validation
        },
        "scored_subscribers": ctx.results.get("scored_count", 0),
        "pool": {
            "size": pool_size,
            "entered": events.get("enter", 0),
            "re_signalled": events.get("re_signal", 0),
            "exited": events.get("exit", 0),
            "exit_reasons": exits,
            "by_entry_signal": _counts(
                ctx,
                "SELECT entry_signal, COUNT(*) AS n FROM pool_current GROUP BY entry_signal "
                "ORDER BY n DESC, entry_signal",
            ),
            "by_cause": _counts(
                ctx, "SELECT cause, COUNT(*) AS n FROM pool_current GROUP BY cause ORDER BY n DESC, cause"
            ),
        },
        "potential": {
            "size": int(totals["size"] or 0),
            "silent_customers": int(ctx.results.get("silent_count", 0)),
            "kinds": kinds,
            "by_cause": {
                k: {
                    "count": v,
                    "en": CAUSE_LABELS.get(k, (k, k))[0],
                    "zh": CAUSE_LABELS.get(k, (k, k))[1],
                }
                for k, v in causes.items()
            },
        },
        "model": {
            "kind": ctx.model_kind,
            "threshold": report["threshold"],
            "rule": report["rule_text"],
            **{k: report["holdout"][k] for k in _MODEL_KEYS},
            "population": report.get("holdout_population"),
            "evaluation": report.get("evaluation"),
            "seed_floors": report.get("seed_floors"),
        },
    }


def write_summary_step(ctx: RunContext) -> dict[str, Any]:
    """Merge the steps' sections into ``summary.json`` with the outputs and the step timings."""
    summary = {**month_summary(ctx), **ctx.sections}
    atomic_write_text(
        json.dumps(json_safe(ctx.results["model"].report), ensure_ascii=False, indent=2),
        ctx.output("model_report.json"),
    )
    ctx.output("summary.json")
    summary["outputs"] = dict(sorted(ctx.outputs.items()))
    ctx.results["summary"] = summary
    return {"rows_out": 1}

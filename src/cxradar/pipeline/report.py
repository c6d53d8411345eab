"""The run's ``summary.json``: counts per kind and cause, the pool's movements, the model's
held-out headline figures, and a few example reasons (msisdn masked: 138****1234)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cxradar.identify.labels import CAUSE_LABELS, KIND_LABELS

if TYPE_CHECKING:
    from cxradar.pipeline.context import RunContext

__all__ = ["json_safe", "mask_msisdn", "run_summary"]


def mask_msisdn(msisdn: str) -> str:
    """``13812341234`` -> ``138****1234`` (lists that leave the system never show full numbers)."""
    text = str(msisdn)
    return f"{text[:3]}****{text[-4:]}" if len(text) >= 8 else "****"


def json_safe(value: Any) -> Any:
    """Plain JSON values: numpy scalars unwrapped, NaN/inf -> None, timestamps -> ISO text."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _examples(potential: pd.DataFrame, kind: str, n: int = 3) -> list[dict[str, Any]]:
    rows = potential.loc[potential[kind]].head(n)
    return [
        {
            "msisdn": mask_msisdn(str(r.msisdn)),
            "probability": round(float(str(r.probability)), 3),
            "cause": r.cause,
            "reasons_en": r.reasons_en,
            "reasons_zh": r.reasons_zh,
        }
        for r in rows.itertuples(index=False)
    ]


def run_summary(ctx: RunContext) -> dict[str, Any]:
    """Everything a person wants to see first about the month (deterministic: no clock times)."""
    pool, history, potential = ctx.results["pool"], ctx.results["pool_history"], ctx.results["potential"]
    report = ctx.results["model"].report
    month_events = history.loc[history["month"] == ctx.month, "event"].value_counts()
    exits = history.loc[
        (history["month"] == ctx.month) & (history["event"] == "exit"), "signal"
    ].value_counts()
    validation = ctx.results["validation"]["report"]
    kinds = {
        k: {
            "count": int(potential[k].sum()),
            "en": KIND_LABELS[k][0],
            "zh": KIND_LABELS[k][1],
            "examples": _examples(potential, k),
        }
        for k in ("silent", "incident_hit", "model_predicted")
    }
    causes = potential["cause"].value_counts()
    return {
        "month": ctx.month,
        "data_dir": str(ctx.data_dir),
        "model_kind": ctx.model_kind,
        "config": ctx.config.source,
        "validation": {
            k: validation.get(k) for k in ("rows_in", "accepted", "quarantined", "usable") if k in validation
        },
        "scored_subscribers": len(ctx.results["scored"]),
        "pool": {
            "size": len(pool),
            "entered": int(month_events.get("enter", 0)),
            "re_signalled": int(month_events.get("re_signal", 0)),
            "exited": int(month_events.get("exit", 0)),
            "exit_reasons": {str(k): int(v) for k, v in exits.items()},
            "by_entry_signal": {str(k): int(v) for k, v in pool["entry_signal"].value_counts().items()},
            "by_cause": {str(k): int(v) for k, v in pool["cause"].value_counts().items()},
        },
        "potential": {
            "size": len(potential),
            "silent_customers": int(ctx.results["silent_count"]),
            "kinds": kinds,
            "by_cause": {
                str(k): {
                    "count": int(v),
                    "en": CAUSE_LABELS.get(str(k), (k, k))[0],
                    "zh": CAUSE_LABELS.get(str(k), (k, k))[1],
                }
                for k, v in causes.items()
            },
        },
        "model": {
            "kind": ctx.model_kind,
            "threshold": report["threshold"],
            "rule": report["rule_text"],
            **{
                k: report["holdout"][k]
                for k in (
                    "precision",
                    "recall",
                    "f1",
                    "auc",
                    "lift_at_threshold",
                    "top_decile_lift",
                    "brier",
                    "n",
                )
            },
            "population": report.get("holdout_population"),
            "evaluation": report.get("evaluation"),
            "seed_floors": report.get("seed_floors"),
        },
        "outputs": dict(ctx.outputs),
    }

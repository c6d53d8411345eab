"""Multi-SIM big customers (一人多卡): high-value lines whose incoming calls far exceed outgoing -
a sign that a second, cheaper number (often another operator's) is used to call out, the seed's
early sign of churn of value.

High value = a segment of ``high_value_segments`` or ``avg_spend_6m`` >= ``min_value``; flagged when
``incoming_outgoing_ratio_3m`` (a feature) >= ``min_incoming_outgoing_ratio``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MULTI_SIM_COLUMNS", "evaluate_multi_sim", "multi_sim_flags"]

MULTI_SIM_COLUMNS = [
    "msisdn",
    "segment",
    "avg_spend_6m",
    "incoming_outgoing_ratio_3m",
    "reason_en",
    "reason_zh",
]


def multi_sim_flags(features: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Flagged lines of a feature table, with a sentence in en and zh."""
    spend = pd.to_numeric(features["avg_spend_6m"], errors="coerce").fillna(0.0)
    ratio = pd.to_numeric(features["incoming_outgoing_ratio_3m"], errors="coerce")
    segments = [str(s) for s in settings.get("high_value_segments", [])]
    high = features["segment"].astype(str).isin(segments) | (spend >= float(settings.get("min_value", 100.0)))
    flag = high & (ratio >= float(settings.get("min_incoming_outgoing_ratio", 3.0))).fillna(False)
    out = features.loc[
        flag.to_numpy(), ["msisdn", "segment", "avg_spend_6m", "incoming_outgoing_ratio_3m"]
    ].copy()
    out["msisdn"] = out["msisdn"].astype(str)
    out["reason_en"] = [
        f"spends {s:.0f} CNY a month but receives {r:.1f} calls for each call made (second number suspected)"
        for s, r in zip(out["avg_spend_6m"], out["incoming_outgoing_ratio_3m"], strict=True)
    ]
    out["reason_zh"] = [
        f"月均消费{s:.0f}元，被叫次数为主叫的{r:.1f}倍（疑似一人多卡）"
        for s, r in zip(out["avg_spend_6m"], out["incoming_outgoing_ratio_3m"], strict=True)
    ]
    return out.sort_values("avg_spend_6m", ascending=False, kind="mergesort").reset_index(drop=True)[
        MULTI_SIM_COLUMNS
    ]


def evaluate_multi_sim(flagged: pd.DataFrame, population: pd.Series, truth: pd.DataFrame) -> dict[str, float]:
    """Precision and recall of the flags against a truth table (msisdn, multi_sim) over ``population``."""
    pop = set(population.astype(str))
    true = set(truth.loc[truth["multi_sim"].astype(bool), "msisdn"].astype(str)) & pop
    got = set(flagged["msisdn"].astype(str)) & pop
    tp = len(true & got)
    return {
        "flagged": float(len(got)),
        "true_multi_sim": float(len(true)),
        "precision": tp / len(got) if got else float("nan"),
        "recall": tp / len(true) if true else float("nan"),
        "population": float(len(pop)),
        "base_rate": len(true) / len(pop) if pop else float(np.nan),
    }

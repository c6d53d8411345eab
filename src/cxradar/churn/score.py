"""Scoring: the likely-churner list with probability, value, top factors in words (en / zh) and
the retention-value ranking (probability x monthly value x ``value_months``).

Reasons come from :func:`cxradar.models.reasons_from_contributions` (one implementation) with the
feature catalog's labels plus the satisfaction signals' labels.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from cxradar.churn.config import ChurnConfig
from cxradar.churn.signals import SIGNAL_LABELS
from cxradar.features import feature_catalog
from cxradar.models import reasons_from_contributions
from cxradar.msisdn import mask_msisdn

__all__ = ["CHURNER_COLUMNS", "feature_labels", "score_churn"]

CHURNER_COLUMNS = [
    "rank",
    "msisdn",
    "msisdn_masked",
    "probability",
    "value",
    "retention_value",
    "value_rank",
    "segment",
    "group_id",
    "reasons_en",
    "reasons_zh",
]


@lru_cache(maxsize=1)
def _catalog_labels() -> dict[str, dict[str, str]]:
    catalog = feature_catalog()
    return {str(r.name): {"en": str(r.en), "zh": str(r.zh)} for r in catalog.itertuples(index=False)}


def feature_labels() -> dict[str, dict[str, str]]:
    """Readable en / zh names of every model input (features and satisfaction signals)."""
    return {**_catalog_labels(), **SIGNAL_LABELS}


def score_churn(
    model: Any,
    frame: pd.DataFrame,
    config: ChurnConfig,
    *,
    group_ids: pd.Series | None = None,
    explain_rows: str = "listed",
) -> tuple[pd.DataFrame, np.ndarray]:
    """Score every row of ``frame``; return (the churner list, all probabilities).

    The list holds the top ``scoring.list_share`` by probability, ranked, with value, retention
    value (and its rank) and the top factors in words. ``explain_rows='all'`` also computes the
    factors of every row (the benchmark's worst case) before the list is cut."""
    sc = config.scoring
    columns = list(model.feature_names_in_)
    X = frame[columns]
    probability = np.asarray(model.predict_proba(X)[:, 1], dtype="float64")
    value = pd.to_numeric(frame.get(sc.get("value_column", "avg_spend_3m")), errors="coerce")
    value = np.nan_to_num(np.asarray(value, dtype="float64"), nan=0.0)
    n_list = max(1, round(float(sc.get("list_share", 0.1)) * len(frame))) if len(frame) else 0
    order = np.argsort(-probability, kind="mergesort")
    chosen = order[:n_list]
    explain_idx = order if explain_rows == "all" else chosen
    rows = X.iloc[explain_idx].reset_index(drop=True)
    contrib = model.contributions(rows)
    reasons = reasons_from_contributions(
        contrib,
        rows,
        probability[explain_idx],
        top=int(sc.get("top_factors", 3)),
        labels=feature_labels(),
        structured=False,
    )
    reasons = reasons.iloc[: len(chosen)]
    ids = frame["msisdn"].astype(str).to_numpy()[chosen]
    out = pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1),
            "msisdn": ids,
            "msisdn_masked": mask_msisdn(pd.Series(ids)).to_numpy(),
            "probability": probability[chosen],
            "value": value[chosen],
            "retention_value": probability[chosen] * value[chosen] * float(sc.get("value_months", 12)),
            "segment": frame["segment"].astype(str).to_numpy()[chosen] if "segment" in frame else "",
            "group_id": (
                pd.Series(ids).map(group_ids).astype("object").to_numpy() if group_ids is not None else None
            ),
            "reasons_en": reasons["reasons_en"].to_numpy(),
            "reasons_zh": reasons["reasons_zh"].to_numpy(),
        }
    )
    out["value_rank"] = out["retention_value"].rank(ascending=False, method="first").astype("int64")
    return out[CHURNER_COLUMNS], probability

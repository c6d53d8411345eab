"""The potentially dissatisfied list (潜在不满意客户): customers not in the explicit pool, flagged as
one or more of three kinds, each with readable reasons in en and zh and a suspected primary cause.

    silent           no channel contact and no survey in the window, and model risk >= threshold
    incident_hit     weighted incident exposure >= incident_min_exposure (and risk >= its floor)
    model_predicted  model risk >= the operating threshold (cause unknown to the operator)

The cause (network / billing / service / value / unknown) is the worst incident's for incident-hit
customers, otherwise the dimension of the top risk-raising model factor (``cause_keywords``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cxradar.frames import is_in
from cxradar.identify.config import PotentialConfig
from cxradar.identify.silent import silent_sentence

__all__ = ["POTENTIAL_COLUMNS", "cause_from_factors", "describe_potential", "flag_kinds", "risk_percent"]

POTENTIAL_COLUMNS = [
    "msisdn",
    "kinds",
    "probability",
    "cause",
    "reasons_en",
    "reasons_zh",
    "segment",
    "value",
    "incident_exposure",
    "silent",
    "incident_hit",
    "model_predicted",
]
KINDS = ("silent", "incident_hit", "model_predicted")


def risk_percent(probability: np.ndarray) -> list[str]:
    """A calibrated probability as a whole percent for people: '<1' and '>99' at the ends (a model
    is never certain, so it never says 0 % or 100 %)."""
    p = np.asarray(probability, dtype="float64")
    whole = np.clip(np.round(np.nan_to_num(p) * 100), 1, 99).astype("int64").astype(str)
    return [">99" if v >= 0.995 else "<1" if v < 0.005 else w for v, w in zip(p, whole, strict=True)]


def cause_from_factors(factors: Iterable[str], keywords: dict[str, tuple[str, ...]]) -> str:
    """The first dimension whose keyword occurs in the first factor that names one; else ``unknown``."""
    for name in factors:
        for cause, words in keywords.items():
            if any(w in name for w in words):
                return cause
    return "unknown"


def flag_kinds(
    features: pd.DataFrame,
    probability: np.ndarray,
    threshold: float,
    *,
    exclude: Iterable[str],
    silent: pd.Series,
    hits: pd.DataFrame,
    config: PotentialConfig,
    value_column: str = "avg_spend_3m",
) -> pd.DataFrame:
    """One row per flagged customer (not in ``exclude``: the pool, churned lines) with kind flags."""
    ids = features["msisdn"].astype(str)
    frame = pd.DataFrame(
        {
            "msisdn": ids.to_numpy(),
            "probability": np.asarray(probability, dtype="float64"),
            "segment": features["segment"].astype(str).to_numpy() if "segment" in features else "",
            "value": pd.to_numeric(features[value_column], errors="coerce").to_numpy()
            if value_column in features
            else np.nan,
        }
    )
    frame = frame.loc[~is_in(frame["msisdn"], exclude)]
    silent_floor = threshold if config.silent_min_probability is None else config.silent_min_probability
    is_silent = frame["msisdn"].map(silent).fillna(False).astype(bool)
    exposure = frame["msisdn"].map(hits.set_index("msisdn")["exposure"]).fillna(0.0).astype("float64")
    frame = frame.assign(
        incident_exposure=exposure,
        silent=is_silent & (frame["probability"] >= silent_floor),
        incident_hit=(exposure >= config.incident_min_exposure)
        & (frame["probability"] >= config.incident_min_probability),
        model_predicted=frame["probability"] >= threshold,
    )
    flagged = frame.loc[frame[list(KINDS)].any(axis=1)].copy()
    flagged["kinds"] = [
        ";".join(k for k, on in zip(KINDS, row, strict=True) if on)
        for row in flagged[list(KINDS)].itertuples(index=False)
    ]
    return flagged.sort_values(
        ["probability", "msisdn"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def describe_potential(
    flagged: pd.DataFrame,
    *,
    hits: pd.DataFrame,
    explanations: pd.DataFrame,
    config: PotentialConfig,
) -> pd.DataFrame:
    """Add ``cause``, ``reasons_en`` and ``reasons_zh``.

    ``explanations`` is indexed by msisdn with ``reasons_en``, ``reasons_zh`` (the model's top
    risk-raising factors in words: see :func:`cxradar.models.explain`) and ``factor_names``
    (risk-raising factor names, most important first). The model's risk is shown as a whole
    percent (:func:`risk_percent`)."""
    out = flagged.copy()
    hit = hits.set_index("msisdn").reindex(out["msisdn"])
    expl = explanations.reindex(out["msisdn"])
    pct = risk_percent(out["probability"].to_numpy(dtype="float64"))
    why_en = expl["reasons_en"].fillna("").to_numpy(dtype=object)
    why_zh = expl["reasons_zh"].fillna("").to_numpy(dtype=object)
    model_en = np.array(
        [f"model risk {p} %" + (f": {w}" if w else "") for p, w in zip(pct, why_en, strict=True)],
        dtype=object,
    )
    model_zh = np.array(
        [f"模型预测不满意概率{p}%" + (f"：{w}" if w else "") for p, w in zip(pct, why_zh, strict=True)],
        dtype=object,
    )
    silent_en, silent_zh = silent_sentence(config.silent_window_months, out["probability"])
    parts_en = [
        np.where(out["incident_hit"], hit["reason_en"].fillna("").to_numpy(), ""),
        np.where(out["silent"], silent_en.to_numpy(), ""),
        np.where(out["model_predicted"] | out["silent"], model_en, ""),
    ]
    parts_zh = [
        np.where(out["incident_hit"], hit["reason_zh"].fillna("").to_numpy(), ""),
        np.where(out["silent"], silent_zh.to_numpy(), ""),
        np.where(out["model_predicted"] | out["silent"], model_zh, ""),
    ]
    out["reasons_en"] = [" | ".join(p for p in row if p) for row in zip(*parts_en, strict=True)]
    out["reasons_zh"] = [" | ".join(p for p in row if p) for row in zip(*parts_zh, strict=True)]
    factor_cause = (
        [
            cause_from_factors(f if isinstance(f, list | tuple | np.ndarray) else [], config.cause_keywords)
            for f in expl["factor_names"]
        ]
        if "factor_names" in expl
        else ["unknown"] * len(out)
    )
    out["cause"] = np.where(out["incident_hit"], hit["cause"].fillna("unknown").to_numpy(), factor_cause)
    return out[POTENTIAL_COLUMNS].reset_index(drop=True)

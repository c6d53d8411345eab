"""Behaviour versus satisfaction (seed 001): how usage and consumption relate to survey scores.

For every respondent, the usage of the month they answered in (``usage_monthly``; or a feature
table such as the output of ``cxradar.features``) is joined to their scores. Each numeric feature
is correlated with each score by Spearman (rank; robust to the skew of spend and minutes) and
Pearson, with p-values from scipy. With tens of features tested at once, p-values are controlled
for the false-discovery rate by Benjamini-Hochberg (``statsmodels.stats.multitest``).
Correlations are over respondents, unweighted: they describe association among those surveyed,
not a population figure. Features are labelled in Chinese and English from the data contract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cxradar.contract import load_contracts
from cxradar.survey.config import SurveyConfig

__all__ = ["behaviour_correlations", "feature_labels", "respondent_features"]

_SKIP = {"msisdn", "month", "w", "weight"}


def feature_labels(config: SurveyConfig) -> dict[str, tuple[str, str]]:
    """``{column: (zh, en)}`` for usage columns (from the contract) and the derived features."""
    labels: dict[str, tuple[str, str]] = {}
    contract = load_contracts().get("usage_monthly")
    if contract is not None:
        for col in contract.columns:
            en = col.description.rstrip(".") or col.name.replace("_", " ")
            labels[col.name] = (col.zh or col.name, en + (f" ({col.unit})" if col.unit else ""))
    labels.update(config.derived_labels)
    return labels


def respondent_features(
    responses: pd.DataFrame, usage: pd.DataFrame | None = None, features: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Responses joined to the respondent's usage in the answer month (and/or a feature table).

    Adds ``offnet_ratio`` (off-net share of minutes) and ``spend_per_minute`` when the usage
    columns exist. ``features`` joins on msisdn (and month when it has one).
    """
    out = responses.copy()
    if usage is not None and len(usage):
        use = usage.copy()
        use["month"] = pd.to_datetime(use["month"]).dt.to_period("M").dt.to_timestamp()
        if {"onnet_minutes", "offnet_minutes"} <= set(use.columns):
            total = use["onnet_minutes"] + use["offnet_minutes"]
            use["offnet_ratio"] = (use["offnet_minutes"] / total).where(total > 0)
        if {"spend", "voice_minutes"} <= set(use.columns):
            use["spend_per_minute"] = (use["spend"] / use["voice_minutes"]).where(use["voice_minutes"] > 0)
        clash = [c for c in use.columns if c in out.columns and c not in ("msisdn", "month")]
        out = out.merge(use.drop(columns=clash), on=["msisdn", "month"], how="left")
    if features is not None and len(features):
        keys = ["msisdn", "month"] if "month" in features.columns and "month" in out.columns else ["msisdn"]
        feats = features.copy()
        if "month" in keys:
            feats["month"] = pd.to_datetime(feats["month"]).dt.to_period("M").dt.to_timestamp()
        clash = [c for c in feats.columns if c in out.columns and c not in keys]
        out = out.merge(feats.drop(columns=clash), on=keys, how="left")
    return out


def behaviour_correlations(
    joined: pd.DataFrame,
    config: SurveyConfig,
    feature_columns: list[str] | None = None,
    labels: dict[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Spearman and Pearson correlation of each feature with each score, BH-adjusted, ranked by |rho|.

    ``joined`` is :func:`respondent_features` output. ``feature_columns`` defaults to the numeric
    columns that are neither scores, survey items nor keys. Pairs with fewer than
    ``config.min_respondents`` complete answers or a constant column are left out.
    """
    from statsmodels.stats.multitest import multipletests

    scores = [s for s in config.behaviour_scores if s in joined.columns]
    if feature_columns is None:
        contracts = load_contracts()
        survey_like = set(contracts["surveys"].column_names) if "surveys" in contracts else set()
        feature_columns = [
            c
            for c in joined.columns
            if c not in _SKIP
            and c not in survey_like
            and c not in scores
            and pd.api.types.is_numeric_dtype(joined[c])
            and not pd.api.types.is_bool_dtype(joined[c])
        ]
    labels = labels if labels is not None else feature_labels(config)
    rows = []
    for score in scores:
        for feature in feature_columns:
            pair = joined[[score, feature]].apply(pd.to_numeric, errors="coerce").dropna()
            if len(pair) < config.min_respondents or pair[feature].nunique() < 2 or pair[score].nunique() < 2:
                continue
            rho, p_s = stats.spearmanr(pair[feature], pair[score])
            r, p_p = stats.pearsonr(pair[feature], pair[score])
            zh, en = labels.get(feature, (feature, feature.replace("_", " ")))
            rows.append(
                {
                    "score": score,
                    "feature": feature,
                    "zh": zh,
                    "en": en,
                    "n": len(pair),
                    "spearman": float(rho),
                    "spearman_p": float(p_s),
                    "pearson": float(r),
                    "pearson_p": float(p_p),
                }
            )
    columns = [
        "rank",
        "score",
        "feature",
        "zh",
        "en",
        "n",
        "spearman",
        "spearman_p",
        "spearman_q",
        "pearson",
        "pearson_p",
        "pearson_q",
        "significant",
        "direction_zh",
        "direction_en",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)
    out["spearman_q"] = multipletests(out["spearman_p"], alpha=config.fdr_alpha, method="fdr_bh")[1]
    out["pearson_q"] = multipletests(out["pearson_p"], alpha=config.fdr_alpha, method="fdr_bh")[1]
    out["significant"] = out["spearman_q"] < config.fdr_alpha
    positive = out["spearman"] > 0
    out["direction_zh"] = np.where(positive, "越高越满意", "越高越不满意")
    out["direction_en"] = np.where(
        positive, "higher goes with more satisfied", "higher goes with less satisfied"
    )
    out = out.reindex(out["spearman"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[columns]

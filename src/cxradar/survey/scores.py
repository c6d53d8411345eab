"""Survey analytics on the 1-10 ``overall`` score: distribution, bands, group comparisons, trend.

Pure functions on contract tables (``surveys`` joined to ``subscribers``). The weighting and
variance choices are described in :mod:`cxradar.survey.stats` (linearisation variance,
Wilson interval on Kish's effective n). Responses without a weight count with weight 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.errors import MissingColumnError
from cxradar.survey.config import SurveyConfig
from cxradar.survey.stats import (
    difference_test,
    pairwise_tests,
    trend_test,
    weighted_mean,
    weighted_share,
)

__all__ = [
    "band_summary",
    "compare_groups",
    "is_weighted",
    "prepare_responses",
    "score_distribution",
    "wave_trend",
]

_NEEDED = ("response_id", "msisdn", "overall")


def prepare_responses(
    surveys: pd.DataFrame, subscribers: pd.DataFrame | None, config: SurveyConfig
) -> pd.DataFrame:
    """Survey rows with ``segment``, ``district`` (from subscribers), ``core`` (core/mass), ``month``
    (first day of the answer month) and ``w`` (the weight, 1 where empty)."""
    missing = [c for c in _NEEDED if c not in surveys.columns]
    if missing:
        raise MissingColumnError(
            f"table 'surveys' lacks column(s) {missing}",
            fix="see conf/contract/surveys.yaml (cxradar validate)",
        )
    out = surveys.copy()
    if subscribers is not None and "msisdn" in subscribers.columns:
        attrs = [c for c in ("segment", "district", "brand", "customer_level") if c in subscribers.columns]
        extra = subscribers[["msisdn", *attrs]].drop_duplicates("msisdn")
        out = out.drop(columns=[c for c in attrs if c in out.columns]).merge(extra, on="msisdn", how="left")
    if "segment" in out.columns:
        out["core"] = np.where(out["segment"].isin(config.core_segments), "core", "mass")
        out.loc[out["segment"].isna(), "core"] = None
    if "answered_at" in out.columns:
        out["month"] = pd.to_datetime(out["answered_at"]).dt.to_period("M").dt.to_timestamp()
    if "wave" not in out.columns and "month" in out.columns:
        out["wave"] = out["month"].dt.strftime("%Y-%m")
    weight = out["weight"] if "weight" in out.columns else pd.Series(1.0, index=out.index)
    out["w"] = pd.to_numeric(weight, errors="coerce").fillna(1.0).astype(float)
    out["overall"] = pd.to_numeric(out["overall"], errors="coerce").astype(float)
    return out


def _weights(frame: pd.DataFrame, weighted: bool) -> np.ndarray | None:
    return frame["w"].to_numpy(float) if weighted else None


def is_weighted(responses: pd.DataFrame) -> bool:
    """True when the responses carry non-constant survey weights."""
    return "w" in responses.columns and responses["w"].nunique(dropna=True) > 1


def score_distribution(
    responses: pd.DataFrame, column: str = "overall", by: str | None = None
) -> pd.DataFrame:
    """Count and (weighted) share of each score 1-10, overall or per group of ``by``."""
    frame = responses.dropna(subset=[column])
    frame = frame.assign(score=frame[column].astype(int), _g=frame[by] if by else "all")
    frame = frame.dropna(subset=["_g"])
    rows = []
    for key, part in frame.groupby("_g", sort=True):
        counts = part.groupby("score").size().reindex(range(1, 11), fill_value=0)
        weighted = part.groupby("score")["w"].sum().reindex(range(1, 11), fill_value=0.0)
        share = weighted / weighted.sum() if weighted.sum() > 0 else weighted
        for score in range(1, 11):
            rows.append(
                {"_g": key, "score": score, "count": int(counts[score]), "share": float(share[score])}
            )
    grouped = pd.DataFrame(rows, columns=["_g", "score", "count", "share"])
    keys = [by] if by else []
    grouped = grouped.rename(columns={"_g": by}) if by else grouped.drop(columns="_g")
    return grouped[[*keys, "score", "count", "share"]]


def _summary_row(frame: pd.DataFrame, config: SurveyConfig, weighted: bool, column: str) -> dict[str, float]:
    y = frame[column].to_numpy(float)
    w = _weights(frame, weighted)
    mean = weighted_mean(y, w, config.alpha)
    valid = ~np.isnan(y)
    high = np.where(valid, (y >= config.high.min) & (y <= config.high.max), np.nan)
    low = np.where(valid, (y >= config.low.min) & (y <= config.low.max), np.nan)
    hi_est = weighted_share(high, w, config.alpha)
    lo_est = weighted_share(low, w, config.alpha)
    return {
        "n": mean.n,
        "n_eff": mean.n_eff,
        "mean": mean.estimate,
        "mean_se": mean.se,
        "mean_lo": mean.lo,
        "mean_hi": mean.hi,
        "high_share": hi_est.estimate,
        "high_lo": hi_est.lo,
        "high_hi": hi_est.hi,
        "low_share": lo_est.estimate,
        "low_lo": lo_est.lo,
        "low_hi": lo_est.hi,
    }


def band_summary(
    responses: pd.DataFrame,
    config: SurveyConfig,
    by: str | None = None,
    column: str = "overall",
    weighted: bool | None = None,
) -> pd.DataFrame:
    """Mean (with CI) and the shares of the high and low bands (with CIs), overall or per ``by`` group.

    ``weighted=None`` uses the weights when they vary.
    """
    use_w = is_weighted(responses) if weighted is None else weighted
    if by is None:
        return pd.DataFrame([{"group": "all", **_summary_row(responses, config, use_w, column)}])
    rows = [
        {by: key, **_summary_row(part, config, use_w, column)}
        for key, part in responses.dropna(subset=[by]).groupby(by, sort=True)
    ]
    return pd.DataFrame(rows)


def compare_groups(
    responses: pd.DataFrame,
    by: str,
    config: SurveyConfig,
    column: str = "overall",
    weighted: bool | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Compare groups of ``by`` (segment, core, district, wave, channel).

    Returns ``(summary, tests, pairwise)``: the per-group :func:`band_summary`; one row per measure
    (mean, high_share, low_share) with the omnibus test; and pairwise Welch tests of the mean with
    p-values adjusted by ``config.multiple_comparisons``. Groups smaller than
    ``config.min_group_size`` are summarised but left out of the tests.
    """
    if by not in responses.columns:
        raise MissingColumnError(
            f"cannot compare survey groups by '{by}': no such column",
            fix="join subscribers (segment, district) or pick one of wave, channel, core, segment, district",
        )
    use_w = is_weighted(responses) if weighted is None else weighted
    summary = band_summary(responses, config, by=by, column=column, weighted=use_w)
    sizes = responses.dropna(subset=[by, column]).groupby(by).size()
    tested = responses[responses[by].isin(sizes[sizes >= config.min_group_size].index)]
    tested = tested.dropna(subset=[column])
    y = tested[column].to_numpy(float)
    groups = tested[by].astype(str).to_numpy(object)
    w = _weights(tested, use_w)
    rows = []
    for measure, values, kind in (
        ("mean", y, "mean"),
        ("high_share", ((y >= config.high.min) & (y <= config.high.max)).astype(float), "share"),
        ("low_share", ((y >= config.low.min) & (y <= config.low.max)).astype(float), "share"),
    ):
        res = difference_test(values, groups, w, kind=kind)
        rows.append(
            {
                "by": by,
                "measure": measure,
                "test": res.test,
                "statistic": res.statistic,
                "df": res.df,
                "p_value": res.p_value,
                "significant": bool(res.p_value < config.alpha) if not np.isnan(res.p_value) else False,
            }
        )
    tests = pd.DataFrame(rows)
    pairs = pairwise_tests(y, groups, w, method=config.multiple_comparisons)
    pairs.insert(0, "by", by)
    pairs["significant"] = pairs["p_adjusted"] < config.alpha
    return summary, tests, pairs


def wave_trend(
    responses: pd.DataFrame, config: SurveyConfig, column: str = "overall", weighted: bool | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-wave summary and a test for a linear trend over waves (wave number 0, 1, 2 ... in order).

    Returns ``(per_wave, trend)``; ``trend`` has one row per measure (mean, high_share) with the
    slope per wave, its HC1 standard error and the t test.
    """
    use_w = is_weighted(responses) if weighted is None else weighted
    per_wave = band_summary(responses, config, by="wave", column=column, weighted=use_w)
    order = {wave: i for i, wave in enumerate(sorted(per_wave["wave"].astype(str)))}
    frame = responses.dropna(subset=["wave", column])
    x = frame["wave"].astype(str).map(order).to_numpy(float)
    y = frame[column].to_numpy(float)
    w = _weights(frame, use_w)
    rows = []
    for measure, values in (
        ("mean", y),
        ("high_share", ((y >= config.high.min) & (y <= config.high.max)).astype(float)),
    ):
        slope, se, res = trend_test(values, x, w)
        rows.append(
            {
                "measure": measure,
                "slope_per_wave": slope,
                "se": se,
                "t": res.statistic,
                "df": res.df,
                "p_value": res.p_value,
                "waves": len(order),
                "significant": bool(res.p_value < config.alpha) if not np.isnan(res.p_value) else False,
            }
        )
    return per_wave, pd.DataFrame(rows)

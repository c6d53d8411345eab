"""The 4S touchpoints (search, site, shopping, satisfaction): scores, importance, priorities.

* **Performance** - per touchpoint the (weighted) mean score with its interval and the share of
  the high band 8-10 (see :mod:`cxradar.survey.stats`).
* **Importance** - the effect of each touchpoint on the ``overall`` score, two ways:
  standardised regression coefficients (betas, from (weighted) least squares on z-scores, with
  HC1 robust normal intervals) and **relative importance** by the LMG / Shapley decomposition of R²
  (Lindeman, Merenda & Gold 1980; Grömping 2006): each touchpoint's average gain in R² over all
  orders of entry, which splits R² into shares that add up even when touchpoints correlate.
  LMG intervals are bootstrap percentiles. We compute LMG ourselves from the correlation matrix
  (2^p subsets, p = 4) because the maintained implementation (R ``relaimpo``) has no Python port.
* **Priority** - importance (LMG share of R²) x gap, where gap = target - mean (targets in
  ``conf/survey.yaml``); touchpoints that meet their target have no priority. Each gets a
  plain-language sentence in Chinese and English.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from cxradar.survey.config import SurveyConfig
from cxradar.survey.stats import weighted_mean, weighted_share, wls_hc1

__all__ = ["lmg_importance", "touchpoint_importance", "touchpoint_priorities", "touchpoint_scores"]

FloatArray = npt.NDArray[np.float64]


def _present(responses: pd.DataFrame, config: SurveyConfig) -> list[str]:
    return [tp.column for tp in config.touchpoints if tp.column in responses.columns]


def touchpoint_scores(
    responses: pd.DataFrame, config: SurveyConfig, weighted: bool | None = None
) -> pd.DataFrame:
    """Per touchpoint: answers, mean with interval, high-band share with interval, target and gap."""
    use_w = (responses["w"].nunique() > 1) if weighted is None else weighted
    w = responses["w"].to_numpy(float) if use_w else None
    rows = []
    for tp in config.touchpoints:
        if tp.column not in responses.columns:
            continue
        y = pd.to_numeric(responses[tp.column], errors="coerce").to_numpy(float)
        if np.isnan(y).all():
            continue  # touchpoint not asked this month
        mean = weighted_mean(y, w, config.alpha)
        high = np.where(np.isnan(y), np.nan, (y >= config.high.min) & (y <= config.high.max))
        share = weighted_share(high, w, config.alpha)
        rows.append(
            {
                "touchpoint": tp.column,
                "zh": tp.zh,
                "en": tp.en,
                "n": mean.n,
                "mean": mean.estimate,
                "mean_lo": mean.lo,
                "mean_hi": mean.hi,
                "high_share": share.estimate,
                "high_lo": share.lo,
                "high_hi": share.hi,
                "target": tp.target,
                "gap": tp.target - mean.estimate,
            }
        )
    return pd.DataFrame(rows)


def _weighted_corr(data: FloatArray, w: FloatArray) -> FloatArray:
    wn = w / w.sum()
    centred = data - wn @ data
    cov = (centred * wn[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    return np.asarray(cov / np.outer(sd, sd), dtype=float)


def _r2(corr: FloatArray, subset: tuple[int, ...]) -> float:
    """R² of the first variable on the variables ``subset`` (1-based indices into ``corr``)."""
    if not subset:
        return 0.0
    idx = list(subset)
    r_xy = corr[0, idx]
    try:
        return float(r_xy @ np.linalg.solve(corr[np.ix_(idx, idx)], r_xy))
    except np.linalg.LinAlgError:  # a constant or collinear touchpoint in a bootstrap resample
        return float("nan")


def lmg_importance(corr: npt.ArrayLike) -> FloatArray:
    """LMG (Shapley) decomposition of R² from a correlation matrix whose first row/column is y."""
    c = np.asarray(corr, dtype=float)
    p = c.shape[0] - 1
    r2 = {s: _r2(c, s) for k in range(p + 1) for s in itertools.combinations(range(1, p + 1), k)}
    shares = np.zeros(p)
    for j in range(1, p + 1):
        others = [i for i in range(1, p + 1) if i != j]
        for k in range(p):
            weight = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
            for s in itertools.combinations(others, k):
                shares[j - 1] += weight * (r2[tuple(sorted((*s, j)))] - r2[s])
    return shares


def touchpoint_importance(
    responses: pd.DataFrame, config: SurveyConfig, weighted: bool | None = None, column: str = "overall"
) -> pd.DataFrame:
    """Effect of each touchpoint on ``column``: standardised beta (HC1 CI) and LMG share of R² (bootstrap CI).

    Uses respondents who answered ``column`` and every touchpoint.
    """
    cols = _present(responses, config)
    frame = responses[[column, *cols, "w"]].apply(pd.to_numeric, errors="coerce").dropna()
    if len(cols) == 0 or len(frame) < max(config.min_group_size, len(cols) + 2):
        return pd.DataFrame(
            columns=[
                "touchpoint",
                "beta",
                "beta_lo",
                "beta_hi",
                "beta_p",
                "lmg",
                "lmg_lo",
                "lmg_hi",
                "lmg_share",
                "r2",
                "n",
            ]
        )
    use_w = (frame["w"].nunique() > 1) if weighted is None else weighted
    w = frame["w"].to_numpy(float) if use_w else np.ones(len(frame))
    data = frame[[column, *cols]].to_numpy(float)
    wn = w / w.sum()
    mean = wn @ data
    sd = np.sqrt(wn @ (data - mean) ** 2)
    sd[sd == 0] = 1.0
    z = (data - mean) / sd
    params, bse = wls_hc1(np.column_stack([np.ones(len(z)), z[:, 1:]]), z[:, 0], w)
    beta, beta_se = params[1:], bse[1:]
    crit = float(stats.norm.ppf(1 - config.alpha / 2))  # normal intervals, as for robust SEs in statsmodels
    corr = _weighted_corr(data, w)
    lmg = lmg_importance(corr)
    r2 = float(lmg.sum())
    rng = np.random.default_rng(config.random_state)
    boot = np.empty((config.touchpoint_bootstrap, len(cols)))
    for b in range(config.touchpoint_bootstrap):  # rows resampled with their weights
        idx = rng.integers(0, len(frame), len(frame))
        with np.errstate(invalid="ignore", divide="ignore"):
            boot[b] = lmg_importance(_weighted_corr(data[idx], w[idx]))
    lo, hi = np.nanpercentile(boot, [100 * config.alpha / 2, 100 * (1 - config.alpha / 2)], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pvals = 2 * stats.norm.sf(np.abs(beta / beta_se))
    return pd.DataFrame(
        {
            "touchpoint": cols,
            "beta": beta,
            "beta_lo": beta - crit * beta_se,
            "beta_hi": beta + crit * beta_se,
            "beta_p": pvals,
            "lmg": lmg,
            "lmg_lo": lo,
            "lmg_hi": hi,
            "lmg_share": lmg / r2 if r2 > 0 else np.nan,
            "r2": r2,
            "n": len(frame),
        }
    )


def touchpoint_priorities(scores: pd.DataFrame, importance: pd.DataFrame) -> pd.DataFrame:
    """Rank touchpoints by importance (LMG share of R²) x gap (target - mean), with zh/en sentences."""
    merged = scores.merge(
        importance[["touchpoint", "beta", "lmg", "lmg_share", "beta_p"]], on="touchpoint", how="left"
    )
    merged["priority"] = merged["lmg_share"].fillna(0.0) * merged["gap"].clip(lower=0.0)
    merged = merged.sort_values(["priority", "lmg_share"], ascending=False).reset_index(drop=True)
    merged["rank"] = np.arange(1, len(merged) + 1)
    zh, en = [], []
    for rec in merged.to_dict("records"):
        rank, mean, target, gap = (
            int(rec["rank"]),
            float(rec["mean"]),
            float(rec["target"]),
            float(rec["gap"]),
        )
        share = 0.0 if pd.isna(rec["lmg_share"]) else float(rec["lmg_share"])
        if gap > 0:
            zh.append(
                f"第{rank}优先：{rec['zh']}均分{mean:.2f}，低于目标{target:.1f}分"
                f"{gap:.2f}分，占总体满意度可解释差异的{share:.0%}。"
            )
            en.append(
                f"Priority {rank}: {rec['en']} scores {mean:.2f}, {gap:.2f} below its target of "
                f"{target:.1f}, and accounts for {share:.0%} of the explained variation in overall "
                "satisfaction."
            )
        else:
            zh.append(f"{rec['zh']}均分{mean:.2f}，已达到目标{target:.1f}分；保持。")
            en.append(f"{rec['en']} scores {mean:.2f}, meeting its target of {target:.1f}; keep it there.")
    merged["sentence_zh"], merged["sentence_en"] = zh, en
    return merged

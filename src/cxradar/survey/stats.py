"""Design-based statistics for weighted 1-10 survey scores: means, shares, tests of difference, trend.

Why our own small functions: scipy and statsmodels give weighted *point* estimates
(``DescrStatsW``) but their variances treat weights as frequencies, which is wrong for survey
weights (inverse sampling rates). We use the standard design-based choices instead:

* **Means** - the weighted (Hajek) mean ``sum(w*y)/sum(w)`` with the **Taylor linearisation**
  variance for a single-stage with-replacement design,
  ``var = n/(n-1) * sum(w_i^2 (y_i - ybar)^2) / (sum w)^2`` (as R ``survey::svymean`` computes
  without strata or clusters; it equals the HC1 sandwich variance of a weighted intercept-only
  regression, which the tests use as the independent reference). Intervals use Student t with
  n-1 degrees of freedom. With all weights equal this is the ordinary ``s/sqrt(n)``.
* **Shares** (high band 8-10, low band) - the weighted share with the same linearisation SE; the
  interval is the **Wilson score interval on Kish's effective sample size**
  ``n_eff = (sum w)^2 / sum(w^2)``, which stays inside [0, 1] and equals plain Wilson unweighted.
* **Differences** - unweighted: Welch t for two groups, one-way ANOVA (means) or Pearson
  chi-square (shares) for more; weighted: Welch-type t on linearised SEs for two groups and a
  Wald chi-square test of equal group estimates for more (groups treated as independent domains;
  for a share where some group has zero variance, Pearson chi-square on the weighted shares scaled
  to each group's Kish effective n).
  Pairwise p-values are adjusted for multiple comparisons (Holm by default).
* **Trend over waves** - slope of the score on the wave number by (weighted) least squares
  with HC1 robust standard errors.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

__all__ = [
    "Estimate",
    "TestResult",
    "difference_test",
    "kish_effective_n",
    "pairwise_tests",
    "trend_test",
    "weighted_mean",
    "weighted_share",
    "wilson_interval",
    "wls_hc1",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and interval."""

    estimate: float
    se: float
    lo: float
    hi: float
    n: int
    n_eff: float


@dataclass(frozen=True)
class TestResult:
    """The outcome of a test of difference or of trend."""

    test: str
    statistic: float
    df: float
    p_value: float


def _arrays(y: npt.ArrayLike, w: npt.ArrayLike | None) -> tuple[FloatArray, FloatArray]:
    values = np.asarray(y, dtype=float)
    weights = np.ones_like(values) if w is None else np.asarray(w, dtype=float)
    keep = ~np.isnan(values) & ~np.isnan(weights)
    return values[keep], weights[keep]


def kish_effective_n(w: npt.ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum(w^2)``."""
    weights = np.asarray(w, dtype=float)
    weights = weights[~np.isnan(weights)]
    total_sq = float(np.sum(weights**2))
    return float(np.sum(weights) ** 2 / total_sq) if total_sq > 0 else 0.0


def _linearised(values: FloatArray, weights: FloatArray) -> tuple[float, float]:
    total = float(weights.sum())
    mean = float(np.dot(weights, values) / total)
    n = values.size
    if n < 2:
        return mean, float("nan")
    var = n / (n - 1) * float(np.sum(weights**2 * (values - mean) ** 2)) / total**2
    return mean, float(np.sqrt(var))


def weighted_mean(y: npt.ArrayLike, w: npt.ArrayLike | None = None, alpha: float = 0.05) -> Estimate:
    """Weighted mean with the linearisation SE and a t interval (n-1 df); NaN rows are dropped."""
    values, weights = _arrays(y, w)
    n = int(values.size)
    if n == 0 or weights.sum() <= 0:
        return Estimate(float("nan"), float("nan"), float("nan"), float("nan"), n, 0.0)
    mean, se = _linearised(values, weights)
    if n < 2:
        return Estimate(mean, se, float("nan"), float("nan"), n, kish_effective_n(weights))
    half = float(stats.t.ppf(1 - alpha / 2, n - 1)) * se
    return Estimate(mean, se, mean - half, mean + half, n, kish_effective_n(weights))


def wilson_interval(share: float, n: float, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a share observed on (effective) sample size ``n``."""
    if n <= 0 or np.isnan(share):
        return float("nan"), float("nan")
    z = float(stats.norm.ppf(1 - alpha / 2))
    denom = 1 + z**2 / n
    centre = (share + z**2 / (2 * n)) / denom
    half = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / denom
    return float(centre - half), float(centre + half)


def weighted_share(indicator: npt.ArrayLike, w: npt.ArrayLike | None = None, alpha: float = 0.05) -> Estimate:
    """Weighted share of a 0/1 indicator: linearisation SE, Wilson interval on Kish's n_eff."""
    values, weights = _arrays(indicator, w)
    n = int(values.size)
    if n == 0 or weights.sum() <= 0:
        return Estimate(float("nan"), float("nan"), float("nan"), float("nan"), n, 0.0)
    share, se = _linearised(values, weights)
    n_eff = kish_effective_n(weights)
    lo, hi = wilson_interval(share, n_eff, alpha)
    return Estimate(share, se, lo, hi, n, n_eff)


def _welch_df(se1: float, n1: int, se2: float, n2: int) -> float:
    num = (se1**2 + se2**2) ** 2
    den = se1**4 / max(n1 - 1, 1) + se2**4 / max(n2 - 1, 1)
    return float(num / den) if den > 0 else float("nan")


def _two_group(a: FloatArray, wa: FloatArray, b: FloatArray, wb: FloatArray) -> TestResult:
    ma, sa = _linearised(a, wa)
    mb, sb = _linearised(b, wb)
    se = float(np.hypot(sa, sb))
    if not se > 0:
        return TestResult("welch_t", float("nan"), float("nan"), float("nan"))
    t = (ma - mb) / se
    df = _welch_df(sa, a.size, sb, b.size)
    return TestResult("welch_t", float(t), df, float(2 * stats.t.sf(abs(t), df)))


def difference_test(
    y: npt.ArrayLike,
    groups: npt.ArrayLike,
    w: npt.ArrayLike | None = None,
    kind: str = "mean",
) -> TestResult:
    """Test that ``y`` (a score, or a 0/1 indicator when ``kind="share"``) is equal across groups.

    Unweighted (``w is None``): Welch t for two groups; one-way ANOVA (``kind="mean"``) or Pearson
    chi-square (``kind="share"``) for more. Weighted: Welch-type t on linearised SEs for two groups;
    Wald chi-square on the linearised group estimates for more.
    """
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "g": np.asarray(groups, dtype=object)})
    frame["w"] = 1.0 if w is None else np.asarray(w, dtype=float)
    frame = frame.dropna()
    parts = [
        (g.to_numpy(float), gw.to_numpy(float))
        for _, (g, gw) in ((k, (d["y"], d["w"])) for k, d in frame.groupby("g", sort=True))
    ]
    parts = [p for p in parts if p[0].size >= 2]
    if len(parts) < 2:
        return TestResult("none", float("nan"), float("nan"), float("nan"))
    if len(parts) == 2 and (w is not None or kind == "mean"):
        if w is None:
            res = stats.ttest_ind(parts[0][0], parts[1][0], equal_var=False)
            return TestResult("welch_t", float(res.statistic), float(res.df), float(res.pvalue))
        return _two_group(parts[0][0], parts[0][1], parts[1][0], parts[1][1])
    if w is None and kind == "mean":
        res = stats.f_oneway(*(p[0] for p in parts))
        return TestResult("anova_f", float(res.statistic), float(len(parts) - 1), float(res.pvalue))
    if w is None:
        table = np.array([[np.sum(p[0] == 1), np.sum(p[0] == 0)] for p in parts])
        if (table.sum(axis=0) == 0).any():
            return TestResult("chi2", float("nan"), float("nan"), float("nan"))
        chi2, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
        return TestResult("chi2", float(chi2), float(dof), float(p_value))
    estimates = np.array([_linearised(v, wt) for v, wt in parts])
    means, ses = estimates[:, 0], estimates[:, 1]
    if not (ses > 0).all():
        if kind != "share":
            return TestResult("wald_chi2", float("nan"), float("nan"), float("nan"))
        # A group with no (or only) answers in the band has zero variance, so the Wald test is
        # undefined: fall back to Pearson chi-square on weighted shares scaled to Kish's n_eff.
        n_eff = np.array([kish_effective_n(wt) for _, wt in parts])
        table = np.column_stack([means * n_eff, (1 - means) * n_eff])
        if (table.sum(axis=0) <= 0).any():
            return TestResult("chi2_neff", float("nan"), float("nan"), float("nan"))
        chi2, p_value, dof, _ = stats.chi2_contingency(table, correction=False)
        return TestResult("chi2_neff", float(chi2), float(dof), float(p_value))
    precision = 1 / ses**2
    pooled = float(np.sum(precision * means) / precision.sum())
    wald = float(np.sum(precision * (means - pooled) ** 2))
    dof = len(parts) - 1
    return TestResult("wald_chi2", wald, float(dof), float(stats.chi2.sf(wald, dof)))


def pairwise_tests(
    y: npt.ArrayLike,
    groups: npt.ArrayLike,
    w: npt.ArrayLike | None = None,
    method: str = "holm",
) -> pd.DataFrame:
    """Welch t for every pair of groups, with p-values adjusted by ``method`` (statsmodels multipletests)."""
    from statsmodels.stats.multitest import multipletests

    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "g": np.asarray(groups, dtype=object)})
    frame["w"] = 1.0 if w is None else np.asarray(w, dtype=float)
    frame = frame.dropna()
    data = {
        str(k): (d["y"].to_numpy(float), d["w"].to_numpy(float)) for k, d in frame.groupby("g", sort=True)
    }
    rows = []
    for a, b in itertools.combinations(sorted(k for k, v in data.items() if v[0].size >= 2), 2):
        res = _two_group(data[a][0], data[a][1], data[b][0], data[b][1])
        diff = _linearised(*data[a])[0] - _linearised(*data[b])[0]
        rows.append(
            {
                "group_a": a,
                "group_b": b,
                "difference": diff,
                "t": res.statistic,
                "df": res.df,
                "p_value": res.p_value,
            }
        )
    out = pd.DataFrame(rows, columns=["group_a", "group_b", "difference", "t", "df", "p_value"])
    if len(out):
        valid = out["p_value"].notna().to_numpy()
        adjusted = np.full(len(out), np.nan)
        if valid.any():
            adjusted[valid] = multipletests(out.loc[valid, "p_value"].to_numpy(), method=method)[1]
        out["p_adjusted"] = adjusted
    else:
        out["p_adjusted"] = pd.Series(dtype=float)
    return out


def wls_hc1(
    x: npt.ArrayLike, y: npt.ArrayLike, w: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """(Weighted) least squares coefficients and their HC1 robust standard errors.

    ``x`` is the design matrix (add the constant yourself). HC1 = the sandwich
    ``(X'WX)^-1 X' diag(w^2 e^2) X (X'WX)^-1`` times ``n / (n - k)``, as statsmodels' ``cov_type="HC1"``.
    """
    design = np.asarray(x, dtype=float)
    values = np.asarray(y, dtype=float)
    weights = np.ones(len(values)) if w is None else np.asarray(w, dtype=float)
    n, k = design.shape
    bread = np.linalg.pinv(design.T @ (design * weights[:, None]))
    params = bread @ (design.T @ (weights * values))
    resid = values - design @ params
    meat = design.T @ (design * (weights**2 * resid**2)[:, None])
    cov = bread @ meat @ bread * (n / max(n - k, 1))
    return params, np.sqrt(np.clip(np.diag(cov), 0.0, None))


def trend_test(
    y: npt.ArrayLike, x: npt.ArrayLike, w: npt.ArrayLike | None = None
) -> tuple[float, float, TestResult]:
    """Slope of ``y`` on ``x`` (e.g. wave number) by (weighted) least squares with HC1 SEs.

    Returns ``(slope, se, TestResult)``; the test is a t test of slope = 0 with n-2 df.
    """
    xs = np.asarray(x, dtype=float)
    frame = pd.DataFrame(
        {
            "y": np.asarray(y, dtype=float),
            "x": xs,
            "w": np.ones(len(xs)) if w is None else np.asarray(w, dtype=float),
        }
    ).dropna()
    if len(frame) < 3 or frame["x"].nunique() < 2:
        return float("nan"), float("nan"), TestResult("trend_t", float("nan"), float("nan"), float("nan"))
    design = np.column_stack([np.ones(len(frame)), frame["x"].to_numpy(float)])
    params, bse = wls_hc1(design, frame["y"].to_numpy(float), frame["w"].to_numpy(float))
    slope, se = float(params[1]), float(bse[1])
    t = slope / se if se > 0 else float("nan")
    dof = float(len(frame) - 2)
    p_value = float(2 * stats.t.sf(abs(t), dof)) if se > 0 else float("nan")
    return slope, se, TestResult("trend_t", float(t), dof, p_value)

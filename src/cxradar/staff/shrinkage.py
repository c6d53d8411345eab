"""Empirical-Bayes shrinkage of unit means (halls, agents): so a hall with 12 ratings cannot top the
ranking by luck.

The model is **normal-normal** with a **method-of-moments prior** (DerSimonian & Laird 1986):
unit ``j`` has ``n_j`` scores with mean ``y_j``; ``y_j ~ N(theta_j, s_j^2)`` with
``s_j^2 = sigma_w^2 / n_j`` (``sigma_w^2`` the pooled within-unit variance), and
``theta_j ~ N(mu, tau^2)``. With ``w_j = 1 / s_j^2``::

    Q      = sum w_j (y_j - ybar_w)^2,           ybar_w = sum w_j y_j / sum w_j
    tau^2  = max(0, (Q - (J - 1)) / (sum w_j - sum w_j^2 / sum w_j))
    mu     = sum v_j y_j / sum v_j,              v_j = 1 / (s_j^2 + tau^2)
    B_j    = s_j^2 / (s_j^2 + tau^2)             (the shrinkage factor)
    theta_j_hat = mu + (1 - B_j) (y_j - mu)
    V_j    = (1 - B_j) s_j^2 + B_j^2 / sum v_j   (Morris 1983: the second term is mu's uncertainty)

and the interval is ``theta_j_hat +- z V_j^0.5``. A unit with few scores has a large ``s_j^2``, so
a large ``B_j`` pulls it to the mean of all units. ``tau^2`` and ``mu`` are the random-effects
estimates of meta-analysis: ``tests/staff/test_shrinkage.py`` checks them against statsmodels'
``combine_effects(method_re="dl")`` and the whole estimate against a hand-computed example.
Written here (about 60 lines) because no maintained library returns the per-unit posterior
means and variances; statsmodels gives only the pooled quantities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Prior", "dersimonian_laird", "pooled_within_variance", "shrink"]


@dataclass(frozen=True)
class Prior:
    """The fitted prior: its mean, between-unit variance and the pooled within-unit variance."""

    mu: float
    tau2: float
    sigma2_within: float
    units: int


def pooled_within_variance(n: np.ndarray, var: np.ndarray) -> float:
    """``sum (n_j - 1) s_j^2 / sum (n_j - 1)`` over units with at least two scores."""
    n = np.asarray(n, dtype=float)
    var = np.nan_to_num(np.asarray(var, dtype=float))
    dof = np.clip(n - 1.0, 0.0, None)
    return float((dof * var).sum() / dof.sum()) if dof.sum() > 0 else float("nan")


def dersimonian_laird(y: np.ndarray, s2: np.ndarray) -> tuple[float, float, float]:
    """``(mu, tau2, var_mu)``: the DerSimonian-Laird random-effects mean, between-unit variance
    and the variance of the mean, from unit estimates ``y`` with sampling variances ``s2``."""
    y, s2 = np.asarray(y, dtype=float), np.asarray(s2, dtype=float)
    if len(y) == 0:
        return float("nan"), float("nan"), float("nan")
    w = 1.0 / s2
    ybar = float((w * y).sum() / w.sum())
    q = float((w * (y - ybar) ** 2).sum())
    denominator = float(w.sum() - (w**2).sum() / w.sum())
    tau2 = max(0.0, (q - (len(y) - 1)) / denominator) if denominator > 0 else 0.0
    v = 1.0 / (s2 + tau2)
    return float((v * y).sum() / v.sum()), tau2, float(1.0 / v.sum())


def shrink(
    units: pd.DataFrame, *, level: float = 0.90, min_n: int = 1, sigma2_within: float | None = None
) -> tuple[pd.DataFrame, Prior]:
    """Shrunk means of ``units`` (columns ``n``, ``mean``, ``var``: count, mean and variance of each
    unit's scores). The prior is fitted on the units with ``n >= min_n``; every unit gets an estimate.

    Adds ``se_raw``, ``shrinkage`` (B_j), ``estimate``, ``se``, ``lo``, ``hi``; returns the prior too.
    """
    out = units.copy()
    n = out["n"].to_numpy(dtype=float)
    sigma2 = sigma2_within if sigma2_within is not None else pooled_within_variance(n, out["var"].to_numpy())
    enough = n >= max(min_n, 1)
    s2 = np.where(n > 0, sigma2 / np.maximum(n, 1.0), np.inf)
    mean = out["mean"].to_numpy(dtype=float)
    if enough.sum() >= 2 and np.isfinite(sigma2) and sigma2 > 0:
        mu, tau2, var_mu = dersimonian_laird(mean[enough], s2[enough])
    else:  # nothing to learn a prior from: every unit keeps its own mean
        mu, tau2, var_mu = float(np.nanmean(mean)) if len(mean) else float("nan"), np.inf, 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(np.isinf(s2), 1.0, s2 / (s2 + tau2)) if np.isfinite(tau2) else np.zeros(len(n))
    b = np.nan_to_num(b, nan=1.0)
    estimate = mu + (1.0 - b) * np.nan_to_num(mean - mu)
    var = (1.0 - b) * np.where(np.isinf(s2), 0.0, s2) + b**2 * var_mu
    if not np.isfinite(tau2):
        var = np.where(np.isinf(s2), np.nan, s2)
    if np.isfinite(tau2) and tau2 > 0:  # a unit without scores carries the prior's spread
        var = np.where(np.isinf(s2), tau2 + var_mu, var)
    z = float(stats.norm.ppf(0.5 + level / 2.0))
    se = np.sqrt(var)
    out["se_raw"] = np.sqrt(np.where(np.isinf(s2), np.nan, s2))
    out["shrinkage"] = b
    out["estimate"] = estimate
    out["se"] = se
    out["lo"] = estimate - z * se
    out["hi"] = estimate + z * se
    prior = Prior(mu, float(tau2) if np.isfinite(tau2) else float("nan"), float(sigma2), int(enough.sum()))
    return out, prior

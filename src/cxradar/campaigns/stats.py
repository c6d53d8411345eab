"""Two-group comparisons for campaign evaluation: means and proportions.

Small closed-form functions (checked in tests against scipy and statsmodels):

* :func:`mean_diff` - difference in means with Welch's interval and p-value: the effect in the
  population the campaign's customers were drawn from (what the next campaign can expect).
* :func:`effect_on_treated` - the same difference with the interval for the effect on *this*
  campaign's treated customers. Under complete randomisation, difference - (mean effect on the
  treated) = mean(untreated outcome | treated) - mean(untreated outcome | control) exactly, whose
  variance is S0^2 (1/n_t + 1/n_c) (Neyman 1923; Imbens & Rubin 2015, ch. 6), with S0^2 the
  variance of the untreated outcome, estimated from the control group. Welch's interval uses the
  treated group's variance instead, which is too small when care helps the least satisfied most
  (the effect is negatively correlated with the untreated outcome) - it under-covers the
  campaign's own effect. The simulator's repeated campaigns check the coverage (tests).
* :func:`prop_diff` - difference in proportions with a Wald interval and the pooled
  two-proportion z-test p-value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

__all__ = ["effect_on_treated", "mean_diff", "prop_diff"]


def _nan_result(**extra: Any) -> dict[str, Any]:
    return {
        "diff": math.nan,
        "se": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "p_value": math.nan,
        **extra,
    }


def mean_diff(treated: np.ndarray, control: np.ndarray, confidence: float = 0.95) -> dict[str, Any]:
    """Mean(treated) - mean(control) with Welch's t interval and two-sided p-value."""
    t = np.asarray(treated, dtype=float)
    c = np.asarray(control, dtype=float)
    t, c = t[~np.isnan(t)], c[~np.isnan(c)]
    base = {"n_treatment": int(t.size), "n_control": int(c.size)}
    if t.size < 2 or c.size < 2:
        return _nan_result(**base, mean_treatment=float(t.mean()) if t.size else math.nan,
                           mean_control=float(c.mean()) if c.size else math.nan)  # fmt: skip
    vt, vc = t.var(ddof=1) / t.size, c.var(ddof=1) / c.size
    diff = float(t.mean() - c.mean())
    se = math.sqrt(vt + vc)
    if se == 0:
        return {**_nan_result(**base), "diff": diff, "se": 0.0, "mean_treatment": float(t.mean()),
                "mean_control": float(c.mean())}  # fmt: skip
    df = (vt + vc) ** 2 / (vt**2 / (t.size - 1) + vc**2 / (c.size - 1))
    q = float(stats.t.ppf(0.5 + confidence / 2, df))
    p = float(2 * stats.t.sf(abs(diff / se), df))
    return {
        **base,
        "mean_treatment": float(t.mean()),
        "mean_control": float(c.mean()),
        "diff": diff,
        "se": se,
        "df": float(df),
        "ci_low": diff - q * se,
        "ci_high": diff + q * se,
        "p_value": p,
    }


def effect_on_treated(treated: np.ndarray, control: np.ndarray, confidence: float = 0.95) -> dict[str, Any]:
    """Mean(treated) - mean(control); interval t(n_c - 1) x s_c x sqrt(1/n_t + 1/n_c) for the treated."""
    t = np.asarray(treated, dtype=float)
    c = np.asarray(control, dtype=float)
    t, c = t[~np.isnan(t)], c[~np.isnan(c)]
    base: dict[str, Any] = {"n_treatment": int(t.size), "n_control": int(c.size)}
    if t.size < 1 or c.size < 1:
        return _nan_result(**base)
    diff = float(t.mean() - c.mean())
    if c.size < 2:  # a point estimate, but no variance to build an interval from
        return {**_nan_result(**base), "diff": diff}
    se = float(c.std(ddof=1) * math.sqrt(1 / t.size + 1 / c.size))
    df = c.size - 1
    q = float(stats.t.ppf(0.5 + confidence / 2, df))
    p = float(2 * stats.t.sf(abs(diff / se), df)) if se > 0 else math.nan
    return {
        **base,
        "mean_treatment": float(t.mean()),
        "mean_control": float(c.mean()),
        "diff": diff,
        "se": se,
        "df": float(df),
        "ci_low": diff - q * se,
        "ci_high": diff + q * se,
        "p_value": p,
        "method": "effect on the treated; control-group variance (Neyman)",
    }


def prop_diff(x_t: int, n_t: int, x_c: int, n_c: int, confidence: float = 0.95) -> dict[str, Any]:
    """Rate(treated) - rate(control): Wald interval, pooled two-proportion z-test p-value."""
    base = {
        "n_treatment": int(n_t),
        "n_control": int(n_c),
        "events_treatment": int(x_t),
        "events_control": int(x_c),
    }
    if n_t == 0 or n_c == 0:
        return _nan_result(**base)
    pt, pc = x_t / n_t, x_c / n_c
    diff = pt - pc
    se = math.sqrt(pt * (1 - pt) / n_t + pc * (1 - pc) / n_c)
    pooled = (x_t + x_c) / (n_t + n_c)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = float(2 * stats.norm.sf(abs(diff / se0))) if se0 > 0 else math.nan
    return {**base, "rate_treatment": pt, "rate_control": pc, "diff": diff, "se": se,
            "ci_low": diff - z * se, "ci_high": diff + z * se, "p_value": p}  # fmt: skip

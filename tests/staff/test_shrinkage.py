"""The empirical-Bayes estimator against a hand computation and against statsmodels' meta-analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from cxradar.staff.shrinkage import dersimonian_laird, pooled_within_variance, shrink


def test_hand_computed_example() -> None:
    """Three halls, 4 scores each, means 6, 8, 10, within-hall variance 4 (so s^2 = 1 each).

    By hand: w = 1, ybar = 8, Q = 4 + 0 + 4 = 8, tau^2 = (8 - 2) / (3 - 3/3) = 3, mu = 8,
    B = 1 / (1 + 3) = 0.25, estimates 8 + 0.75 (y - 8) = 6.5, 8, 9.5;
    Var(mu) = 1 / (3 / 4) = 4/3, V = 0.75 * 1 + 0.25^2 * 4/3 = 0.8333..., 90 % half-width
    1.6449 * 0.91287 = 1.50158. Tolerance 1e-9 (1e-4 for the tabulated z)."""
    units = pd.DataFrame({"n": [4, 4, 4], "mean": [6.0, 8.0, 10.0], "var": [4.0, 4.0, 4.0]})
    out, prior = shrink(units, level=0.90)
    assert prior.mu == pytest.approx(8.0, abs=1e-9)
    assert prior.tau2 == pytest.approx(3.0, abs=1e-9)
    assert prior.sigma2_within == pytest.approx(4.0, abs=1e-9)
    assert out["shrinkage"].tolist() == pytest.approx([0.25] * 3, abs=1e-9)
    assert out["estimate"].tolist() == pytest.approx([6.5, 8.0, 9.5], abs=1e-9)
    assert out["se"].tolist() == pytest.approx([np.sqrt(0.75 + 0.0625 * 4 / 3)] * 3, abs=1e-9)
    assert (out["hi"] - out["estimate"]).tolist() == pytest.approx([1.50158] * 3, abs=1e-4)


def test_dersimonian_laird_equals_statsmodels_with_unequal_variances() -> None:
    """statsmodels 0.14 ``combine_effects(method_re="dl")`` is an independent implementation of the
    same estimator: tau^2, the random-effects mean and its variance agree to 1e-10."""
    rng = np.random.default_rng(3)
    y = rng.normal(7.5, 0.6, 25)
    s2 = rng.uniform(0.02, 0.8, 25)
    mu, tau2, var_mu = dersimonian_laird(y, s2)
    reference = combine_effects(y, s2, method_re="dl")
    assert tau2 == pytest.approx(reference.tau2, rel=1e-10)
    assert mu == pytest.approx(reference.mean_effect_re, rel=1e-10)
    assert var_mu == pytest.approx(reference.var_eff_w_re, rel=1e-10)


def test_few_scores_shrink_more_and_no_spread_pools_completely() -> None:
    units = pd.DataFrame(
        {"n": [3, 300, 60, 60, 60, 60], "mean": [9.8, 8.6, 7.4, 7.6, 7.8, 7.2], "var": [2.5] * 6}
    )
    out, _prior = shrink(units)
    small, large = out.iloc[0], out.iloc[1]
    assert small["shrinkage"] > 0.5 > 0.05 > large["shrinkage"]
    assert small["estimate"] < small["mean"] and large["estimate"] == pytest.approx(8.6, abs=0.05)
    assert small["estimate"] < large["estimate"]  # 3 lucky scores do not top the table
    flat, flat_prior = shrink(pd.DataFrame({"n": [10, 10, 10], "mean": [7.0, 7.1, 6.9], "var": [4.0] * 3}))
    assert flat_prior.tau2 == 0.0
    assert flat["estimate"].tolist() == pytest.approx([7.0] * 3, abs=1e-9)


def test_shrinkage_has_lower_error_than_raw_means_when_sizes_differ() -> None:
    """The point of it: over many draws of halls with very different sizes, the shrunk estimates are
    closer to the true means than the raw means (mean squared error), for any seed."""
    rng = np.random.default_rng()
    errors = {"raw": 0.0, "shrunk": 0.0}
    for _ in range(200):
        theta = rng.normal(7.6, 0.4, 30)
        n = np.maximum(2, rng.lognormal(3.0, 1.0, 30).astype(int))
        scores = [rng.normal(t, 1.5, k) for t, k in zip(theta, n, strict=True)]
        units = pd.DataFrame(
            {"n": n, "mean": [s.mean() for s in scores], "var": [s.var(ddof=1) for s in scores]}
        )
        out, _prior = shrink(units)
        errors["raw"] += float(((units["mean"] - theta) ** 2).mean())
        errors["shrunk"] += float(((out["estimate"] - theta) ** 2).mean())
    assert errors["shrunk"] < 0.85 * errors["raw"], errors


def test_units_below_the_minimum_get_an_estimate_but_do_not_fit_the_prior() -> None:
    units = pd.DataFrame({"n": [1, 50, 60, 70], "mean": [1.0, 7.0, 8.0, 7.5], "var": [np.nan, 2.0, 2.0, 2.0]})
    out, prior = shrink(units, min_n=10)
    assert prior.units == 3
    assert pooled_within_variance(units["n"].to_numpy(), units["var"].to_numpy()) == pytest.approx(2.0)
    assert 1.0 < out.iloc[0]["estimate"] < 7.5  # pulled most of the way to the prior

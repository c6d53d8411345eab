"""Weighted survey statistics against independent references (statsmodels, scipy, hand computation)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from cxradar.survey.stats import (
    difference_test,
    kish_effective_n,
    pairwise_tests,
    trend_test,
    weighted_mean,
    weighted_share,
    wilson_interval,
)


def test_weighted_mean_se_equals_hc1_sandwich_of_weighted_intercept_regression() -> None:
    # Reference: statsmodels WLS(y ~ 1, weights=w).fit(cov_type="HC1"); its intercept is the
    # Hajek mean and its HC1 SE is the with-replacement linearisation SE (survey::svymean). rtol 1e-10.
    rng = np.random.default_rng(7)
    y = rng.integers(1, 11, 300).astype(float)
    w = rng.uniform(0.5, 6.0, 300)
    fit = sm.WLS(y, np.ones((300, 1)), weights=w).fit(cov_type="HC1")
    est = weighted_mean(y, w)
    assert est.estimate == pytest.approx(float(fit.params[0]), rel=1e-12)
    assert est.se == pytest.approx(float(fit.bse[0]), rel=1e-10)
    half = stats.t.ppf(0.975, 299) * est.se
    assert est.lo == pytest.approx(est.estimate - half, rel=1e-12)


def test_hand_computed_weighted_mean() -> None:
    # y = [2, 4, 9], w = [1, 1, 2]: mean = (2+4+18)/4 = 6;
    # var = 3/2 * (1*16 + 1*4 + 4*9) / 16 = 3/2 * 56/16 = 5.25; se = sqrt(5.25). Exact.
    est = weighted_mean([2, 4, 9], [1, 1, 2])
    assert est.estimate == pytest.approx(6.0, abs=1e-12)
    assert est.se == pytest.approx(np.sqrt(5.25), abs=1e-12)
    assert est.n_eff == pytest.approx(16 / 6, abs=1e-12)  # Kish: 4^2 / (1+1+4)


def test_unweighted_mean_is_the_textbook_interval() -> None:
    # Reference: scipy.stats.sem and scipy.stats.t.interval; tolerance 1e-12.
    y = np.array([3, 7, 8, 8, 9, 10, 5, 6, 7, 2], dtype=float)
    est = weighted_mean(y)
    assert est.se == pytest.approx(stats.sem(y), rel=1e-12)
    lo, hi = stats.t.interval(0.95, len(y) - 1, loc=y.mean(), scale=stats.sem(y))
    assert (est.lo, est.hi) == pytest.approx((lo, hi), rel=1e-12)


def test_wilson_interval_matches_statsmodels() -> None:
    # Reference: statsmodels proportion_confint(method="wilson"); tolerance 1e-12.
    lo, hi = proportion_confint(37, 90, alpha=0.05, method="wilson")
    assert wilson_interval(37 / 90, 90) == pytest.approx((lo, hi), rel=1e-12)
    est = weighted_share(np.r_[np.ones(37), np.zeros(53)])
    assert (est.lo, est.hi) == pytest.approx((lo, hi), rel=1e-12)


def test_kish_effective_n() -> None:
    assert kish_effective_n([1, 1, 1, 1]) == pytest.approx(4.0)
    assert kish_effective_n([1, 3]) == pytest.approx(16 / 10)


def test_unweighted_two_group_is_scipy_welch() -> None:
    # Reference: scipy.stats.ttest_ind(equal_var=False); tolerance 1e-12.
    rng = np.random.default_rng(1)
    a, b = rng.normal(7, 1, 40), rng.normal(7.5, 2, 60)
    res = difference_test(np.r_[a, b], ["a"] * 40 + ["b"] * 60)
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert res.test == "welch_t"
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_weighted_two_group_with_equal_weights_is_close_to_welch() -> None:
    # With all weights 1 the linearised SE is s/sqrt(n): identical to Welch's test. rtol 1e-10.
    rng = np.random.default_rng(2)
    a, b = rng.normal(7, 1, 30), rng.normal(8, 1.5, 50)
    res = difference_test(np.r_[a, b], ["a"] * 30 + ["b"] * 50, np.ones(80))
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_k_groups_unweighted_use_anova_and_chi_square() -> None:
    # References: scipy.stats.f_oneway and scipy.stats.chi2_contingency(correction=False); rtol 1e-10.
    rng = np.random.default_rng(3)
    groups = np.repeat(["x", "y", "z"], 50)
    y = np.r_[rng.normal(6, 2, 50), rng.normal(7, 2, 50), rng.normal(7.5, 2, 50)]
    res = difference_test(y, groups)
    assert res.test == "anova_f"
    assert res.p_value == pytest.approx(stats.f_oneway(y[:50], y[50:100], y[100:]).pvalue, rel=1e-10)
    ind = (y > 7).astype(float)
    table = [[ind[i * 50 : (i + 1) * 50].sum(), 50 - ind[i * 50 : (i + 1) * 50].sum()] for i in range(3)]
    chi = difference_test(ind, groups, kind="share")
    assert chi.p_value == pytest.approx(stats.chi2_contingency(table, correction=False)[1], rel=1e-10)


def test_weighted_k_groups_wald_detects_a_real_difference_and_not_a_null_one() -> None:
    rng = np.random.default_rng(4)
    groups = np.repeat(["a", "b", "c"], 200)
    w = rng.uniform(1, 5, 600)
    same = rng.normal(7, 2, 600)
    shifted = same + np.repeat([0.0, 0.0, 1.5], 200)
    assert difference_test(shifted, groups, w).p_value < 1e-6
    assert difference_test(same, groups, w).test == "wald_chi2"


def test_pairwise_holm_matches_statsmodels_multipletests() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    groups = np.repeat(["a", "b", "c"], 40)
    y = rng.normal(7, 2, 120) + np.repeat([0, 0.5, 1.0], 40)
    pairs = pairwise_tests(y, groups)
    raw = [
        stats.ttest_ind(y[groups == a], y[groups == b], equal_var=False).pvalue
        for a, b in (("a", "b"), ("a", "c"), ("b", "c"))
    ]
    assert pairs["p_value"].to_numpy() == pytest.approx(raw, rel=1e-10)
    assert pairs["p_adjusted"].to_numpy() == pytest.approx(multipletests(raw, method="holm")[1], rel=1e-10)


def test_trend_slope_matches_ols_hc1() -> None:
    # Reference: statsmodels OLS(y ~ x).fit(cov_type="HC1"); rtol 1e-10.
    rng = np.random.default_rng(6)
    x = np.repeat(np.arange(5), 60).astype(float)
    y = 6 + 0.3 * x + rng.normal(0, 2, x.size)
    slope, se, res = trend_test(y, x)
    fit = sm.OLS(y, sm.add_constant(x)).fit(cov_type="HC1")
    assert slope == pytest.approx(fit.params[1], rel=1e-10)
    assert se == pytest.approx(fit.bse[1], rel=1e-10)
    assert res.p_value < 0.01


def test_nan_rows_are_ignored() -> None:
    full = weighted_mean(pd.Series([1.0, np.nan, 3.0]), [1.0, 5.0, 1.0])
    assert full.estimate == pytest.approx(2.0)
    assert full.n == 2


def test_wls_hc1_matches_statsmodels() -> None:
    # Reference: statsmodels WLS(y, X, weights=w).fit(cov_type="HC1"); params and bse, rtol 1e-9.
    from cxradar.survey.stats import wls_hc1

    rng = np.random.default_rng(8)
    x = sm.add_constant(rng.normal(size=(250, 3)))
    w = rng.uniform(0.2, 4.0, 250)
    y = x @ [1.0, 0.5, -0.3, 0.0] + rng.normal(0, 1 + np.abs(x[:, 1]), 250)
    params, bse = wls_hc1(x, y, w)
    fit = sm.WLS(y, x, weights=w).fit(cov_type="HC1")
    assert params == pytest.approx(fit.params, rel=1e-9)
    assert bse == pytest.approx(fit.bse, rel=1e-9)


def test_weighted_share_with_an_empty_group_falls_back_to_chi_square_on_effective_n() -> None:
    # Group "a" has no answers in the band (zero variance): the Wald test is undefined, so the
    # shares are compared by Pearson chi-square on counts scaled to Kish's n_eff. With equal
    # weights n_eff = n, so it equals scipy.stats.chi2_contingency on the raw counts (rtol 1e-10).
    ind = np.r_[np.zeros(30), np.ones(12), np.zeros(18), np.ones(20), np.zeros(20)]
    groups = ["a"] * 30 + ["b"] * 30 + ["c"] * 40
    res = difference_test(ind, groups, np.full(100, 2.0), kind="share")
    assert res.test == "chi2_neff"
    ref = stats.chi2_contingency([[0, 30], [12, 18], [20, 20]], correction=False)
    assert res.p_value == pytest.approx(ref[1], rel=1e-10)

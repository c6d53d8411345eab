"""Two-group comparisons checked against scipy and statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from cxradar.campaigns.stats import effect_on_treated, mean_diff, prop_diff


def test_welch_matches_scipy_and_statsmodels() -> None:
    rng = np.random.default_rng(11)
    t, c = rng.normal(7.5, 2.0, 300), rng.normal(7.0, 1.5, 80)
    r = mean_diff(t, c)
    assert r["p_value"] == pytest.approx(stats.ttest_ind(t, c, equal_var=False).pvalue, rel=1e-10)
    low, high = CompareMeans(DescrStatsW(t), DescrStatsW(c)).tconfint_diff(alpha=0.05, usevar="unequal")
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low, high), rel=1e-10)


def test_effect_on_treated_uses_the_control_variance() -> None:
    t = np.array([8.0, 9.0, 7.0, 8.0])
    c = np.array([6.0, 7.0, 5.0])
    r = effect_on_treated(t, c)
    # by hand: diff = 8 - 6 = 2; s_c = 1; se = sqrt(1/4 + 1/3); t quantile with 2 df
    se = math.sqrt(1 / 4 + 1 / 3)
    assert r["diff"] == pytest.approx(2.0)
    assert r["se"] == pytest.approx(se)
    assert r["ci_high"] - r["diff"] == pytest.approx(stats.t.ppf(0.975, 2) * se)
    assert r["p_value"] == pytest.approx(2 * stats.t.sf(2 / se, 2))


def test_proportions_match_statsmodels() -> None:
    r = prop_diff(30, 1000, 25, 400)
    _, p = proportions_ztest([30, 25], [1000, 400])  # pooled z-test
    assert r["p_value"] == pytest.approx(p, rel=1e-10)
    se = math.sqrt(0.03 * 0.97 / 1000 + 0.0625 * 0.9375 / 400)
    assert r["diff"] == pytest.approx(-0.0325)
    assert r["ci_low"] == pytest.approx(-0.0325 - stats.norm.ppf(0.975) * se)


def test_empty_groups_give_nan_not_errors() -> None:
    assert math.isnan(mean_diff(np.array([1.0]), np.array([2.0, 3.0]))["diff"])
    assert math.isnan(prop_diff(0, 0, 1, 10)["diff"])

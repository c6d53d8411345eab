"""The expected-recovery study (cxradar.staff.headroom) against hand computations and limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cxradar.staff.headroom import ORDERINGS, discrete_posterior_mean, expected_recovery


def test_discrete_posterior_mean_by_hand() -> None:
    """Support {0, 1}, equal prior weights, y ~ N(theta, s2). By hand: y = 0.5, s2 = 1 lies midway,
    so the mean is 0.5; y = 1, s2 = 1: weights exp(-1/2) : 1, mean 1 / (1 + e^-0.5) = 0.622459;
    y = 0, s2 = 0.25: weights 1 : exp(-2), mean e^-2 / (1 + e^-2) = 0.119203. Tolerance 1e-6."""
    means = discrete_posterior_mean(
        np.array([0.5, 1.0, 0.0]), np.array([1.0, 1.0, 0.25]), np.array([0.0, 1.0])
    )
    assert means.tolist() == pytest.approx(
        [0.5, 1.0 / (1.0 + math.exp(-0.5)), math.exp(-2.0) / (1.0 + math.exp(-2.0))], abs=1e-6
    )
    assert means[2] == pytest.approx(0.119203, abs=1e-6)


def test_far_apart_means_are_never_moved() -> None:
    """A unit 100 sampling sds from the other support points keeps its own value."""
    assert discrete_posterior_mean(np.array([5.0]), np.array([0.01]), np.array([5.0, 6.0, 7.0]))[
        0
    ] == pytest.approx(5.0, abs=1e-12)


def test_without_noise_every_ordering_finds_the_true_bottom() -> None:
    theta = np.linspace(6.0, 8.0, 40)
    out = expected_recovery(theta, np.full(40, 1e-8), replicates=5, draws=20)
    for name in ORDERINGS:
        assert out[name]["precision"] == 1.0 and out[name]["spearman"] == pytest.approx(1.0), name


def test_with_equal_sizes_shrinkage_orders_as_the_raw_means() -> None:
    """Equal sampling variances give every unit the same shrinkage factor: the shrunk estimate is
    an increasing function of the mean, so both orderings score exactly the same on every draw."""
    rng = np.random.default_rng(5)
    theta = rng.normal(7.5, 0.4, 60)
    out = expected_recovery(theta, np.full(60, 0.05), replicates=30, draws=50, seed=2)
    assert out["shrunk"]["precision"] == out["raw"]["precision"]
    assert out["shrunk"]["spearman"] == pytest.approx(out["raw"]["spearman"], abs=1e-12)


def test_pure_noise_recovers_at_chance() -> None:
    """When the noise swamps the spread, the bottom list is a random draw: precision about
    k / J = 0.1 for every ordering (0.1 +- 0.05 over 300 replicates of 80 units)."""
    rng = np.random.default_rng(9)
    theta = rng.normal(7.5, 0.05, 80)
    out = expected_recovery(theta, np.full(80, 25.0), replicates=300, draws=30, seed=4)
    for name in ORDERINGS:
        assert out[name]["precision"] == pytest.approx(0.1, abs=0.05), name


def test_the_oracle_beats_raw_means_when_small_units_are_noisy() -> None:
    """Half the units tiny (very noisy), half large: raw means fill the bottom list with unlucky
    tiny units, the oracle orderings do not - the study does tell orderings apart."""
    rng = np.random.default_rng(1)
    theta = rng.normal(7.5, 0.4, 60)
    s2 = np.where(np.arange(60) % 2 == 0, 1.0, 0.001)
    out = expected_recovery(theta, s2, replicates=100, draws=100, seed=3)
    assert out["oracle_bottom"]["precision"] > out["raw"]["precision"] + 0.1
    assert out["shrunk"]["spearman"] > out["raw"]["spearman"]

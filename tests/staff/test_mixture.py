"""The two-group mixture prior (cxradar.staff.mixture) against scikit-learn and numerical integration."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy import integrate, stats
from sklearn.mixture import GaussianMixture

from cxradar.staff.mixture import fit_mixture_prior


def _two_groups(rng: np.random.Generator, units: int, s2: np.ndarray) -> np.ndarray:
    weak = rng.random(units) < 0.15
    theta = np.where(weak, rng.normal(6.4, 0.25, units), rng.normal(7.6, 0.35, units))
    return theta + rng.normal(0.0, np.sqrt(s2))


def test_equal_sampling_variances_equal_sklearn_gaussian_mixture() -> None:
    """With every s_j^2 = s^2 the marginal is an ordinary two-component Gaussian mixture with
    variances tau_g^2 + s^2. scikit-learn 1.9 ``GaussianMixture`` (full covariance, reg_covar 0,
    tol 1e-12, started from the same split) maximises the same likelihood by its own EM:
    weights, means, variances and the log-likelihood agree to 1e-5 (relative 1e-9 for the log-lik)."""
    rng = np.random.default_rng(4)
    s2 = np.full(600, 0.05)
    y = _two_groups(rng, 600, s2)
    ours = fit_mixture_prior(y, s2, tol=1e-13, max_iter=200_000)
    low = np.sort(y)[:120]
    high = np.sort(y)[120:]
    reference = GaussianMixture(
        2,
        covariance_type="full",
        reg_covar=0.0,
        tol=1e-12,
        max_iter=100_000,
        weights_init=[0.2, 0.8],
        means_init=[[low.mean()], [high.mean()]],
        precisions_init=[[[1.0 / low.var()]], [[1.0 / high.var()]]],
    ).fit(y[:, None])
    order = np.argsort(reference.means_[:, 0])
    assert ours.weights == pytest.approx(reference.weights_[order], abs=1e-5)
    assert ours.means == pytest.approx(reference.means_[order, 0], abs=1e-5)
    assert ours.variances + 0.05 == pytest.approx(reference.covariances_[order, 0, 0], abs=1e-5)
    assert ours.log_likelihood == pytest.approx(reference.score(y[:, None]) * len(y), rel=1e-9)


def test_posterior_equals_numerical_integration_with_unequal_variances() -> None:
    """For the fitted prior, E[theta | y] and P(low group | y) by scipy.integrate.quad over theta
    (an independent computation of the same integrals) agree with the closed form to 1e-7."""
    rng = np.random.default_rng(8)
    s2 = rng.uniform(0.01, 0.3, 80)
    y = _two_groups(rng, 80, s2)
    fit = fit_mixture_prior(y, s2)

    def prior(theta: float) -> float:
        return float(
            sum(
                w * stats.norm.pdf(theta, m, np.sqrt(v))
                for w, m, v in zip(fit.weights, fit.means, fit.variances, strict=True)
            )
        )

    def integral(j: int, factor: Callable[[float], float]) -> float:
        """int f(theta) N(y_j; theta, s2_j) d theta, f = ``factor`` (a function of theta)."""
        sd = float(np.sqrt(s2[j]))
        return float(
            integrate.quad(
                lambda th: factor(th) * stats.norm.pdf(y[j], th, sd),
                y[j] - 12 * sd,
                y[j] + 12 * sd,
                points=list(fit.means),
                limit=200,
            )[0]
        )

    def low_group(theta: float) -> float:
        return float(fit.weights[0] * stats.norm.pdf(theta, fit.means[0], np.sqrt(fit.variances[0])))

    for j in (0, int(np.argmin(y)), int(np.argmax(s2))):
        evidence = integral(j, prior)
        mean = integral(j, lambda th: th * prior(th))
        assert fit.posterior_mean[j] == pytest.approx(mean / evidence, abs=1e-7)
        assert fit.posterior_low_group[j] == pytest.approx(integral(j, low_group) / evidence, abs=1e-7)


def test_recovers_a_separate_weak_group_from_many_units() -> None:
    """4,000 units with unequal sampling variances, 15 % in a group 1.2 points lower: the weights,
    means and spreads come back within sampling error, and BIC prefers two groups to one normal."""
    rng = np.random.default_rng(12)
    s2 = rng.uniform(0.01, 0.2, 4000)
    fit = fit_mixture_prior(_two_groups(rng, 4000, s2), s2)
    assert fit.weights[0] == pytest.approx(0.15, abs=0.02)
    assert fit.means == pytest.approx([6.4, 7.6], abs=0.05)
    assert np.sqrt(fit.variances) == pytest.approx([0.25, 0.35], abs=0.05)
    assert fit.bic < fit.bic_one_normal


def test_one_normal_population_is_not_split_by_bic() -> None:
    rng = np.random.default_rng(2)
    s2 = rng.uniform(0.01, 0.2, 300)
    y = rng.normal(7.5, 0.4, 300) + rng.normal(0.0, np.sqrt(s2))
    fit = fit_mixture_prior(y, s2)
    assert fit.bic > fit.bic_one_normal

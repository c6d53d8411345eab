"""A two-group normal mixture prior for unit means: the alternative to the one-normal prior, examined.

Seed 003's halls "ranked near the bottom of the province", and the simulator gives a weak ~12 %
of halls a separate drop (docs/simulator.md point 6): if weak halls are a group of their own, a
single normal prior pulls a small weak hall to the middle. The alternative prior is a mixture:
unit ``j``'s mean ``y_j ~ N(theta_j, s_j^2)`` (``s_j^2 = sigma_w^2 / n_j`` known, as in
:mod:`cxradar.staff.shrinkage`) and ``theta_j ~ sum_g pi_g N(mu_g, tau_g^2)``, ``g = 1..G``.

It is fitted by maximum marginal likelihood with **EM, treating the group and ``theta_j`` as the
missing data** (Dempster, Laird & Rubin 1977): given the parameters, unit ``j`` is in group ``g``
with probability ``r_jg ∝ pi_g N(y_j; mu_g, tau_g^2 + s_j^2)``, and within the group
``theta_j | y_j ~ N(m_jg, v_jg)`` with ``v_jg = 1 / (1/tau_g^2 + 1/s_j^2)``,
``m_jg = v_jg (mu_g / tau_g^2 + y_j / s_j^2)``; the M-step is closed form,
``pi_g = mean_j r_jg``, ``mu_g = sum r_jg m_jg / sum r_jg``,
``tau_g^2 = sum r_jg ((m_jg - mu_g)^2 + v_jg) / sum r_jg``. Each step raises the likelihood;
the fit is started from three splits of the sorted means (lowest 10, 20, 30 %) and the best kept.
With every ``s_j^2`` equal it is an ordinary Gaussian mixture of the ``y_j`` with variances
``tau_g^2 + s^2``: ``tests/staff/test_mixture.py`` checks it against scikit-learn's
``GaussianMixture`` there, and the posterior against a hand computation.

Returns the posterior mean ``sum_g r_jg m_jg``, the posterior probability of the lowest group and
the log-likelihood with BIC against the one-normal prior. On the simulator it does not rank the
bottom list better than raw means or the one-normal prior (docs/staff.md, docs/performance.md),
so the report keeps the one-normal prior; ``bench/staff.py`` prints its figures. Written here
because scikit-learn's mixtures cannot take a known, unit-specific sampling variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MixturePrior", "fit_mixture_prior"]


@dataclass(frozen=True)
class MixturePrior:
    """The fitted groups (lowest mean first) and each unit's posterior."""

    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray  # tau_g^2: the spread of the true means within each group
    log_likelihood: float
    bic: float
    bic_one_normal: float
    posterior_mean: np.ndarray
    posterior_low_group: np.ndarray  # P(unit in the lowest-mean group | y)
    iterations: int


def _log_normal(y: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    return -0.5 * (np.log(2.0 * np.pi * var) + (y - mean) ** 2 / var)


def _e_step(
    y: np.ndarray, s2: np.ndarray, w: np.ndarray, mu: np.ndarray, tau2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Group probabilities ``r``, within-group posterior means ``m`` and variances ``v`` (J, G), log-lik."""
    marginal = tau2[None, :] + s2[:, None]
    log_joint = np.log(w)[None, :] + _log_normal(y[:, None], mu[None, :], marginal)
    top = log_joint.max(axis=1, keepdims=True)
    total = top[:, 0] + np.log(np.exp(log_joint - top).sum(axis=1))
    r = np.exp(log_joint - total[:, None])
    v = tau2[None, :] * s2[:, None] / marginal
    m = v * (mu[None, :] / tau2[None, :] + y[:, None] / s2[:, None])
    return r, m, v, float(total.sum())


def _fit_from(
    y: np.ndarray, s2: np.ndarray, low_share: float, groups: int, tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int]:
    order = np.argsort(y, kind="stable")
    spread = max(float(np.var(y) - s2.mean()), 1e-4 * float(np.var(y)) + 1e-12)
    if groups == 1:
        w, mu, tau2 = np.ones(1), np.array([y.mean()]), np.array([spread])
    else:
        cut = max(1, round(low_share * len(y)))
        w = np.array([cut, len(y) - cut], dtype=float) / len(y)
        mu = np.array([y[order[:cut]].mean(), y[order[cut:]].mean()])
        tau2 = np.full(2, spread / 2.0)
    previous, iterations = -np.inf, 0
    while iterations < max_iter:
        iterations += 1
        r, m, v, log_lik = _e_step(y, s2, w, mu, tau2)
        size = np.maximum(r.sum(axis=0), 1e-12)
        w = size / len(y)
        mu = (r * m).sum(axis=0) / size
        tau2 = np.maximum((r * ((m - mu[None, :]) ** 2 + v)).sum(axis=0) / size, 1e-12)
        if log_lik - previous < tol:
            break
        previous = log_lik
    _r, _m, _v, log_lik = _e_step(y, s2, w, mu, tau2)
    return w, mu, tau2, log_lik, iterations


def fit_mixture_prior(
    y: np.ndarray, s2: np.ndarray, *, groups: int = 2, tol: float = 1e-10, max_iter: int = 20_000
) -> MixturePrior:
    """The ``groups``-group normal mixture prior of the means ``y`` with sampling variances ``s2``
    (module docstring), and each unit's posterior mean and probability of the lowest group."""
    y, s2 = np.asarray(y, dtype=float), np.asarray(s2, dtype=float)
    fits = [
        _fit_from(y, s2, share, groups, tol, max_iter) for share in ((0.1, 0.2, 0.3) if groups > 1 else (1,))
    ]
    w, mu, tau2, log_lik, iterations = max(fits, key=lambda f: f[3])
    rank = np.argsort(mu, kind="stable")
    w, mu, tau2 = w[rank], mu[rank], tau2[rank]
    r, m, _v, log_lik = _e_step(y, s2, w, mu, tau2)
    one = _fit_from(y, s2, 1.0, 1, tol, max_iter)
    log_n = float(np.log(len(y)))
    return MixturePrior(
        weights=w,
        means=mu,
        variances=tau2,
        log_likelihood=log_lik,
        bic=float((3 * groups - 1) * log_n - 2.0 * log_lik),
        bic_one_normal=float(2 * log_n - 2.0 * one[3]),
        posterior_mean=(r * m).sum(axis=1),
        posterior_low_group=r[:, 0],
        iterations=iterations,
    )

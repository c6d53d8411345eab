"""How much could a better estimator gain on the bottom list? Expected recovery over sampling noise.

One simulated operator gives one draw of sampling noise per hall, and the bottom-10 % list of
~80 halls is 8 halls: one hall moves precision by 0.125, so the realised figures of two orderings
differ by luck as much as by method. This module holds each hall's **true mean on the score
scale** ``theta_j`` and its **sampling variance** ``s_j^2 = sigma_w^2 / n_j`` fixed (the halls and
their sizes as simulated) and draws fresh hall means ``y_j ~ N(theta_j, s_j^2)`` - the sampling
model of :mod:`cxradar.staff.shrinkage` - ``replicates`` times. On each draw it orders the halls by

* ``raw`` - the means ``y_j``;
* ``shrunk`` - the report's estimate (DerSimonian-Laird normal prior, posterior mean);
* ``oracle_mean`` - the posterior mean under the *true* prior (the empirical distribution of the
  ``theta_j``, each with weight ``1/J``), which no estimator from data can beat on squared error;
* ``oracle_bottom`` - the posterior probability of being among the ``k`` lowest under that true
  prior (Lin, Louis, Paddock & Ridgeway 2006: the Bayes rule for the number of hits of a
  bottom-``k`` list), from ``draws`` joint posterior draws;

and returns each ordering's mean bottom-list precision and Spearman correlation with ``theta``.
If even the oracle orderings do not beat ``raw`` in expectation, no prior fitted from the data
can: the metric has no room for shrinkage on that configuration. Only possible on simulated data
(``bench/staff.py --replicates``); pure numpy, written here because it is an evaluation of this
package's estimator, not a general method.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from cxradar.staff.shrinkage import dersimonian_laird

__all__ = ["ORDERINGS", "discrete_posterior_mean", "expected_recovery"]

ORDERINGS = ("raw", "shrunk", "oracle_mean", "oracle_bottom")


def _posterior_weights(y: np.ndarray, s2: np.ndarray, support: np.ndarray) -> np.ndarray:
    """``(J, S)`` posterior weights of each support point for each unit (equal prior weights)."""
    log_lik = -0.5 * (y[:, None] - support[None, :]) ** 2 / s2[:, None]
    log_lik -= log_lik.max(axis=1, keepdims=True)
    weights = np.exp(log_lik)
    return weights / weights.sum(axis=1, keepdims=True)


def discrete_posterior_mean(y: np.ndarray, s2: np.ndarray, support: np.ndarray) -> np.ndarray:
    """``E[theta_j | y_j]`` when ``theta`` is uniform on ``support`` and ``y_j ~ N(theta_j, s2_j)``."""
    y, s2, support = (np.asarray(a, dtype=float) for a in (y, s2, support))
    return _posterior_weights(y, s2, support) @ support


def _hits(score: np.ndarray, true_bottom: np.ndarray, k: int) -> int:
    return int(np.isin(np.argsort(score, kind="stable")[:k], true_bottom).sum())


def expected_recovery(
    theta: np.ndarray,
    s2: np.ndarray,
    *,
    bottom_share: float = 0.10,
    replicates: int = 200,
    draws: int = 200,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Per ordering (:data:`ORDERINGS`): ``precision`` (mean over replicates of the share of the
    ``ceil(bottom_share J)`` lowest by the ordering that are among the truly lowest), its standard
    deviation ``precision_sd`` and ``spearman`` (mean rank correlation with ``theta`` over the draws
    where the ordering is not constant)."""
    theta, s2 = np.asarray(theta, dtype=float), np.asarray(s2, dtype=float)
    units = len(theta)
    k = max(1, math.ceil(bottom_share * units))
    true_bottom = np.argsort(theta, kind="stable")[:k]
    rng = np.random.default_rng(seed)
    hits = {name: np.zeros(replicates) for name in ORDERINGS}
    rho = {name: np.zeros(replicates) for name in ORDERINGS}
    for r in range(replicates):
        y = theta + rng.normal(0.0, np.sqrt(s2))
        mu, tau2, _var_mu = dersimonian_laird(y, s2)
        weights = _posterior_weights(y, s2, theta)
        cumulative = weights.cumsum(axis=1)
        picks = (rng.random((draws, units, 1)) > cumulative[None, :, :]).sum(axis=2)
        joint = theta[np.minimum(picks, units - 1)]  # (draws, units): one joint posterior draw per row
        in_bottom = (joint.argsort(axis=1).argsort(axis=1) < k).mean(axis=0)
        scores = {
            "raw": y,
            "shrunk": mu + tau2 / (tau2 + s2) * (y - mu),
            "oracle_mean": weights @ theta,
            "oracle_bottom": -in_bottom + 1e-9 * y,  # ties (e.g. several at 0) broken by the mean
        }
        for name, score in scores.items():
            hits[name][r] = _hits(score, true_bottom, k)
            constant = np.ptp(score) == 0  # no ordering at all: no correlation to report
            rho[name][r] = np.nan if constant else stats.spearmanr(score, theta).statistic
    return {
        name: {
            "precision": float(hits[name].mean() / k),
            "precision_sd": float(hits[name].std() / k),
            "spearman": float(np.nanmean(rho[name])) if np.isfinite(rho[name]).any() else float("nan"),
        }
        for name in ORDERINGS
    }

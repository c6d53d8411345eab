"""Bootstrap of a fitted PLS path model: all resamples fitted at once, then SE, t, p and intervals.

Resamples are row-count vectors (times the survey weights), so the weighted correlation matrices of
all resamples come from one matrix product and the PLS iterations run on all of them together
(:mod:`cxradar.csi._pls_core`). Work is chunked to bound memory.

For every estimate the table gives the original estimate, the bootstrap mean and SD (``se``,
``n - 1`` denominator), ``t = estimate / se`` and the two-sided ``p_value`` from Student's t with
``B - 1`` degrees of freedom (as SmartPLS), the seminr-style ``p_boot`` (twice the smaller share of
resamples on either side of the null), and the interval: ``percentile`` (R's quantile type 7, numpy's
default) or ``bca`` (bias-corrected and accelerated, Efron 1987: bias from the mid-rank share of
resamples below the estimate, acceleration from a leave-one-out jackknife, as
``scipy.stats.bootstrap``). For HTMT the null value is 1 (discriminant validity needs HTMT < 1),
elsewhere 0; for HTMT ``t = (1 - estimate) / se`` (positive when below 1, as seminr). Resamples
where an item has no variance, or a matrix to invert is singular, are dropped and counted
(``n_failed``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import special

from cxradar.csi import _pls_core
from cxradar.csi._pls_core import Array, CoreFit, Layout, Moments
from cxradar.errors import ConfigError, DataError


class FittedPLS(Protocol):
    """What the bootstrap needs of a fitted :class:`~cxradar.csi.pls.PLSPathModel` (a protocol, so
    this module does not import ``pls``, which imports it)."""

    n_samples_: int
    missing: str
    layout_: Layout
    scheme: str
    max_iter: int
    tol: float
    _sample_weight: Array

    @property
    def _moments(self) -> Moments: ...

    def _statistics(
        self, R: Array, mean: Array, sd: Array, core: CoreFit
    ) -> tuple[list[tuple[str, str]], Array]: ...


__all__ = ["BootstrapResult", "bca_interval", "percentile_interval", "run_bootstrap"]

CHUNK = 1000


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap draws of every estimate and the summary table (index: kind, name)."""

    table: pd.DataFrame
    draws: Array  # (B, m), columns in the order of ``table``
    method: str
    level: float
    n_resamples: int
    n_failed: int
    seconds: float

    def intervals(self, kind: str) -> pd.DataFrame:
        """The rows of one kind: path, total, weight, loading, r2, htmt or index."""
        return pd.DataFrame(self.table.xs(kind, level="kind"))


def percentile_interval(draws: Array, level: float = 0.95) -> tuple[Array, Array]:
    """Percentile interval per column (linear interpolation = R quantile type 7)."""
    tail = (1 - level) / 2
    low, high = np.percentile(draws, [100 * tail, 100 * (1 - tail)], axis=0)
    return low, high


def bca_interval(estimate: Array, draws: Array, jackknife: Array, level: float = 0.95) -> tuple[Array, Array]:
    """BCa interval per column from bootstrap ``draws (B, m)`` and leave-one-out ``jackknife (n, m)``."""
    tail = (1 - level) / 2
    below = ((draws < estimate).sum(axis=0) + (draws <= estimate).sum(axis=0)) / (2.0 * draws.shape[0])
    z0 = special.ndtri(below)
    centred = jackknife.mean(axis=0) - jackknife
    with np.errstate(divide="ignore", invalid="ignore"):
        accel = (centred**3).sum(axis=0) / (6.0 * ((centred**2).sum(axis=0)) ** 1.5)
    accel = np.nan_to_num(accel)
    out = []
    for z_alpha in (special.ndtri(tail), special.ndtri(1 - tail)):
        adjusted = special.ndtr(z0 + (z0 + z_alpha) / (1 - accel * (z0 + z_alpha)))
        adjusted = np.nan_to_num(adjusted, nan=0.5)
        out.append(np.array([np.percentile(draws[:, j], 100 * adjusted[j]) for j in range(draws.shape[1])]))
    return out[0], out[1]


def _counts(indices: Array, n: int) -> Array:
    B = indices.shape[0]
    flat = (indices + n * np.arange(B)[:, None]).ravel()
    return np.bincount(flat, minlength=B * n).reshape(B, n).astype(float)


def _fit_many(model: FittedPLS, F: Array) -> tuple[list[tuple[str, str]], Array]:
    labels: list[tuple[str, str]] = []
    parts = []
    for start in range(0, F.shape[0], CHUNK):
        R, mean, sd = _pls_core.correlations(F[start : start + CHUNK], model._moments, model.missing)
        core = _pls_core.estimate(R, model.layout_, model.scheme, model.max_iter, model.tol)
        labels, stats_ = model._statistics(R, mean, sd, core)
        stats_[~core.converged] = np.nan
        parts.append(stats_)
    return labels, np.vstack(parts)


def run_bootstrap(
    model: FittedPLS,
    n: int = 5000,
    seed: int = 0,
    method: str = "percentile",
    indices: Any = None,
    level: float = 0.95,
) -> BootstrapResult:
    """Bootstrap a fitted :class:`~cxradar.csi.pls.PLSPathModel` (see the module docstring)."""
    if method not in ("percentile", "bca"):
        raise ConfigError(
            f"bootstrap method '{method}' is unknown; allowed: percentile, bca",
            fix="pass method='percentile' or method='bca'",
        )
    if not 0 < level < 1:
        raise ConfigError(f"confidence level {level} is not between 0 and 1", fix="e.g. level=0.95")
    started = time.perf_counter()
    rows = model.n_samples_
    if indices is None:
        if n < 2:
            raise ConfigError(
                f"bootstrap needs at least 2 resamples, got {n}", fix="pass --bootstrap 1000 or more"
            )
        indices = np.random.default_rng(seed).integers(0, rows, size=(n, rows))
    indices = np.asarray(indices, dtype=np.int64)
    if indices.ndim != 2 or indices.shape[1] != rows or indices.min() < 0 or indices.max() >= rows:
        raise DataError(
            f"bootstrap indices must have shape (B, {rows}) with 0-based rows < {rows}",
            fix="subtract 1 from R's 1-based indices",
        )
    weights = model._sample_weight
    labels, draws = _fit_many(model, _counts(indices, rows) * weights)
    core_R, core_mean, core_sd = _pls_core.correlations(weights[None], model._moments, model.missing)
    core = _pls_core.estimate(core_R, model.layout_, model.scheme, model.max_iter, model.tol)
    estimate = model._statistics(core_R, core_mean, core_sd, core)[1][0]
    ok = ~np.isnan(draws).any(axis=1)
    failed = int((~ok).sum())
    draws = draws[ok]
    if draws.shape[0] < 2:
        raise DataError(
            "fewer than 2 bootstrap resamples could be fitted",
            fix="use more survey responses; check for items that are almost constant",
        )
    null = np.array([1.0 if kind == "htmt" else 0.0 for kind, _ in labels])
    se = draws.std(axis=0, ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(null == 1.0, null - estimate, estimate) / se
    t = np.where(se > 1e-12, t, np.nan)
    p_value = 2 * special.stdtr(draws.shape[0] - 1, -np.abs(t))
    p_boot = 2 * np.minimum((draws < null).mean(axis=0), (draws > null).mean(axis=0))
    if method == "bca":
        jack_weights = np.tile(weights, (rows, 1))
        np.fill_diagonal(jack_weights, 0.0)
        _, jack = _fit_many(model, jack_weights)
        jack = np.where(np.isnan(jack), np.nanmean(jack, axis=0), jack)
        low, high = bca_interval(estimate, draws, jack, level)
    else:
        low, high = percentile_interval(draws, level)
    table = pd.DataFrame(
        {
            "estimate": estimate,
            "boot_mean": draws.mean(axis=0),
            "se": se,
            "t": t,
            "p_value": p_value,
            "p_boot": p_boot,
            "ci_lower": low,
            "ci_upper": high,
        },
        index=pd.MultiIndex.from_tuples(labels, names=["kind", "name"]),
    )
    return BootstrapResult(
        table, draws, method, level, int(indices.shape[0]), failed, time.perf_counter() - started
    )

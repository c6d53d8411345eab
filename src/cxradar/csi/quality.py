"""Reliability and validity of a fitted PLS path model, computed from correlation matrices.

Definitions (as seminr 2.5 and Hair et al., *A Primer on PLS-SEM*):

* Cronbach's alpha, standardised: ``k r / (1 + (k - 1) r)`` with ``r`` the mean inter-item correlation;
* rhoA (Dijkstra & Henseler 2015): ``(w'w)^2 w'(S - diag S)w / w'(ww' - diag ww')w``, weights scaled
  to a unit-variance composite; 1 for a single item;
* rhoC (composite reliability): ``(sum l)^2 / ((sum l)^2 + sum(1 - l^2))``;
* AVE: mean squared loading;
* Fornell-Larcker: construct correlations with sqrt(AVE) on the diagonal;
* VIF: outer (each indicator on the others of its block - the check that matters for mode B) and
  inner (each predictor on the other predictors of the same endogenous construct).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.csi._pls_core import Array, Layout

__all__ = ["fornell_larcker", "inner_vif", "outer_vif", "reliability"]


def reliability(R: Array, weights: Array, loadings: Array, layout: Layout, names: list[str]) -> pd.DataFrame:
    """Cronbach's alpha, rhoA, rhoC and AVE per construct (``R`` is ``(p, p)``)."""
    rows = []
    for k, _ in enumerate(names):
        blk = layout.block(k)
        size = blk.size
        if size == 1:
            rows.append((1.0, 1.0, 1.0, 1.0))
            continue
        S = R[np.ix_(blk, blk)]
        mean_r = (S.sum() - size) / (size * (size - 1))
        alpha = size * mean_r / (1 + (size - 1) * mean_r)
        w = weights[blk, k]
        off = S - np.diag(np.diag(S))
        ww = np.outer(w, w)
        rho_a = (w @ w) ** 2 * (w @ off @ w) / (w @ (ww - np.diag(np.diag(ww))) @ w)
        lam = loadings[blk, k]
        rho_c = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
        rows.append((alpha, rho_a, rho_c, float(np.mean(lam**2))))
    return pd.DataFrame(
        rows, index=pd.Index(names, name="construct"), columns=["alpha", "rhoA", "rhoC", "AVE"]
    )


def fornell_larcker(construct_corr: Array, ave: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Construct correlations with sqrt(AVE) on the diagonal (discriminant validity holds when the
    diagonal exceeds every correlation in its row and column)."""
    table = np.array(construct_corr, copy=True)
    np.fill_diagonal(table, np.sqrt(ave))
    return pd.DataFrame(table, index=names, columns=names)


def outer_vif(R: Array, layout: Layout, names: list[str], indicators: list[str]) -> pd.Series:
    """VIF of each indicator within its block, indexed by (construct, indicator)."""
    keys, values = [], []
    for k, name in enumerate(names):
        blk = layout.block(k)
        vif = np.ones(1) if blk.size == 1 else np.diag(np.linalg.inv(R[np.ix_(blk, blk)]))
        keys += [(name, indicators[i]) for i in blk]
        values += list(vif)
    return pd.Series(
        values, index=pd.MultiIndex.from_tuples(keys, names=["construct", "indicator"]), name="vif"
    )


def inner_vif(construct_corr: Array, layout: Layout, names: list[str]) -> pd.Series:
    """VIF of each predictor of each endogenous construct, indexed by (target, predictor)."""
    keys, values = [], []
    for k, name in enumerate(names):
        pred = layout.predecessors(k)
        if pred.size == 0:
            continue
        vif = np.ones(1) if pred.size == 1 else np.diag(np.linalg.inv(construct_corr[np.ix_(pred, pred)]))
        keys += [(name, names[j]) for j in pred]
        values += list(vif)
    return pd.Series(values, index=pd.MultiIndex.from_tuples(keys, names=["target", "predictor"]), name="vif")

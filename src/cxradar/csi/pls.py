"""The PLS path model estimator (scikit-learn contract) behind the satisfaction index.

:class:`PLSPathModel` fits a PLS path model (Lohmöller's algorithm; path, centroid or factorial
inner weighting; mode A or B outer estimation; stop when the sum of absolute changes of the
standardised outer weights falls below ``tol``, as SmartPLS and seminr) on a DataFrame of indicator
columns. The numeric core lives in :mod:`cxradar.csi._pls_core` (numpy, batched; its docstring says
why we wrote our own).

Missing answers: ``missing="mean"`` (default) replaces a missing answer by the item's (weighted)
mean; ``missing="pairwise"`` computes each correlation from the rows where both items are answered.
Construct scores always use mean replacement (a missing answer contributes 0 after standardising).

Survey weights: ``fit(X, sample_weight=w)`` uses weighted means, variances and correlations, so every
estimate (and the index) refers to the weighted population.

The index (``index_``, 0-100 per construct) follows the ACSI convention: indicators are rescaled to
0-100 with ``100 (x - min) / (max - min)`` using the answer scale (``scale=(1, 10)``, or the model
file's ``scale``, or else each indicator's observed min and max); the standardised outer weights
are unstandardised (divided by the rescaled indicator's standard deviation) and normalised to sum to
1 within the block; the index is the weighted sum of the rescaled indicator means. This is also the
IPMA "performance" (see :mod:`cxradar.csi.ipma`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cxradar.csi import _pls_core
from cxradar.csi._pls_core import Array, CoreFit, Layout, Moments
from cxradar.csi.quality import fornell_larcker, inner_vif, outer_vif, reliability
from cxradar.csi.spec import ModelSpec, load_model_spec
from cxradar.errors import ConfigError, DataError, MissingColumnError, ModelError, did_you_mean

__all__ = ["SCHEMES", "PLSPathModel", "check_fitted"]

SCHEMES = ("path", "centroid", "factorial")
MISSING = ("mean", "pairwise")


def check_fitted(model: Any) -> None:
    """Raise :class:`ModelError` unless ``model`` has been fitted (learned attributes end in ``_``)."""
    if not hasattr(model, "outer_weights_"):
        raise ModelError(f"this {type(model).__name__} is not fitted yet", fix="call fit(X) first")


class PLSPathModel:
    """PLS path model: outer weights, loadings, paths, effects, R², scores, 0-100 index, quality.

    Parameters
    ----------
    model : template name (``"ecsi"``, ``"acsi"``, ``"telecom"``), path to a model file, a mapping
        in the model-file shape, or a :class:`~cxradar.csi.spec.ModelSpec`.
    scheme : inner weighting scheme, ``"path"``, ``"centroid"`` or ``"factorial"``.
    max_iter, tol : iteration cap and stop criterion (sum of absolute weight changes).
    missing : ``"mean"`` replacement or ``"pairwise"`` correlations.
    scale : ``(min, max)`` of the answer scale for the index; ``None`` takes the model's ``scale``
        or each indicator's observed range.
    """

    def __init__(
        self,
        model: Any = "ecsi",
        scheme: str = "path",
        max_iter: int = 300,
        tol: float = 1e-7,
        missing: str = "mean",
        scale: tuple[float, float] | None = None,
    ) -> None:
        self.model = model
        self.scheme = scheme
        self.max_iter = max_iter
        self.tol = tol
        self.missing = missing
        self.scale = scale

    # scikit-learn estimator protocol (get_params/set_params, so sklearn.base.clone works) without
    # importing scikit-learn, which would cost the `cxradar csi` command a second of start-up.
    _PARAMS = ("model", "scheme", "max_iter", "tol", "missing", "scale")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params: Any) -> PLSPathModel:
        """Set constructor arguments (unknown names raise ConfigError)."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ConfigError(
                    f"PLSPathModel has no parameter '{name}'." + did_you_mean(name, self._PARAMS),
                    fix=f"use one of {list(self._PARAMS)}",
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if not isinstance(v, ModelSpec))
        return f"PLSPathModel({args})"

    # ------------------------------------------------------------------ fitting
    def fit(self, X: pd.DataFrame, y: Any = None, sample_weight: Any = None) -> PLSPathModel:
        """Estimate the model on the indicator columns of ``X`` (other columns are ignored)."""
        spec = load_model_spec(self.model)
        if self.scheme not in SCHEMES:
            raise ConfigError(
                f"scheme '{self.scheme}' is unknown; allowed: {list(SCHEMES)}."
                + did_you_mean(str(self.scheme), SCHEMES),
                fix="pass --scheme path|centroid|factorial",
            )
        if self.missing not in MISSING:
            raise ConfigError(
                f"missing '{self.missing}' is unknown; allowed: {list(MISSING)}",
                fix="use missing='mean' or missing='pairwise'",
            )
        data = _indicator_matrix(X, spec)
        weights = _sample_weight(sample_weight, data.shape[0])
        layout = Layout.from_spec(spec)
        R, mean, sd = _pls_core.weighted_correlation(data, weights, self.missing)
        _check_variance(sd[0], spec)
        core = _pls_core.estimate(R, layout, self.scheme, self.max_iter, self.tol)
        if not core.converged[0]:
            raise ModelError(
                f"PLS did not converge in {self.max_iter} iterations (model {spec.name})",
                fix="raise max_iter, or check the model for a construct with unrelated indicators",
            )
        lo, hi = _scale_bounds(self.scale or spec.scale, data)
        self.spec_ = spec
        self.layout_ = layout
        self.n_samples_ = data.shape[0]
        self.feature_names_in_ = np.array(spec.indicators, dtype=object)
        self.scale_min_, self.scale_max_ = lo, hi
        self._sample_weight, self._data, self._row_index = weights, data, X.index
        self._moments_cache: Moments | None = None
        self.__dict__.pop("bootstrap_", None)  # a refit invalidates an earlier bootstrap
        self._set_estimates(R[0], mean[0], sd[0], core)
        return self

    def _set_estimates(self, R: Array, mean: Array, sd: Array, core: CoreFit) -> None:
        spec, layout = self.spec_, self.layout_
        names = pd.Index(spec.names, dtype=object)
        items = pd.Index(spec.indicators, dtype=object)
        W, L = core.weights[0], core.cross_loadings[0]
        self._R, self._construct_corr, self._names, self._items = R, core.construct_corr[0], names, items
        self.indicator_corr_ = pd.DataFrame(R, index=items, columns=items)
        self.indicator_mean_ = pd.Series(mean, index=items)
        self.indicator_sd_ = pd.Series(sd, index=items)
        self.outer_weights_ = pd.DataFrame(W, index=items, columns=names)
        self.cross_loadings_ = pd.DataFrame(L, index=items, columns=names)
        self.loadings_ = pd.DataFrame(L * layout.mask, index=items, columns=names)
        self.path_coefficients_ = pd.DataFrame(core.paths[0], index=names, columns=names)
        total = _pls_core.total_effects(core.paths[0])
        self.total_effects_ = pd.DataFrame(total, index=names, columns=names)
        self.indirect_effects_ = pd.DataFrame(total - core.paths[0], index=names, columns=names)
        self.construct_corr_ = pd.DataFrame(core.construct_corr[0], index=names, columns=names)
        endogenous = [spec.names.index(c) for c in spec.endogenous()]
        self.r2_ = pd.Series(core.r2[0, endogenous], index=names[endogenous])
        self.n_iter_ = int(core.iterations[0])
        n = self._data.shape[0]  # unweighted: sample SD (n - 1) as SmartPLS/seminr; weighted: weighted SD
        z = (self._data - mean) / (sd * np.sqrt(n / (n - 1)) if self._unit_weights() else sd)
        self.scores_ = pd.DataFrame(np.nan_to_num(z) @ W, index=self._row_index, columns=names)
        index = _index(W[None], mean[None], sd[None], layout, self.scale_min_, self.scale_max_)[0]
        self.index_ = pd.Series(index, index=names, name="index")

    # quality measures are computed when first read (they are not needed for the index or a bootstrap)
    @property
    def reliability_(self) -> pd.DataFrame:
        """Cronbach's alpha, rhoA, rhoC and AVE per construct."""
        check_fitted(self)
        return reliability(
            self._R,
            self.outer_weights_.to_numpy(),
            self.cross_loadings_.to_numpy(),
            self.layout_,
            self.spec_.names,
        )

    @property
    def htmt_(self) -> pd.DataFrame:
        """Heterotrait-monotrait ratios (upper and lower triangle; NaN diagonal)."""
        check_fitted(self)
        return pd.DataFrame(
            _pls_core.htmt(self._R[None], self.layout_)[0], index=self._names, columns=self._names
        )

    @property
    def fornell_larcker_(self) -> pd.DataFrame:
        """Construct correlations with sqrt(AVE) on the diagonal."""
        return fornell_larcker(self._construct_corr, self.reliability_["AVE"].to_numpy(), self.spec_.names)

    @property
    def vif_outer_(self) -> pd.Series:
        """VIF of each indicator within its block (the collinearity check for mode B)."""
        check_fitted(self)
        return outer_vif(self._R, self.layout_, self.spec_.names, self.spec_.indicators)

    @property
    def vif_inner_(self) -> pd.Series:
        """VIF of each predictor of each endogenous construct."""
        check_fitted(self)
        return inner_vif(self._construct_corr, self.layout_, self.spec_.names)

    @property
    def _moments(self) -> Moments:
        """Per-row products for the bootstrap, built on first use."""
        cached: Moments | None = getattr(self, "_moments_cache", None)
        if cached is None:
            cached = self._moments_cache = Moments.from_data(self._data)
        return cached

    def _unit_weights(self) -> bool:
        return bool(np.all(self._sample_weight == 1.0))

    # ------------------------------------------------------------------ reporting
    @property
    def paths_(self) -> pd.Series:
        """Path coefficients as a Series indexed ``"From -> To"`` in model order."""
        check_fitted(self)
        return pd.Series({f"{a} -> {b}": self.path_coefficients_.loc[a, b] for a, b in self.spec_.paths})

    @property
    def summary(self) -> pd.DataFrame:
        """One row per path: estimate, and after :meth:`bootstrap` its mean, SE, t, p and interval."""
        check_fitted(self)
        table = pd.DataFrame({"estimate": self.paths_})
        table.index.name = "path"
        boot = getattr(self, "bootstrap_", None)
        if boot is not None:
            cols = ["boot_mean", "se", "t", "p_value", "ci_lower", "ci_upper"]
            table = table.join(boot.table.loc["path", cols])
        return table

    def bootstrap(
        self,
        n: int = 5000,
        seed: int = 0,
        method: str = "percentile",
        indices: Any = None,
        level: float = 0.95,
    ) -> Any:
        """Bootstrap every estimate (paths, total effects, weights, loadings, R², HTMT, index).

        ``indices`` (shape ``(n, n_samples)``, 0-based rows) replays given resamples, e.g. R's.
        Returns a :class:`~cxradar.csi.bootstrap.BootstrapResult` (also kept as ``bootstrap_``).
        """
        from cxradar.csi.bootstrap import run_bootstrap

        check_fitted(self)
        self.bootstrap_ = run_bootstrap(self, n=n, seed=seed, method=method, indices=indices, level=level)
        return self.bootstrap_

    # ------------------------------------------------------------------ for the bootstrap
    def _statistics(
        self, R: Array, mean: Array, sd: Array, core: CoreFit
    ) -> tuple[list[tuple[str, str]], Array]:
        """Labels and a ``(B, m)`` matrix of every estimate for each of ``B`` fits."""
        spec, layout = self.spec_, self.layout_
        names, items = spec.names, spec.indicators
        labels: list[tuple[str, str]] = []
        columns: list[Array] = []
        for a, b in spec.paths:
            labels.append(("path", f"{a} -> {b}"))
            columns.append(core.paths[:, names.index(a), names.index(b)])
        total = _pls_core.total_effects(core.paths)
        reach = _pls_core.total_effects(layout.adjacency) != 0
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                if reach[i, j]:
                    labels.append(("total", f"{a} -> {b}"))
                    columns.append(total[:, i, j])
        for kind, source in (("weight", core.weights), ("loading", core.cross_loadings)):
            for k, c in enumerate(names):
                for p in layout.block(k):
                    labels.append((kind, f"{items[p]} -> {c}"))
                    columns.append(source[:, p, k])
        for k in [names.index(c) for c in spec.endogenous()]:
            labels.append(("r2", names[k]))
            columns.append(core.r2[:, k])
        ht = _pls_core.htmt(R, layout)
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                labels.append(("htmt", f"{names[i]} -> {names[j]}"))
                columns.append(ht[:, i, j])
        index = _index(core.weights, mean, sd, layout, self.scale_min_, self.scale_max_)
        for k, c in enumerate(names):
            labels.append(("index", c))
            columns.append(index[:, k])
        return labels, np.column_stack(columns)


def _index(W: Array, mean: Array, sd: Array, layout: Layout, lo: Array, hi: Array) -> Array:
    """ACSI 0-100 index per construct for batches of weights ``(B, p, K)``, means and SDs ``(B, p)``."""
    span = hi - lo
    performance = 100.0 * (mean - lo) / span
    unstd = W / (sd * 100.0 / span)[:, :, None] * layout.mask
    unstd = unstd / unstd.sum(axis=1, keepdims=True)
    return np.asarray(np.einsum("bpk,bp->bk", unstd, performance))


def _indicator_matrix(X: Any, spec: ModelSpec) -> Array:
    if not isinstance(X, pd.DataFrame):
        raise DataError(
            f"PLSPathModel.fit expects a pandas DataFrame of indicator columns, got {type(X).__name__}",
            fix="pass pandas.DataFrame(data, columns=[...indicator names...])",
        )
    missing = [c for c in spec.indicators if c not in X.columns]
    if missing:
        raise MissingColumnError(
            f"survey table lacks indicator column(s) {missing} of model '{spec.name}'."
            + did_you_mean(missing[0], [str(c) for c in X.columns]),
            fix="rename the columns or edit the model file's 'indicators'",
        )
    columns = [X[c] for c in spec.indicators]
    if all(isinstance(c.dtype, np.dtype) and c.dtype.kind in "fiu" for c in columns):
        out = np.column_stack([c.to_numpy(dtype=float) for c in columns])  # plain numpy: NaN stays NaN
    else:
        out = _coerce_numeric(X[spec.indicators])
    empty = [c for j, c in enumerate(spec.indicators) if np.isnan(out[:, j]).all()]
    if empty:
        raise DataError(f"indicator column(s) {empty} have no answers", fix="drop them from the model file")
    if len(out) < 3:
        raise DataError(
            f"the survey table has {len(out)} rows; PLS needs at least 3", fix="use more responses"
        )
    return out


def _coerce_numeric(X: pd.DataFrame) -> Array:
    out = np.empty(X.shape)
    for j, col in enumerate(X.columns):
        values = pd.to_numeric(X[col], errors="coerce")
        bad = values.isna() & X[col].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"column '{col}' row {row} has non-numeric value {X[col].iloc[row]!r}",
                fix="survey answers must be numbers (empty for not answered)",
            )
        out[:, j] = values.to_numpy(dtype=float, na_value=np.nan)
    return out


def _sample_weight(sample_weight: Any, n: int) -> Array:
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(pd.to_numeric(pd.Series(np.asarray(sample_weight)), errors="coerce"), dtype=float)
    if w.shape != (n,):
        raise DataError(f"sample_weight has shape {w.shape}, expected ({n},)", fix="pass one weight per row")
    w = np.where(np.isnan(w), 1.0, w)  # an empty survey weight means 1 (contract: surveys.weight)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise DataError(
            "sample_weight has negative, infinite or all-zero values",
            fix="survey weights must be >= 0 (inverse sampling rates); empty means 1",
        )
    return w


def _check_variance(sd: Array, spec: ModelSpec) -> None:
    flat = [c for c, s in zip(spec.indicators, sd, strict=True) if not s > 0]
    if flat:
        raise DataError(
            f"indicator column(s) {flat} have the same answer in every row (zero variance)",
            fix="drop constant items from the model file",
        )


def _scale_bounds(scale: tuple[float, float] | Mapping[str, Any] | None, data: Array) -> tuple[Array, Array]:
    p = data.shape[1]
    if scale is None:
        lo, hi = np.nanmin(data, axis=0), np.nanmax(data, axis=0)
        return lo, np.where(hi > lo, hi, lo + 1.0)
    lo_v, hi_v = float(scale[0]), float(scale[1])  # type: ignore[index]
    if not lo_v < hi_v:
        raise ConfigError(f"scale {scale} needs min < max", fix="e.g. scale=(1, 10)")
    return np.full(p, lo_v), np.full(p, hi_v)

"""``logit``: regularised logistic regression on :class:`TablePreprocessor` features.

The interpretable default. A fitted model has a :meth:`LogitModel.summary` table (coefficient,
standard error from the penalised information matrix, Wald z and p, 95 % interval, odds ratio),
per-feature contributions for reasons, and exports to SQL (:mod:`cxradar.models.sql`).
Logistic regression is calibrated by construction (its score equations match predicted and
observed rates), so no extra calibration step is applied - which keeps the SQL export exact.

``penalty`` is ``l2`` (ridge, Newton steps) or ``l1`` (lasso: coefficients of weak indicators
become exactly zero, so a few hundred labelled customers choose a few dozen indicators, as the
seed's Bayesian network did). With ``Cs`` a list, the strength is chosen by stratified k-fold
cross-validated log-loss (scikit-learn ``LogisticRegressionCV``) and kept as ``C_``; the few
respondents of a small operator then get a strong penalty, the many of a large one a weak one.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import cho_factor, cho_solve
from scipy.special import expit
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from cxradar.errors import ConfigError, ModelError
from cxradar.models.base import BinaryClassifier, check_sample_weight
from cxradar.models.preprocess import TablePreprocessor

__all__ = ["LogitModel"]

# From this many labelled rows the cross-validation path runs in worker processes (1M subscribers:
# ~14,500 respondents, 12 liblinear fits of 1-8 s each).
_PARALLEL_FROM_ROWS = 5_000


def _solve_fold(model: LogitModel, y_fit: np.ndarray, Z_fit: np.ndarray, Z_test: np.ndarray) -> np.ndarray:
    """One fold's probabilities for one ``C`` (``model`` has ``C`` set and no grid)."""
    lr = model._estimator(y_fit).fit(Z_fit, y_fit)
    return np.asarray(lr.predict_proba(Z_test)[:, 1])


class LogitModel(BinaryClassifier):
    """L2-regularised logistic regression with preprocessing, summary, contributions and SQL."""

    def __init__(
        self,
        C: float = 1.0,
        max_iter: int = 1000,
        rare_share: float = 0.01,
        max_levels: int = 30,
        threshold_rule: str | None = None,
        target_precision: float = 0.6,
        capacity: float = 0.1,
        penalty: str = "l2",
        Cs: list[float] | None = None,
        cv: int = 3,
        random_state: int = 0,
        n_jobs: int = -1,
    ) -> None:
        self.C = C
        self.penalty = penalty
        self.Cs = Cs
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.max_iter = max_iter
        self.rare_share = rare_share
        self.max_levels = max_levels
        self.threshold_rule = threshold_rule
        self.target_precision = target_precision
        self.capacity = capacity

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogitModel:
        """Fit; ``sample_weight`` weighs rows (e.g. 1/rate for sampled non-churners) in the
        likelihood, the coefficient covariance and the reference point of the contributions."""
        frame, y01 = self._frame_for_fit(X, y)
        w = check_sample_weight(sample_weight, len(frame))
        self.preprocessor_ = TablePreprocessor(self.rare_share, self.max_levels).fit(frame)
        Z = self.preprocessor_.transform(frame)
        lr = self._estimator(y01)
        lr.fit(Z, y01, sample_weight=w)
        self.C_ = float(np.ravel(lr.C_)[0]) if hasattr(lr, "C_") else float(self.C)
        self.coef_ = lr.coef_[0].astype("float64")
        self.intercept_ = float(lr.intercept_[0])
        self.n_iter_ = np.asarray(lr.n_iter_)
        self.reference_ = Z.mean(axis=0) if w is None else np.average(Z, axis=0, weights=w)
        self._fit_covariance(Z, w)
        self._set_threshold(y01, self._proba_from_z(Z))
        return self

    def _estimator(self, y01: np.ndarray) -> Any:
        if self.penalty not in ("l1", "l2"):
            raise ModelError(f"penalty '{self.penalty}' is unknown", fix="use penalty: l1 or penalty: l2")
        # l2: Newton steps on the penalised likelihood (Cholesky solves), a handful of iterations for
        # the tall, narrow tables we fit, where L-BFGS needed hundreds; l1: liblinear's coordinate descent
        solver = "newton-cholesky" if self.penalty == "l2" else "liblinear"
        ratio = 1.0 if self.penalty == "l1" else 0.0  # scikit-learn >= 1.8 names the penalty by l1_ratio
        # liblinear shuffles the data: a fixed random_state makes every fit reproducible
        common: dict[str, Any] = {
            "max_iter": self.max_iter,
            "solver": solver,
            "random_state": self.random_state,
        }
        if self.penalty == "l2":
            common["tol"] = 1e-8
        if not self.Cs:
            return LogisticRegression(C=self.C, l1_ratio=ratio, **common)
        folds = int(min(self.cv, np.bincount(y01).min()))
        if folds < 2:
            raise ModelError(
                f"choosing C by cross-validation needs at least 2 rows of each class; got {np.bincount(y01)}",
                fix="give more labelled rows, or set a fixed C (Cs: null)",
            )
        cv = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
        return LogisticRegressionCV(
            Cs=list(self.Cs),
            l1_ratios=(ratio,),
            cv=cv,
            scoring="neg_log_loss",
            use_legacy_attributes=False,
            **common,
        )

    def cross_val_path(self, X: Any, y: Any, cv: Any) -> dict[float, np.ndarray]:
        """Out-of-fold probabilities for every ``C`` in ``Cs`` over the splits of ``cv``.

        The preprocessor is fitted once per fold and shared by every ``C`` (it does not depend
        on ``C``), so choosing ``C`` costs one solver run per value and fold, not a whole fit.
        The runs are independent, so from ``_PARALLEL_FROM_ROWS`` rows they share ``n_jobs``
        worker processes (-1: every core), the weakest penalties (the slowest fits) first. Not
        threads: liblinear draws its coordinate order from one process-wide generator, so
        concurrent fits in one process would not be reproducible; each process run is seeded, and
        the result does not depend on the number of workers."""
        if not self.Cs:
            raise ModelError("cross_val_path needs a grid Cs", fix="set Cs, e.g. [0.03, 0.1, 0.3, 1.0]")
        frame, y01 = self._frame_for_fit(X, y)
        out = {float(c): np.zeros(len(y01)) for c in self.Cs}
        folds = []
        for fit_idx, test_idx in cv.split(frame, y01):
            pre = TablePreprocessor(self.rare_share, self.max_levels).fit(frame.iloc[fit_idx])
            folds.append(
                (fit_idx, test_idx, pre.transform(frame.iloc[fit_idx]), pre.transform(frame.iloc[test_idx]))
            )
        tasks = [(c, fold) for c in sorted(out, reverse=True) for fold in folds]
        workers = (os.cpu_count() or 1) if self.n_jobs == -1 else max(1, int(self.n_jobs))
        if len(y01) < _PARALLEL_FROM_ROWS:
            workers = 1  # a few thousand rows fit in milliseconds: starting processes would cost more
        models = [clone(self).set_params(Cs=None, C=c) for c, _ in tasks]
        args = [(m, y01[f[0]], f[2], f[3]) for m, (_, f) in zip(models, tasks, strict=True)]
        if workers == 1:
            solved = [_solve_fold(*a) for a in args]
        else:  # forkserver: the workers fork from a clean server, not from a process with threads
            context = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
                solved = list(pool.map(_solve_fold, *zip(*args, strict=True)))
        for (c, (_, test_idx, _, _)), p in zip(tasks, solved, strict=True):
            out[c][test_idx] = p
        return out

    def _fit_covariance(self, Z: np.ndarray, w: np.ndarray | None = None) -> None:
        """Inverse (weighted) information matrix: with the ridge 1/C for l2; for l1 that of the
        selected terms (a post-selection Wald approximation; terms set to zero get zero variance,
        shown as NaN)."""
        design = np.column_stack([np.ones(len(Z)), Z])
        p = expit(design @ np.r_[self.intercept_, self.coef_])
        curvature = p * (1 - p) if w is None else p * (1 - p) * w
        info = (design * curvature[:, None]).T @ design
        keep = np.r_[True, self.coef_ != 0] if self.penalty == "l1" else np.ones(len(info), dtype=bool)
        if self.penalty == "l2":
            info[np.arange(1, info.shape[0]), np.arange(1, info.shape[0])] += 1.0 / self.C_
        sub = info[np.ix_(keep, keep)]
        try:
            inverse = cho_solve(cho_factor(sub), np.eye(len(sub)))
        except np.linalg.LinAlgError:  # singular (e.g. a constant column): the pseudo-inverse
            inverse = np.linalg.pinv(sub)
        self.covariance_ = np.zeros_like(info)
        self.covariance_[np.ix_(keep, keep)] = inverse

    def _proba_from_z(self, Z: np.ndarray) -> np.ndarray:
        return np.asarray(expit(Z @ self.coef_ + self.intercept_))

    def _proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self._proba_from_z(self.preprocessor_.transform(frame))

    def decision_function(self, X: Any) -> np.ndarray:
        """The linear predictor (log-odds)."""
        frame = self._frame_for_predict(X)
        return np.asarray(self.preprocessor_.transform(frame) @ self.coef_ + self.intercept_)

    def contributions(self, X: Any) -> pd.DataFrame:
        """Per original feature, coefficient x (encoded value - training mean), in log-odds."""
        Z = self.preprocessor_.transform(self._frame_for_predict(X))
        features = list(self.feature_names_in_)
        position = {f: i for i, f in enumerate(features)}
        group = np.zeros((len(self.coef_), len(features)))
        for j, col in enumerate(self.preprocessor_.columns_):
            group[j, position[col["source"]]] = self.coef_[j]
        out = pd.DataFrame((Z - self.reference_) @ group, columns=features)
        out.index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(out))
        return out

    @property
    def summary(self) -> pd.DataFrame:
        """Coefficient table at the 95 % level (:meth:`summary_at` for another ``alpha``)."""
        return self.summary_at(0.05)

    def summary_at(self, alpha: float) -> pd.DataFrame:
        """Coefficient table: coef, se, z, p, ``1 - alpha`` CI, odds ratio (p values are Wald,
        approximate under the L2 penalty; with large ``C`` they match unpenalised maximum likelihood)."""
        check_is_fitted(self, "coef_")
        if not 0 < alpha < 1:
            raise ConfigError(f"alpha {alpha} is not in (0, 1)", fix="e.g. alpha=0.05 for 95 % intervals")
        coef = np.r_[self.intercept_, self.coef_]
        se = np.sqrt(np.clip(np.diag(self.covariance_), 0, None))
        if self.penalty == "l1":  # a term the lasso set to zero has no standard error
            se = np.where(np.r_[True, self.coef_ != 0], se, np.nan)
        z = np.divide(coef, se, out=np.full_like(coef, np.nan), where=se > 0)
        q = stats.norm.ppf(1 - alpha / 2)
        names = ["(intercept)", *self.preprocessor_.names_]
        sources = ["", *[c["source"] for c in self.preprocessor_.columns_]]
        return pd.DataFrame(
            {
                "term": names,
                "feature": sources,
                "coef": coef,
                "se": se,
                "z": z,
                "p": 2 * stats.norm.sf(np.abs(z)),
                "ci_low": coef - q * se,
                "ci_high": coef + q * se,
                "odds_ratio": np.exp(coef),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "coef_")
        return {
            "params": self.get_params(),
            "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            "features": list(self.feature_names_in_),
            "preprocessor": self.preprocessor_.to_dict(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "reference": self.reference_.tolist(),
            "covariance": self.covariance_.tolist(),
            "threshold": self.threshold_,
            "C_": self.C_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogitModel:
        model = cls(**data["params"])
        model.classes_ = np.array(data["classes"])
        model.feature_names_in_ = np.array(data["features"], dtype=object)
        model.n_features_in_ = len(data["features"])
        model.preprocessor_ = TablePreprocessor.from_dict(data["preprocessor"])
        model.coef_ = np.array(data["coef"], dtype="float64")
        model.intercept_ = float(data["intercept"])
        model.reference_ = np.array(data["reference"], dtype="float64")
        model.covariance_ = np.array(data["covariance"], dtype="float64")
        model.threshold_ = float(data["threshold"])
        model.C_ = float(data.get("C_", model.C))
        return model

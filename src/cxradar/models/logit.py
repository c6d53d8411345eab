"""``logit``: regularised (L2) logistic regression on :class:`TablePreprocessor` features.

The interpretable default. A fitted model has a :meth:`LogitModel.summary` table (coefficient,
standard error from the penalised information matrix, Wald z and p, 95 % interval, odds ratio),
per-feature contributions for reasons, and exports to SQL (:mod:`cxradar.models.sql`).
Logistic regression is calibrated by construction (its score equations match predicted and
observed rates), so no extra calibration step is applied - which keeps the SQL export exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import cho_factor, cho_solve
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from cxradar.errors import ConfigError
from cxradar.models.base import BinaryClassifier, check_sample_weight
from cxradar.models.preprocess import TablePreprocessor

__all__ = ["LogitModel"]


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
    ) -> None:
        self.C = C
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
        # Newton steps on the penalised likelihood (Cholesky solves): a handful of iterations for
        # the tall, narrow tables we fit, where L-BFGS needed hundreds to reach the same tolerance
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter, tol=1e-8, solver="newton-cholesky")
        lr.fit(Z, y01, sample_weight=w)
        self.coef_ = lr.coef_[0].astype("float64")
        self.intercept_ = float(lr.intercept_[0])
        self.n_iter_ = np.asarray(lr.n_iter_)
        self.reference_ = Z.mean(axis=0) if w is None else np.average(Z, axis=0, weights=w)
        self._fit_covariance(Z, w)
        self._set_threshold(y01, self._proba_from_z(Z))
        return self

    def _fit_covariance(self, Z: np.ndarray, w: np.ndarray | None = None) -> None:
        design = np.column_stack([np.ones(len(Z)), Z])
        p = expit(design @ np.r_[self.intercept_, self.coef_])
        curvature = p * (1 - p) if w is None else p * (1 - p) * w
        info = (design * curvature[:, None]).T @ design
        info[np.arange(1, info.shape[0]), np.arange(1, info.shape[0])] += 1.0 / self.C
        try:
            self.covariance_ = cho_solve(cho_factor(info), np.eye(len(info)))
        except np.linalg.LinAlgError:  # singular (e.g. a constant column): the pseudo-inverse
            self.covariance_ = np.linalg.pinv(info)

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
        return model

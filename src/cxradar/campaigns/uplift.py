"""Uplift models: who will *respond* to care, not who is most at risk; Qini and AUUC to judge them.

:class:`TLearner` fits one LightGBM regressor per group and predicts the difference;
:class:`XLearner` (Künzel et al. 2019) adds a second stage that regresses imputed individual
effects, and mixes the two with the treatment share (the propensity is known in a randomised
campaign). We wrote these (about 100 lines) instead of adding causalml (heavy, pins old
dependencies) or scikit-uplift (unmaintained since 2022): both learners are a few lines on top
of LightGBM, which we already use, and they follow the scikit-learn estimator contract
(``fit(X, y, treatment=...)``; learned state ends in ``_``) so ``clone`` works.

:func:`qini_curve`, :func:`qini_coefficient` and :func:`auuc` evaluate a score on randomised
(treatment + control) data: customers sorted by score, best first; ties keep input order.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from cxradar.errors import ModelError

__all__ = [
    "UPLIFT_FEATURES",
    "TLearner",
    "XLearner",
    "auuc",
    "fit_campaign_uplift",
    "qini_coefficient",
    "qini_curve",
    "uplift_features",
]

UPLIFT_FEATURES = (
    "probability",
    "value",
    "cause",
    "segment",
    "strategy",
    "channel",
    "remedy",
    "primary_kind",
)
_KINDS = ("silent", "incident_hit", "model_predicted", "explicit")


def uplift_features(table: pd.DataFrame) -> pd.DataFrame:
    """The features an uplift model uses, from a care plan or decision table (missing -> empty)."""
    out = pd.DataFrame(index=table.index)
    for col in UPLIFT_FEATURES:
        if col in ("probability", "value"):
            raw = table[col] if col in table.columns else pd.Series(np.nan, index=table.index)
            out[col] = pd.to_numeric(raw, errors="coerce").astype(float)
        else:
            raw = table[col] if col in table.columns else pd.Series("", index=table.index)
            out[col] = raw.astype("string").fillna("").astype(str)
    kinds = (
        table["kinds"].astype("string").fillna("")
        if "kinds" in table.columns
        else pd.Series("", index=table.index)
    )
    for kind in _KINDS:
        out[f"is_{kind}"] = kinds.str.contains(kind, regex=False).fillna(False).astype(float)
    return out


class _Base(BaseEstimator):
    def __init__(
        self,
        n_estimators: int = 100,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 100,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _regressor(self) -> lgb.LGBMRegressor:
        return lgb.LGBMRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            verbose=-1,
        )

    def _prepare(self, X: Any, fit: bool = False) -> pd.DataFrame:
        df = X.copy() if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=float))
        df.columns = [str(c) for c in df.columns]
        if fit:
            self.feature_names_in_ = np.array(df.columns, dtype=object)
            self.categories_ = {
                c: sorted(df[c].astype(str).unique().tolist())
                for c in df.columns
                if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])
            }
        missing = [c for c in self.feature_names_in_ if c not in df.columns]
        if missing:
            raise ModelError(
                f"uplift features missing: {missing}",
                fix="score with the same columns the model was fitted on",
            )
        df = df[list(self.feature_names_in_)]
        for c, cats in self.categories_.items():
            values = df[c].astype(str)
            df[c] = pd.Categorical(values.where(values.isin(cats)), categories=cats)  # unseen -> missing
        for c in df.columns:
            if c not in self.categories_:
                df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        return df

    def _split(self, X: Any, y: Any, treatment: Any) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        df = self._prepare(X, fit=True)
        y_arr = np.asarray(y, dtype=float)
        t_arr = np.asarray(treatment).astype(bool)
        if len(y_arr) != len(df) or len(t_arr) != len(df):
            raise ModelError(
                "X, y and treatment differ in length", fix="pass one row per customer in all three"
            )
        if t_arr.sum() < 10 or (~t_arr).sum() < 10:
            raise ModelError(
                f"uplift needs at least 10 treated and 10 control customers;"
                f" got {int(t_arr.sum())} and {int((~t_arr).sum())}",
                fix="evaluate a campaign with a control group first (cxradar campaign design)",
            )
        self.treatment_share_ = float(t_arr.mean())
        return df, y_arr, t_arr


class TLearner(_Base):
    """Two-model uplift: mu1(x) - mu0(x), each a LightGBM regressor."""

    def fit(self, X: Any, y: Any, treatment: Any) -> TLearner:
        df, y_arr, t_arr = self._split(X, y, treatment)
        self.model_treatment_ = self._regressor().fit(df[t_arr], y_arr[t_arr])
        self.model_control_ = self._regressor().fit(df[~t_arr], y_arr[~t_arr])
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted uplift (treated minus untreated outcome) per row."""
        check_is_fitted(self, "model_control_")
        df = self._prepare(X)
        mu1 = np.asarray(self.model_treatment_.predict(df), dtype=float)
        return mu1 - np.asarray(self.model_control_.predict(df), dtype=float)


class XLearner(_Base):
    """X-learner: imputed effects regressed per group, mixed by the known treatment share."""

    def fit(self, X: Any, y: Any, treatment: Any) -> XLearner:
        df, y_arr, t_arr = self._split(X, y, treatment)
        mu1 = self._regressor().fit(df[t_arr], y_arr[t_arr])
        mu0 = self._regressor().fit(df[~t_arr], y_arr[~t_arr])
        d1 = y_arr[t_arr] - mu0.predict(df[t_arr])
        d0 = mu1.predict(df[~t_arr]) - y_arr[~t_arr]
        self.tau_treatment_ = self._regressor().fit(df[t_arr], d1)
        self.tau_control_ = self._regressor().fit(df[~t_arr], d0)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted uplift per row: g * tau0(x) + (1 - g) * tau1(x), g = treatment share."""
        check_is_fitted(self, "tau_control_")
        df = self._prepare(X)
        g = self.treatment_share_
        tau0 = np.asarray(self.tau_control_.predict(df), dtype=float)
        tau1 = np.asarray(self.tau_treatment_.predict(df), dtype=float)
        return g * tau0 + (1 - g) * tau1


def fit_campaign_uplift(plan: pd.DataFrame, outcomes: pd.DataFrame, seed: int) -> XLearner:
    """An X-learner of the care effect, fitted on an evaluated campaign: its plan (``group``)
    joined by msisdn to the outcomes' ``post`` satisfaction (customers without one left out)."""
    df = plan.merge(outcomes[["msisdn", "post"]], on="msisdn", how="inner").dropna(subset=["post"])
    return XLearner(random_state=seed).fit(uplift_features(df), df["post"], df["group"].eq("treatment"))


def qini_curve(y: Any, treatment: Any, score: Any) -> pd.DataFrame:
    """Qini and uplift curves after targeting the top k customers by score (k = 0..n).

    qini(k) = Y_t(k) - Y_c(k) * N_t(k) / N_c(k)  (incremental outcome, Radcliffe 2007);
    uplift(k) = (Y_t(k)/N_t(k) - Y_c(k)/N_c(k)) * k  (0 while a group is still empty).
    """
    y_arr = np.asarray(y, dtype=float)
    t_arr = np.asarray(treatment).astype(bool)
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    y_s, t_s = y_arr[order], t_arr[order]
    n_t = np.concatenate([[0], np.cumsum(t_s)])
    n_c = np.concatenate([[0], np.cumsum(~t_s)])
    y_t = np.concatenate([[0.0], np.cumsum(np.where(t_s, y_s, 0.0))])
    y_c = np.concatenate([[0.0], np.cumsum(np.where(t_s, 0.0, y_s))])
    k = np.arange(len(y_s) + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        qini = np.where(n_c > 0, y_t - y_c * n_t / n_c, 0.0)
        uplift = np.where((n_t > 0) & (n_c > 0), (y_t / n_t - y_c / n_c) * k, 0.0)
    return pd.DataFrame({"k": k, "fraction": k / max(len(y_s), 1), "qini": qini, "uplift": uplift})


def qini_coefficient(y: Any, treatment: Any, score: Any) -> float:
    """Area between the Qini curve and the random-targeting line, divided by n^2 (0 = random)."""
    curve = qini_curve(y, treatment, score)
    n = len(curve) - 1
    if n == 0:
        return 0.0
    q = curve["qini"].to_numpy()
    random_line = curve["fraction"].to_numpy() * q[-1]
    return float(np.trapezoid(q - random_line, dx=1.0) / n**2)


def auuc(y: Any, treatment: Any, score: Any) -> float:
    """Area under the uplift curve divided by n^2 (the mean incremental outcome over all list sizes / n)."""
    curve = qini_curve(y, treatment, score)
    n = len(curve) - 1
    return float(np.trapezoid(curve["uplift"].to_numpy(), dx=1.0) / n**2) if n else 0.0

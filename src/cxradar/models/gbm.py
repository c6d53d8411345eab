"""``gbm``: LightGBM gradient boosting, for accuracy.

Categorical columns become integer codes (most frequent level first; unseen levels are missing)
and are declared categorical to LightGBM (up to ``max_cat_levels`` levels; more
levels enter as frequency-rank codes, which overfit less); missing numbers stay missing
(LightGBM routes them).
With ``early_stopping_rounds`` an internal stratified split picks the number of rounds, fits the
calibration map (Platt or isotonic) and the operating threshold on rows the trees did not see;
the final booster is then refitted on all rows with that many rounds. Reasons use LightGBM's own
TreeSHAP contributions (``pred_contrib=True``), shared between rows with the same split pattern
(:mod:`cxradar.models._treeshap`). Deterministic for a given ``random_state``.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from cxradar.models._treeshap import Split, pattern_contributions, tree_splits
from cxradar.models.base import BinaryClassifier, Calibrator, check_sample_weight
from cxradar.models.preprocess import is_categorical
from cxradar.models.preprocess import text_values as _text_values

__all__ = ["GBMModel"]


class GBMModel(BinaryClassifier):
    """LightGBM classifier with early stopping, calibration and TreeSHAP contributions."""

    def __init__(
        self,
        n_estimators: int = 1000,
        learning_rate: float = 0.1,
        num_leaves: int = 15,
        max_depth: int = -1,
        min_child_samples: int = 20,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        reg_lambda: float = 1.0,
        early_stopping_rounds: int | None = 50,
        valid_fraction: float = 0.2,
        calibration: str = "sigmoid",
        max_cat_levels: int = 20,
        n_jobs: int = 2,
        random_state: int = 0,
        threshold_rule: str | None = None,
        target_precision: float = 0.6,
        capacity: float = 0.1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.early_stopping_rounds = early_stopping_rounds
        self.valid_fraction = valid_fraction
        self.calibration = calibration
        self.max_cat_levels = max_cat_levels
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.threshold_rule = threshold_rule
        self.target_precision = target_precision
        self.capacity = capacity

    def _params(self) -> dict[str, Any]:
        seed = int(self.random_state)
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "min_child_samples": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "num_threads": self.n_jobs,
            "seed": seed,
            "bagging_seed": seed,
            "feature_fraction_seed": seed,
            "data_random_seed": seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
            "min_data_per_group": 20,
            "cat_smooth": 10.0,
        }

    def _encode(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(frame.shape, dtype="float64", order="F")  # column-major: contiguous column writes
        for j, name in enumerate(self.feature_names_in_):
            series = frame[name]
            if name in self.categories_:
                codes = pd.Index(self.categories_[name], dtype=object).get_indexer(
                    pd.Index(_text_values(series), dtype=object)
                )
                out[:, j] = np.where(codes < 0, np.nan, codes)
            else:
                out[:, j] = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
        return out

    def _train(
        self,
        X: np.ndarray,
        y: np.ndarray,
        rounds: int,
        valid: tuple[np.ndarray, np.ndarray, np.ndarray | None] | None,
        weight: np.ndarray | None = None,
    ) -> lgb.Booster:
        # high-cardinality categoricals (e.g. a region with 50 levels) overfit as LightGBM
        # categoricals; they enter as frequency-rank codes instead
        cats = [
            j
            for j, n in enumerate(self.feature_names_in_)
            if n in self.categories_ and len(self.categories_[n]) <= self.max_cat_levels
        ]
        names = [f"f{j}" for j in range(X.shape[1])]
        dtrain = lgb.Dataset(
            X, y, weight=weight, feature_name=names, categorical_feature=cats, free_raw_data=True
        )
        callbacks: list[Any] = []
        valid_sets = []
        if valid is not None:
            valid_sets = [lgb.Dataset(valid[0], valid[1], weight=valid[2], reference=dtrain)]
            callbacks.append(lgb.early_stopping(int(self.early_stopping_rounds or rounds), verbose=False))
        return lgb.train(
            self._params(), dtrain, num_boost_round=rounds, valid_sets=valid_sets, callbacks=callbacks
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> GBMModel:
        """Fit; ``sample_weight`` weighs rows (e.g. 1/rate for sampled non-churners), in the
        boosting, the early-stopping split and the calibration."""
        frame, y01 = self._frame_for_fit(X, y)
        w = check_sample_weight(sample_weight, len(frame))
        self.categories_: dict[str, list[str]] = {}
        for name in self.feature_names_in_:
            if is_categorical(frame[name]):
                counts = frame[name].dropna().astype(str).value_counts()
                self.categories_[name] = [str(v) for v in counts.index]
        Xe = self._encode(frame)
        self.calibrator_ = Calibrator("none")
        rounds = int(self.n_estimators)
        use_split = (
            self.valid_fraction > 0
            and (self.early_stopping_rounds or self.calibration != "none")
            and len(y01) >= 50
            and min(np.bincount(y01)) >= 5
        )
        if use_split:
            tr, va = train_test_split(
                np.arange(len(y01)),
                test_size=self.valid_fraction,
                stratify=y01,
                random_state=self.random_state,
            )
            w_tr, w_va = (None, None) if w is None else (w[tr], w[va])
            valid = (Xe[va], y01[va], w_va) if self.early_stopping_rounds else None
            first = self._train(Xe[tr], y01[tr], rounds, valid, w_tr)
            if self.early_stopping_rounds and first.best_iteration > 0:
                rounds = int(first.best_iteration)
            raw = first.predict(Xe[va], num_iteration=rounds, raw_score=True)
            self.calibrator_ = Calibrator(self.calibration).fit(expit(raw), y01[va], w_va)
            self._set_threshold(y01[va], self.calibrator_(expit(raw)))
        self.booster_ = self._train(Xe, y01, rounds, None, w)
        self.n_rounds_ = rounds
        if not use_split:
            self._set_threshold(y01, self._proba_from_encoded(Xe))
        return self

    def _proba_from_encoded(self, Xe: np.ndarray) -> np.ndarray:
        return np.asarray(self.calibrator_(expit(self.booster_.predict(Xe, raw_score=True))))

    def _proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self._proba_from_encoded(self._encode(frame))

    def uncalibrated_proba(self, X: Any) -> np.ndarray:
        """The booster's own probability, before the calibration map."""
        return np.asarray(
            expit(self.booster_.predict(self._encode(self._frame_for_predict(X)), raw_score=True))
        )

    def contributions(self, X: Any) -> pd.DataFrame:
        """TreeSHAP contributions per feature in log-odds (LightGBM ``pred_contrib``); the bias
        (expected raw score) is in ``attrs['bias']``."""
        check_is_fitted(self, "booster_")
        Xe = self._encode(self._frame_for_predict(X))
        trees = self._tree_splits()
        if trees is not None and len(Xe) > 1000:  # sharing pays off once rows outnumber patterns
            raw = pattern_contributions(self.booster_, Xe, trees)
        else:
            raw = np.asarray(self.booster_.predict(Xe, pred_contrib=True))
        out = pd.DataFrame(raw[:, :-1], columns=list(self.feature_names_in_), copy=False)
        out.index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(out))
        out.attrs["bias"] = float(raw[0, -1]) if len(raw) else 0.0
        return out

    def _tree_splits(self) -> list[list[Split]] | None:
        cached = getattr(self, "_splits_cache", None)
        if cached is None or cached[0] is not self.booster_:
            cached = (self.booster_, tree_splits(self.booster_))
            self._splits_cache = cached
        return cached[1]

    def proba_from_contributions(self, contrib: pd.DataFrame) -> np.ndarray:
        """The calibrated probability from a :meth:`contributions` table: TreeSHAP values add up
        to the raw score (local accuracy), so scoring with reasons needs one pass over the trees."""
        raw = contrib.to_numpy(dtype="float64").sum(axis=1) + float(contrib.attrs.get("bias", 0.0))
        return np.asarray(self.calibrator_(expit(raw)))

    @property
    def summary(self) -> pd.DataFrame:
        """Per input feature: total gain, its share, and the number of splits (no intervals)."""
        check_is_fitted(self, "booster_")
        gain = self.booster_.feature_importance(importance_type="gain")
        splits = self.booster_.feature_importance(importance_type="split")
        total = float(gain.sum()) or 1.0
        table = pd.DataFrame(
            {
                "feature": list(self.feature_names_in_),
                "gain": gain,
                "gain_share": gain / total,
                "splits": splits,
            }
        )
        return table.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "booster_")
        return {
            "params": self.get_params(),
            "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            "features": list(self.feature_names_in_),
            "categories": self.categories_,
            "calibrator": self.calibrator_.to_dict(),
            "threshold": self.threshold_,
            "n_rounds": self.n_rounds_,
            "booster": self.booster_.model_to_string(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GBMModel:
        model = cls(**data["params"])
        model.classes_ = np.array(data["classes"])
        model.feature_names_in_ = np.array(data["features"], dtype=object)
        model.n_features_in_ = len(data["features"])
        model.categories_ = {k: list(v) for k, v in data["categories"].items()}
        model.calibrator_ = Calibrator.from_dict(data["calibrator"])
        model.threshold_ = float(data["threshold"])
        model.n_rounds_ = int(data["n_rounds"])
        model.booster_ = lgb.Booster(model_str=data["booster"])
        return model

"""What every cxradar classifier shares: input checks, the binary label, the operating
threshold, and probability calibration (Platt or isotonic) as plain numbers that persist to JSON.

Calibration is written here rather than wrapping models in ``CalibratedClassifierCV`` so that a
calibrated model is still one model: its reasons (SHAP, coefficients) and its saved form stay
those of the underlying estimator, and the calibration map is two numbers (sigmoid) or a short
step table (isotonic).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from cxradar.errors import FeatureMismatchError, ModelError, ModelInputError, TargetError
from cxradar.models.evaluate import choose_threshold
from cxradar.models.preprocess import as_frame

__all__ = ["BinaryClassifier", "Calibrator", "check_sample_weight"]


def check_sample_weight(sample_weight: Any, n_rows: int) -> np.ndarray | None:
    """``None``, or the weights as a float array after checking them against ``n_rows``."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype="float64")
    if w.ndim != 1 or len(w) != n_rows:
        raise ModelInputError(
            f"sample_weight.shape == {w.shape}, expected ({n_rows},)",
            fix="pass one weight per row of X",
        )
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise ModelInputError("Negative or non-finite values in sample_weight", fix="pass weights >= 0")
    if not (w > 0).any():
        raise ModelInputError(
            "Sample weights must contain at least one non-zero number", fix="pass some positive weights"
        )
    return w


class Calibrator:
    """A fitted map from raw probabilities to calibrated ones (``sigmoid`` or ``isotonic``)."""

    def __init__(self, method: str = "sigmoid") -> None:
        if method not in ("sigmoid", "isotonic", "none"):
            raise ModelError(f"calibration '{method}' is unknown", fix="use none, sigmoid or isotonic")
        self.method = method
        self.params: dict[str, Any] = {}

    def fit(self, p: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> Calibrator:
        """Fit the map on scores ``p`` and labels ``y``; ``sample_weight`` (e.g. survey weights)
        makes the calibrated probabilities those of the population the rows stand for."""
        w = None if sample_weight is None else np.asarray(sample_weight, dtype="float64")
        if w is not None:
            w = w / w.mean()
        if self.method == "sigmoid":
            z = logit(np.clip(p, 1e-12, 1 - 1e-12)).reshape(-1, 1)
            lr = LogisticRegression(C=1e6, max_iter=1000).fit(z, y, sample_weight=w)
            self.params = {"a": float(lr.coef_[0, 0]), "b": float(lr.intercept_[0])}
        elif self.method == "isotonic":
            iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(p, y, sample_weight=w)
            self.params = {"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist()}
        return self

    def __call__(self, p: np.ndarray) -> np.ndarray:
        if self.method == "sigmoid":
            z = logit(np.clip(p, 1e-12, 1 - 1e-12))
            return np.asarray(expit(self.params["a"] * z + self.params["b"]))
        if self.method == "isotonic":
            return np.interp(p, self.params["x"], self.params["y"])
        return p

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        cal = cls(data["method"])
        cal.params = dict(data["params"])
        return cal


class BinaryClassifier(ClassifierMixin, BaseEstimator):
    """Base for the cxradar classifiers: subclasses implement ``_fit`` and ``_proba``.

    ``predict`` flags rows whose probability reaches ``threshold_``: 0.5 unless the estimator
    has a ``threshold_rule`` (max_f1, target_precision, capacity), in which case the threshold is
    chosen on the training data (see :func:`cxradar.models.evaluate.choose_threshold`).
    """

    threshold_rule: str | None = None
    target_precision: float = 0.6
    capacity: float = 0.1

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = False
        return tags

    def _frame_for_fit(self, X: Any, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        if y is None:
            raise TargetError(
                f"{type(self).__name__} requires y to be passed, but the target y is None",
                fix="pass the label column (--target)",
            )
        if hasattr(X, "toarray") or hasattr(X, "tocsr"):
            raise ModelInputError(
                f"{type(self).__name__} does not accept sparse data", fix="pass a dense table (a DataFrame)"
            )
        if not isinstance(X, pd.DataFrame) and np.iscomplexobj(np.asarray(X)):
            raise ModelInputError("Complex data not supported", fix="pass real-valued columns")
        frame = as_frame(X)
        frame.columns = [str(c) for c in frame.columns]
        y_arr = np.asarray(y)
        if y_arr.ndim == 2 and y_arr.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected.",
                DataConversionWarning,
                stacklevel=3,
            )
            y_arr = y_arr.ravel()
        if len(y_arr) != len(frame):
            raise ModelInputError(
                f"X has {len(frame)} rows but y has {len(y_arr)}", fix="pass one label per row of the table"
            )
        if len(frame) == 0 or frame.shape[1] == 0:
            what = "0 sample(s)" if len(frame) == 0 else "0 feature(s)"
            raise ModelInputError(
                f"Found array with {what} (shape={frame.shape}) while a minimum of 1 is required.",
                fix="pass a table with at least one row and one feature column",
            )
        if pd.api.types.is_float_dtype(y_arr) and not np.all(np.isfinite(y_arr)):
            raise ModelInputError(
                "Input y contains NaN or infinity.", fix="drop or fill the rows without a label"
            )
        if pd.api.types.is_float_dtype(y_arr) and not np.all(np.mod(y_arr, 1) == 0):
            raise TargetError(
                "Unknown label type: continuous target; a classifier needs a binary label",
                fix="pass --positive VALUE or a comparison such as --target 'overall<=6'",
            )
        self.classes_ = np.unique(y_arr)
        if len(self.classes_) != 2:
            raise TargetError(
                f"Only binary classification is supported. The target has {len(self.classes_)} "
                f"class(es) {[str(c) for c in self.classes_[:5]]}; a binary classifier needs exactly 2",
                fix="check --target/--positive, or filter the rows (docs/models.md, 'Generic mode')",
            )
        self.feature_names_in_ = np.array(list(frame.columns), dtype=object)
        self.n_features_in_ = frame.shape[1]
        return frame, (y_arr == self.classes_[1]).astype(int)

    def _frame_for_predict(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "classes_")
        names = list(self.feature_names_in_)
        if isinstance(X, pd.DataFrame):
            frame = X.copy(deep=False)
            frame.columns = [str(c) for c in frame.columns]
            missing = [c for c in names if c not in frame.columns]
            if missing:
                raise FeatureMismatchError(
                    f"X has {frame.shape[1]} features, but {type(self).__name__} is expecting "
                    f"{self.n_features_in_} features as input; missing columns: {', '.join(missing[:10])}",
                    fix="score a table with the columns the model was fitted on",
                )
            return frame[names]
        frame = as_frame(X)
        if frame.shape[1] != self.n_features_in_:
            raise FeatureMismatchError(
                f"X has {frame.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input.",
                fix="score a table with the columns the model was fitted on",
            )
        frame.columns = names
        return frame

    def _set_threshold(self, y01: np.ndarray, p: np.ndarray) -> None:
        if self.threshold_rule is None:
            self.threshold_ = 0.5
        else:
            self.threshold_ = choose_threshold(
                y01, p, self.threshold_rule, target_precision=self.target_precision, capacity=self.capacity
            )

    def _proba(self, frame: pd.DataFrame) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, columns ordered as ``classes_``."""
        p = self._proba(self._frame_for_predict(X))
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The class label: ``classes_[1]`` where the probability reaches ``threshold_``."""
        p = self.predict_proba(X)[:, 1]
        return np.asarray(self.classes_[(p >= self.threshold_).astype(int)])

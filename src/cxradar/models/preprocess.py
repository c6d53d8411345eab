"""The table preprocessor shared by ``logit`` and ``bn-logit``.

Numeric columns: median imputation, a missing-value indicator (for columns that had missing
values in training), standardisation. Categorical columns (text, category): one-hot encoding
of the most frequent levels, with rare and unseen levels grouped into ``(other)`` and missing
values as their own level ``(missing)``.

We wrote this instead of a scikit-learn ``ColumnTransformer`` because every learned number must
be written out twice more: as JSON (persistence without pickles) and as a SQL expression the
warehouse runs (:mod:`cxradar.models.sql`). A flat list of encoded columns, each with its source
feature and its rule, makes both trivial.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from cxradar.errors import FeatureMismatchError, ModelInputError

__all__ = ["MISSING_LEVEL", "OTHER_LEVEL", "TablePreprocessor", "as_frame", "is_categorical", "text_values"]

MISSING_LEVEL = "(missing)"
OTHER_LEVEL = "(other)"


def as_frame(X: Any, columns: list[str] | None = None) -> pd.DataFrame:
    """``X`` as a DataFrame (arrays get columns ``x0, x1, ...`` or the given names)."""
    if isinstance(X, pd.DataFrame):
        return X
    array = np.asarray(X)
    if array.ndim != 2:
        raise ModelInputError(
            f"Expected 2D array, got {array.ndim}D array instead. Reshape your data.",
            fix="pass a table: one row per customer, one column per feature",
        )
    names = columns if columns is not None else [f"x{i}" for i in range(array.shape[1])]
    return pd.DataFrame(array, columns=names)


def is_categorical(series: pd.Series) -> bool:
    """True for text and category columns (booleans and numbers are numeric)."""
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def text_values(series: pd.Series) -> pd.Series:
    """Values as text (object dtype), missing as None - for looking levels up by name."""
    text = series.astype("string")
    return text.astype(object).where(text.notna(), None)


def _as_text(series: pd.Series) -> np.ndarray:
    text = series.astype("object")
    return np.where(pd.isna(text), MISSING_LEVEL, text.astype(str)).astype(object)


def _text_codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, levels)`` with ``levels[codes]`` equal to :func:`_as_text` of ``series``: the
    distinct values are turned into text once (``pd.factorize``), not every row - a level's column
    is then one integer comparison per row instead of one string comparison."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    levels = np.array([str(u) for u in uniques] + [MISSING_LEVEL], dtype=object)
    return np.where(codes < 0, len(uniques), codes), levels


def _as_float(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _float_columns(frame: pd.DataFrame, names: list[str]) -> dict[str, np.ndarray]:
    """Columns as float arrays (missing = NaN): numeric columns in one conversion, others one by one
    (per-column pandas conversions dominated fitting on a few hundred rows)."""
    fast = [n for n in names if pd.api.types.is_numeric_dtype(frame[n])]
    out: dict[str, np.ndarray] = {}
    if fast:
        block = frame[fast].to_numpy(dtype="float64", na_value=np.nan)
        out.update({name: block[:, j] for j, name in enumerate(fast)})
    for name in names:
        if name not in out:
            out[name] = _as_float(frame[name])
    return out


class TablePreprocessor(TransformerMixin, BaseEstimator):
    """Impute, flag missing, standardise numbers; one-hot categoricals with rare levels grouped."""

    def __init__(self, rare_share: float = 0.01, max_levels: int = 30) -> None:
        self.rare_share = rare_share
        self.max_levels = max_levels

    def fit(self, X: Any, y: Any = None) -> TablePreprocessor:
        frame = as_frame(X)
        self.feature_names_in_ = np.array([str(c) for c in frame.columns], dtype=object)
        self.n_features_in_ = frame.shape[1]
        self.columns_: list[dict[str, Any]] = []  # one dict per encoded column
        numeric = _float_columns(frame, [c for c in frame.columns if not is_categorical(frame[c])])
        for name in frame.columns:
            if name in numeric:
                self._fit_numeric(str(name), numeric[name])
            else:
                self._fit_categorical(str(name), frame[name])
        self.names_ = [c["name"] for c in self.columns_]
        return self

    def _fit_numeric(self, name: str, values: np.ndarray) -> None:
        missing = np.isnan(values)
        median = float(np.nanmedian(values)) if (~missing).any() else 0.0
        filled = np.where(missing, median, values)
        mean = float(filled.mean()) if len(filled) else 0.0
        scale = float(filled.std()) if len(filled) else 1.0
        self.columns_.append(
            {
                "name": name,
                "source": name,
                "rule": "numeric",
                "median": median,
                "mean": mean,
                "scale": scale if scale > 1e-12 else 1.0,
            }
        )
        if missing.any():
            self.columns_.append({"name": f"{name}__missing", "source": name, "rule": "missing"})

    def _fit_categorical(self, name: str, series: pd.Series) -> None:
        text = _as_text(series)
        counts = pd.Series(text).value_counts()
        keep = counts[counts >= max(1.0, self.rare_share * len(text))].index[: self.max_levels]
        kept = sorted(str(level) for level in keep)
        # the most frequent level is the baseline (no column), so the design is not collinear
        baseline = str(counts.index[0]) if len(counts) else None
        for level in kept:
            if level != baseline:
                self.columns_.append(
                    {"name": f"{name}={level}", "source": name, "rule": "level", "level": level}
                )
        if len(kept) < len(counts):
            self.columns_.append(
                {"name": f"{name}={OTHER_LEVEL}", "source": name, "rule": "other", "levels": kept}
            )
        if not any(c["source"] == name for c in self.columns_):
            self.columns_.append({"name": f"{name}=(constant)", "source": name, "rule": "constant"})

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "columns_")
        frame = as_frame(X, list(self.feature_names_in_))
        if frame.shape[1] != self.n_features_in_ and not set(self.feature_names_in_) <= set(
            map(str, frame.columns)
        ):
            raise FeatureMismatchError(
                f"X has {frame.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input.",
                fix="score a table with the columns the model was fitted on",
            )
        frame.columns = [str(c) for c in frame.columns]
        out = np.empty(
            (len(frame), len(self.columns_)), dtype="float64", order="F"
        )  # column-major: contiguous writes
        numeric_sources = list(
            dict.fromkeys(c["source"] for c in self.columns_ if c["rule"] in ("numeric", "missing"))
        )
        cache: dict[str, np.ndarray] = _float_columns(frame, numeric_sources)
        text_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for j, col in enumerate(self.columns_):
            source = col["source"]
            rule = col["rule"]
            if source not in cache and source not in text_cache:  # each column once, not once per level
                text_cache[source] = _text_codes(frame[source])
            if rule in ("numeric", "missing"):
                values = cache[source]
                if rule == "numeric":
                    out[:, j] = (np.where(np.isnan(values), col["median"], values) - col["mean"]) / col[
                        "scale"
                    ]
                else:
                    out[:, j] = np.isnan(values)
            else:
                codes, levels = text_cache[source]
                if rule == "level":
                    out[:, j] = (levels == col["level"])[codes]
                elif rule == "other":
                    out[:, j] = (~np.isin(levels, col["levels"]))[codes]
                else:
                    out[:, j] = 0.0
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "columns_")
        return np.array(self.names_, dtype=object)

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "columns_")
        return {
            "params": self.get_params(),
            "features": list(self.feature_names_in_),
            "columns": self.columns_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TablePreprocessor:
        pre = cls(**data["params"])
        pre.feature_names_in_ = np.array(data["features"], dtype=object)
        pre.n_features_in_ = len(data["features"])
        pre.columns_ = list(data["columns"])
        pre.names_ = [c["name"] for c in pre.columns_]
        return pre

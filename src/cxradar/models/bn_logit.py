"""``bn-logit``: the seed's method. A Bayesian network selects the indicators (the Markov
blanket of the label); a logistic regression over those indicators gives the probability.

The fitted network is kept (``network_``) for its structure and what-if queries; probabilities,
the summary, reasons and the SQL export come from the logistic regression (``logit_``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from cxradar.models.base import BinaryClassifier
from cxradar.models.bayesnet import BayesNetModel
from cxradar.models.logit import LogitModel

__all__ = ["BNLogitModel"]


class BNLogitModel(BinaryClassifier):
    """Markov-blanket feature selection by a Bayesian network, then logistic regression."""

    def __init__(
        self,
        n_bins: int = 4,
        max_indegree: int = 3,
        scoring: str = "bic-d",
        forbidden_children: list[str] | None = None,
        required_edges: list[tuple[str, str]] | None = None,
        C: float = 1.0,
        max_iter: int = 1000,
        random_state: int = 0,
        threshold_rule: str | None = None,
        target_precision: float = 0.6,
        capacity: float = 0.1,
    ) -> None:
        self.n_bins = n_bins
        self.max_indegree = max_indegree
        self.scoring = scoring
        self.forbidden_children = forbidden_children
        self.required_edges = required_edges
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state
        self.threshold_rule = threshold_rule
        self.target_precision = target_precision
        self.capacity = capacity

    def fit(self, X: Any, y: Any) -> BNLogitModel:
        frame, _ = self._frame_for_fit(X, y)
        y_arr = np.asarray(y).ravel()
        self.network_ = BayesNetModel(
            n_bins=self.n_bins,
            max_indegree=self.max_indegree,
            scoring=self.scoring,
            forbidden_children=self.forbidden_children,
            required_edges=self.required_edges,
            calibration="none",
            random_state=self.random_state,
        ).fit(frame, y_arr)
        selected = self.network_.markov_blanket_ or list(self.feature_names_in_)
        self.selected_ = list(selected)
        self.logit_ = LogitModel(
            C=self.C,
            max_iter=self.max_iter,
            threshold_rule=self.threshold_rule,
            target_precision=self.target_precision,
            capacity=self.capacity,
        ).fit(frame[self.selected_], y_arr)
        self.threshold_ = self.logit_.threshold_
        return self

    def _proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.logit_.predict_proba(frame[self.selected_])[:, 1]

    @property
    def summary(self) -> pd.DataFrame:
        """The logistic regression's coefficient table over the selected indicators (95 %)."""
        return self.summary_at(0.05)

    def summary_at(self, alpha: float) -> pd.DataFrame:
        """:attr:`summary` with ``1 - alpha`` intervals."""
        check_is_fitted(self, "logit_")
        return self.logit_.summary_at(alpha)

    def contributions(self, X: Any) -> pd.DataFrame:
        frame = self._frame_for_predict(X)
        parts = self.logit_.contributions(frame[self.selected_])
        out = pd.DataFrame(0.0, index=parts.index, columns=list(self.feature_names_in_))
        out[self.selected_] = parts
        return out

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "logit_")
        return {
            "params": self.get_params(),
            "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            "features": list(self.feature_names_in_),
            "selected": self.selected_,
            "network": self.network_.to_dict(),
            "logit": self.logit_.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BNLogitModel:
        params = dict(data["params"])
        if params.get("required_edges"):
            params["required_edges"] = [tuple(e) for e in params["required_edges"]]
        model = cls(**params)
        model.classes_ = np.array(data["classes"])
        model.feature_names_in_ = np.array(data["features"], dtype=object)
        model.n_features_in_ = len(data["features"])
        model.selected_ = list(data["selected"])
        model.network_ = BayesNetModel.from_dict(data["network"])
        model.logit_ = LogitModel.from_dict(data["logit"])
        model.threshold_ = model.logit_.threshold_
        return model

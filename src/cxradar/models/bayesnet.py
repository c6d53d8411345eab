"""``bayesnet``: a discrete Bayesian network over binned indicators and the label.

Numbers are cut into training quantile bins, categoricals keep their frequent levels (others
grouped), and missing values get their own state. The structure is learnt by pgmpy's
HillClimbSearch (BIC by default) under domain constraints: ``forbidden_children`` lists the
indicators the label may not point to (behaviour measured *before* the label), ``required_edges``
fixes edges. Conditional probability tables are Dirichlet-smoothed counts, and inference of the
label given a full row uses only its Markov blanket, in closed form and vectorised:

    P(y | x)  ~  P(y | parents(y)) * prod over children c of y: P(c | parents(c))

(pgmpy's general-purpose inference gives the same numbers, see the tests, but row by row.)
``what_if`` answers "the probability if this indicator had had another value", e.g. no incident.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from cxradar.errors import ModelError
from cxradar.models.base import BinaryClassifier, Calibrator
from cxradar.models.preprocess import is_categorical
from cxradar.models.preprocess import text_values as _text_values

__all__ = ["LABEL", "BayesNetModel"]

LABEL = "__label__"


class BayesNetModel(BinaryClassifier):
    """Bayesian-network classifier with structure learning, what-if queries and calibration."""

    def __init__(
        self,
        n_bins: int = 4,
        max_levels: int = 10,
        max_indegree: int = 3,
        scoring: str = "bic-d",
        pseudo_count: float = 1.0,
        forbidden_children: list[str] | None = None,
        required_edges: list[tuple[str, str]] | None = None,
        calibration: str = "sigmoid",
        valid_fraction: float = 0.2,
        max_iter: int = 200,
        random_state: int = 0,
        threshold_rule: str | None = None,
        target_precision: float = 0.6,
        capacity: float = 0.1,
    ) -> None:
        self.n_bins = n_bins
        self.max_levels = max_levels
        self.max_indegree = max_indegree
        self.scoring = scoring
        self.pseudo_count = pseudo_count
        self.forbidden_children = forbidden_children
        self.required_edges = required_edges
        self.calibration = calibration
        self.valid_fraction = valid_fraction
        self.max_iter = max_iter
        self.random_state = random_state
        self.threshold_rule = threshold_rule
        self.target_precision = target_precision
        self.capacity = capacity

    # --- discretisation -------------------------------------------------------------------
    def _fit_bins(self, frame: pd.DataFrame) -> None:
        self.bins_: dict[str, dict[str, Any]] = {}
        for name in self.feature_names_in_:
            series = frame[name]
            if is_categorical(series):
                counts = series.dropna().astype(str).value_counts()
                levels = [str(v) for v in counts.index[: self.max_levels]]
                self.bins_[name] = {"type": "categorical", "levels": levels, "card": len(levels) + 2}
            else:
                values = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
                finite = values[np.isfinite(values)]
                qs = np.quantile(finite, np.linspace(0, 1, self.n_bins + 1)[1:-1]) if finite.size else []
                edges = sorted({float(q) for q in qs})
                self.bins_[name] = {"type": "numeric", "edges": edges, "card": len(edges) + 2}

    def _states(self, frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(frame.shape, dtype="int64")
        for j, name in enumerate(self.feature_names_in_):
            spec = self.bins_[name]
            if spec["type"] == "categorical":
                codes = pd.Index(spec["levels"], dtype=object).get_indexer(
                    pd.Index(_text_values(frame[name]), dtype=object)
                )
                other = np.asarray(frame[name].notna()) & (codes < 0)
                out[:, j] = np.where(
                    codes >= 0, codes, np.where(other, len(spec["levels"]), spec["card"] - 1)
                )
            else:
                values = (
                    pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy(na_value=np.nan)
                )
                binned = np.searchsorted(np.asarray(spec["edges"]), values, side="right")
                out[:, j] = np.where(np.isnan(values), spec["card"] - 1, binned)
        return out

    # --- structure and parameters ---------------------------------------------------------
    def _learn_structure(self, states: np.ndarray, y01: np.ndarray) -> list[tuple[str, str]]:
        from pgmpy.causal_discovery import ExpertKnowledge, HillClimbSearch

        names = [*self.feature_names_in_, LABEL]
        data = pd.DataFrame(np.column_stack([states, y01]), columns=names)
        data = data.astype({n: pd.CategoricalDtype(list(range(self._card(n)))) for n in names})
        unknown = [f for f in (self.forbidden_children or []) if f not in self.feature_names_in_]
        if unknown:
            raise ModelError(
                f"forbidden_children names unknown columns: {', '.join(unknown)}",
                fix="list columns of the training table (conf/models.yaml, kinds.bayesnet)",
            )
        forbidden = [(LABEL, f) for f in (self.forbidden_children or [])]
        required = [tuple(e) for e in (self.required_edges or [])]
        knowledge = ExpertKnowledge(forbidden_edges=forbidden or None, required_edges=required or None)
        logging.getLogger("pgmpy").setLevel(logging.ERROR)
        search = HillClimbSearch(
            scoring_method=self.scoring,
            max_indegree=self.max_indegree,
            expert_knowledge=knowledge,
            return_type="dag",
            max_iter=self.max_iter,
            show_progress=False,
        )
        search.fit(data)
        return [(str(a), str(b)) for a, b in search.causal_graph_.edges()]

    def _card(self, node: str) -> int:
        return 2 if node == LABEL else int(self.bins_[node]["card"])

    def _fit_cpds(self, states: np.ndarray, y01: np.ndarray) -> None:
        index = {n: j for j, n in enumerate(self.feature_names_in_)}
        full = np.column_stack([states, y01])
        index[LABEL] = full.shape[1] - 1
        self.parents_: dict[str, list[str]] = {n: [] for n in index}
        for a, b in self.edges_:
            self.parents_[b].append(a)
        self.cpds_: dict[str, np.ndarray] = {}
        for node in self._blanket_nodes():
            pars = self.parents_[node]
            cards = [self._card(p) for p in pars]
            flat = np.zeros(len(full), dtype="int64")
            for p, c in zip(pars, cards, strict=True):
                flat = flat * c + full[:, index[p]]
            n_cfg = int(np.prod(cards)) if cards else 1
            counts = np.zeros((self._card(node), n_cfg))
            np.add.at(counts, (full[:, index[node]], flat), 1.0)
            counts += self.pseudo_count
            self.cpds_[node] = counts / counts.sum(axis=0, keepdims=True)

    def _blanket_nodes(self) -> list[str]:
        children = [b for a, b in self.edges_ if a == LABEL]
        return [LABEL, *children]

    @property
    def markov_blanket_(self) -> list[str]:
        """The label's Markov blanket: parents, children and the children's other parents."""
        check_is_fitted(self, "edges_")
        children = [b for a, b in self.edges_ if a == LABEL]
        nodes = set(self.parents_[LABEL]) | set(children)
        for c in children:
            nodes |= set(self.parents_[c])
        nodes.discard(LABEL)
        return [f for f in self.feature_names_in_ if f in nodes]

    # --- inference ------------------------------------------------------------------------
    def _log_odds(self, states: np.ndarray) -> np.ndarray:
        index = {n: j for j, n in enumerate(self.feature_names_in_)}
        logp = np.zeros((len(states), 2))
        for node in self._blanket_nodes():
            cpd = np.log(self.cpds_[node])
            for k in (0, 1):
                flat = np.zeros(len(states), dtype="int64")
                for p in self.parents_[node]:
                    flat = flat * self._card(p) + (k if p == LABEL else states[:, index[p]])
                value = np.full(len(states), k) if node == LABEL else states[:, index[node]]
                logp[:, k] += cpd[value, flat]
        return logp[:, 1] - logp[:, 0]

    def _raw_proba(self, states: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self._log_odds(states)))

    def _fit_core(self, frame: pd.DataFrame, y01: np.ndarray) -> None:
        self._fit_bins(frame)
        states = self._states(frame)
        self.edges_ = self._learn_structure(states, y01)
        self._fit_cpds(states, y01)
        self.reference_states_ = np.array(
            [np.bincount(states[:, j]).argmax() for j in range(states.shape[1])]
        )

    def fit(self, X: Any, y: Any) -> BayesNetModel:
        frame, y01 = self._frame_for_fit(X, y)
        self.calibrator_ = Calibrator("none")
        split = (
            self.calibration != "none"
            and self.valid_fraction > 0
            and len(y01) >= 50
            and min(np.bincount(y01)) >= 5
        )
        if split:
            tr, va = train_test_split(
                np.arange(len(y01)),
                test_size=self.valid_fraction,
                stratify=y01,
                random_state=self.random_state,
            )
            self._fit_core(frame.iloc[tr], y01[tr])
            raw = self._raw_proba(self._states(frame.iloc[va]))
            self.calibrator_ = Calibrator(self.calibration).fit(raw, y01[va])
        self._fit_core(frame, y01)
        self._set_threshold(y01, self._proba(frame))
        return self

    def _proba(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.calibrator_(self._raw_proba(self._states(frame))))

    def what_if(self, X: Any, changes: dict[str, Any]) -> np.ndarray:
        """P(label) for each row had the given indicators taken the given values, e.g.
        ``what_if(X, {"incident_hours": 0})``: the probability if the incident had not happened."""
        frame = self._frame_for_predict(X).copy()
        for name, value in changes.items():
            if name not in frame.columns:
                from cxradar.errors import did_you_mean

                raise ModelError(
                    f"what-if names unknown indicator '{name}'.{did_you_mean(name, list(frame.columns))}",
                    fix="use a column the model was fitted on",
                )
            frame[name] = value
        return self._proba(frame)

    def contributions(self, X: Any) -> pd.DataFrame:
        """Per indicator, the change in log-odds against setting it to its most common state."""
        frame = self._frame_for_predict(X)
        states = self._states(frame)
        base = self._log_odds(states)
        out = np.zeros(states.shape)
        for j, name in enumerate(self.feature_names_in_):
            if name in self.markov_blanket_:
                moved = states.copy()
                moved[:, j] = self.reference_states_[j]
                out[:, j] = base - self._log_odds(moved)
        result = pd.DataFrame(out, columns=list(self.feature_names_in_))
        result.index = X.index if isinstance(X, pd.DataFrame) else pd.RangeIndex(len(result))
        return result

    # --- persistence ----------------------------------------------------------------------
    @property
    def summary(self) -> pd.DataFrame:
        """The learned structure: one row per edge (parent -> child), marked when it touches the
        target's Markov blanket (no intervals)."""
        check_is_fitted(self, "edges_")
        blanket = set(self.markov_blanket_)
        return pd.DataFrame(
            {
                "parent": [a for a, _ in self.edges_],
                "child": [b for _, b in self.edges_],
                "in_markov_blanket": [a in blanket or b in blanket for a, b in self.edges_],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "edges_")
        return {
            "params": self.get_params(),
            "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            "features": list(self.feature_names_in_),
            "bins": self.bins_,
            "edges": [list(e) for e in self.edges_],
            "cpds": {k: v.tolist() for k, v in self.cpds_.items()},
            "reference_states": self.reference_states_.tolist(),
            "calibrator": self.calibrator_.to_dict(),
            "threshold": self.threshold_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BayesNetModel:
        params = dict(data["params"])
        if params.get("required_edges"):
            params["required_edges"] = [tuple(e) for e in params["required_edges"]]
        model = cls(**params)
        model.classes_ = np.array(data["classes"])
        model.feature_names_in_ = np.array(data["features"], dtype=object)
        model.n_features_in_ = len(data["features"])
        model.bins_ = data["bins"]
        model.edges_ = [(str(a), str(b)) for a, b in data["edges"]]
        model.parents_ = {n: [] for n in [*model.feature_names_in_, LABEL]}
        for a, b in model.edges_:
            model.parents_[b].append(a)
        model.cpds_ = {k: np.array(v) for k, v in data["cpds"].items()}
        model.reference_states_ = np.array(data["reference_states"])
        model.calibrator_ = Calibrator.from_dict(data["calibrator"])
        model.threshold_ = float(data["threshold"])
        return model

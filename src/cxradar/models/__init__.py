"""Models, evaluation and reasons (capability C6), shared by identification and churn.

Estimators follow the scikit-learn contract and give calibrated probabilities:
``logit`` (:class:`LogitModel`), ``bayesnet`` (:class:`BayesNetModel`), ``bn-logit``
(:class:`BNLogitModel`) and ``gbm`` (:class:`GBMModel`); build them with :func:`make_model`.
Then :func:`explain` for reasons, :mod:`~cxradar.models.evaluate` for metrics,
:func:`cross_validate` / :func:`time_split` for validation, :func:`save_model` /
:func:`load_model` for JSON persistence and :func:`to_sql` for the warehouse scoring script.
"""

from cxradar.models.bayesnet import BayesNetModel
from cxradar.models.bn_logit import BNLogitModel
from cxradar.models.evaluate import (
    by_segment,
    choose_threshold,
    lift_curve,
    reliability_table,
    score_metrics,
    top_share_lift,
)
from cxradar.models.explain import explain, reasons_from_contributions
from cxradar.models.gbm import GBMModel
from cxradar.models.logit import LogitModel
from cxradar.models.persist import load_model, save_model
from cxradar.models.registry import KINDS, kind_of, make_model
from cxradar.models.sql import contribution_aliases, to_sql
from cxradar.models.table import FlatTable, coerce_numeric_text, parse_target, prepare_table
from cxradar.models.validation import CVResult, cross_validate, time_split

__all__ = [
    "KINDS",
    "BNLogitModel",
    "BayesNetModel",
    "CVResult",
    "FlatTable",
    "GBMModel",
    "LogitModel",
    "by_segment",
    "choose_threshold",
    "coerce_numeric_text",
    "contribution_aliases",
    "cross_validate",
    "explain",
    "kind_of",
    "lift_curve",
    "load_model",
    "make_model",
    "parse_target",
    "prepare_table",
    "reasons_from_contributions",
    "reliability_table",
    "save_model",
    "score_metrics",
    "time_split",
    "to_sql",
    "top_share_lift",
]

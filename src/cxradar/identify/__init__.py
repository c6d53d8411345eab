"""Identification of dissatisfied customers (capabilities C4, C5).

The explicit pool (:func:`update_pool`), the three kinds of potentially dissatisfied customers
(:func:`incident_hits`, :func:`channel_silent`, :func:`fit_identifier`, :func:`flag_kinds`,
:func:`describe_potential`) and the evaluation against the simulator's truth
(:func:`evaluate_against_truth`). Pure functions over DataFrames; the monthly run that reads and
writes files is :mod:`cxradar.pipeline`.
"""

from cxradar.identify.config import IdentifyConfig, PoolConfig, PotentialConfig, load_identify_config
from cxradar.identify.incidents import incident_exposure, incident_hits
from cxradar.identify.pool import (
    HISTORY_COLUMNS,
    POOL_COLUMNS,
    empty_history,
    pool_from_history,
    replay_pool,
    update_pool,
)
from cxradar.identify.potential import POTENTIAL_COLUMNS, cause_from_factors, describe_potential, flag_kinds
from cxradar.identify.predicted import (
    FittedIdentifier,
    feature_columns,
    fit_identifier,
    holdout_mask,
    identifier_estimator,
    train_identifier,
    training_set,
)
from cxradar.identify.silent import channel_silent
from cxradar.identify.truth_eval import evaluate_against_truth

__all__ = [
    "HISTORY_COLUMNS",
    "POOL_COLUMNS",
    "POTENTIAL_COLUMNS",
    "FittedIdentifier",
    "IdentifyConfig",
    "PoolConfig",
    "PotentialConfig",
    "cause_from_factors",
    "channel_silent",
    "describe_potential",
    "empty_history",
    "evaluate_against_truth",
    "feature_columns",
    "fit_identifier",
    "flag_kinds",
    "holdout_mask",
    "identifier_estimator",
    "incident_exposure",
    "incident_hits",
    "load_identify_config",
    "pool_from_history",
    "replay_pool",
    "train_identifier",
    "training_set",
    "update_pool",
]

"""Churn (capability C11): definitions, exclusions, features with satisfaction signals, models
with time-based validation, likely churners with factors, corporate-group alerts, multi-SIM.

Settings: ``conf/churn.yaml`` (:func:`load_churn_config`). The monthly run calls
:func:`churn_step`; the CLI is ``cxradar churn train|score|report``. See docs/churn.md.
"""

from cxradar.churn.config import ChurnConfig, Definition, load_churn_config
from cxradar.churn.dataset import ChurnFrames, churn_frames, load_churn_tables
from cxradar.churn.exclusions import EXCLUSION_LABELS, Exclusions, apply_exclusions
from cxradar.churn.groups import GROUP_SIGNALS, evaluate_group_alerts, group_alerts
from cxradar.churn.labels import label_churn, last_observed_month, passive_churn_in_window
from cxradar.churn.model import fit_churn_model, model_columns, signal_share, time_validation
from cxradar.churn.multisim import MULTI_SIM_COLUMNS, evaluate_multi_sim, multi_sim_flags
from cxradar.churn.score import CHURNER_COLUMNS, feature_labels, score_churn
from cxradar.churn.signals import SIGNAL_COLUMNS, SatisfactionSignals, satisfaction_signals
from cxradar.churn.step import churn_step, plan_months, score_month, train_churn
from cxradar.churn.truth_eval import evaluate_churn_list

__all__ = [
    "CHURNER_COLUMNS",
    "EXCLUSION_LABELS",
    "GROUP_SIGNALS",
    "MULTI_SIM_COLUMNS",
    "SIGNAL_COLUMNS",
    "ChurnConfig",
    "ChurnFrames",
    "Definition",
    "Exclusions",
    "SatisfactionSignals",
    "apply_exclusions",
    "churn_frames",
    "churn_step",
    "evaluate_churn_list",
    "evaluate_group_alerts",
    "evaluate_multi_sim",
    "feature_labels",
    "fit_churn_model",
    "group_alerts",
    "label_churn",
    "last_observed_month",
    "load_churn_config",
    "load_churn_tables",
    "model_columns",
    "multi_sim_flags",
    "passive_churn_in_window",
    "plan_months",
    "satisfaction_signals",
    "score_churn",
    "score_month",
    "signal_share",
    "time_validation",
    "train_churn",
]

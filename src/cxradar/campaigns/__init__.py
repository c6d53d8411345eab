"""Care campaigns (C8): control groups by power, effect evaluation, contribution, ROI, uplift.

The monthly steps :func:`care_step` and :func:`evaluate_campaign_step` live in
:mod:`cxradar.campaigns.step` (they use :mod:`cxradar.care` too).
"""

from cxradar.campaigns.config import CampaignConfig, load_campaign_config
from cxradar.campaigns.design import control_size, design_campaign, primary_kind
from cxradar.campaigns.evaluate import evaluate_campaign, mark_resolved, normalise_outcomes
from cxradar.campaigns.stats import effect_on_treated, mean_diff, prop_diff
from cxradar.campaigns.uplift import TLearner, XLearner, auuc, qini_coefficient, qini_curve, uplift_features

__all__ = [
    "CampaignConfig",
    "TLearner",
    "XLearner",
    "auuc",
    "control_size",
    "design_campaign",
    "effect_on_treated",
    "evaluate_campaign",
    "load_campaign_config",
    "mark_resolved",
    "mean_diff",
    "normalise_outcomes",
    "primary_kind",
    "prop_diff",
    "qini_coefficient",
    "qini_curve",
    "uplift_features",
]

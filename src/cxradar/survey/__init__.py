"""Survey, touchpoint, complaint and behaviour analytics (capability C10) and the monthly survey
report; the report's CSI section comes from :mod:`cxradar.csi` (this package uses it, never the
reverse).
"""

from cxradar.survey.behaviour import behaviour_correlations, respondent_features
from cxradar.survey.complaints import complaint_concentration, repeat_complainants, resolution_table
from cxradar.survey.config import SurveyConfig, load_survey_config
from cxradar.survey.output import write_survey_report
from cxradar.survey.report import build_survey_views, load_survey_tables, survey_report
from cxradar.survey.scores import (
    band_summary,
    compare_groups,
    prepare_responses,
    score_distribution,
    wave_trend,
)
from cxradar.survey.touchpoints import touchpoint_importance, touchpoint_priorities, touchpoint_scores

__all__ = [
    "SurveyConfig",
    "band_summary",
    "behaviour_correlations",
    "build_survey_views",
    "compare_groups",
    "complaint_concentration",
    "load_survey_config",
    "load_survey_tables",
    "prepare_responses",
    "repeat_complainants",
    "resolution_table",
    "respondent_features",
    "score_distribution",
    "survey_report",
    "touchpoint_importance",
    "touchpoint_priorities",
    "touchpoint_scores",
    "wave_trend",
    "write_survey_report",
]

"""Customer satisfaction: the CSI by PLS path modelling (index, drivers, IPMA) and survey analytics.

Names are imported lazily (PEP 562) so that ``cxradar csi`` does not pay for the survey
analytics' scipy.stats imports, and vice versa. Add a new public name to ``_EXPORTS``.
"""

from __future__ import annotations

import importlib
from typing import Any

# These two share their module's name: bind the functions now, or importing the submodule
# would leave the module object in their place.
from cxradar.csi.csi_report import csi_report as csi_report
from cxradar.csi.ipma import ipma as ipma

_EXPORTS: dict[str, str] = {
    "BootstrapResult": "bootstrap",
    "Construct": "spec",
    "IPMAResult": "ipma",
    "ModelSpec": "spec",
    "PLSPathModel": "pls",
    "SurveyConfig": "survey_config",
    "TEMPLATES": "spec",
    "band_summary": "survey",
    "behaviour_correlations": "behaviour",
    "build_survey_views": "report",
    "compare_groups": "survey",
    "complaint_concentration": "complaints",
    "csi_report": "csi_report",
    "fit_survey": "csi_report",
    "ipma": "ipma",
    "load_model_spec": "spec",
    "load_survey_config": "survey_config",
    "load_survey_tables": "report",
    "prepare_responses": "survey",
    "repeat_complainants": "complaints",
    "resolution_table": "complaints",
    "respondent_features": "behaviour",
    "score_distribution": "survey",
    "survey_report": "report",
    "touchpoint_importance": "touchpoints",
    "touchpoint_priorities": "touchpoints",
    "touchpoint_scores": "touchpoints",
    "wave_trend": "survey",
    "write_survey_report": "survey_output",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cxradar.csi' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"cxradar.csi.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

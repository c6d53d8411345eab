"""The Customer Satisfaction Index by PLS path modelling: model files, estimation, bootstrap
intervals, reliability and validity, the importance-performance map and the 0-100 index.

Survey, touchpoint and complaint analytics live in :mod:`cxradar.survey`, which uses this package.
"""

from cxradar.csi.bootstrap import BootstrapResult
from cxradar.csi.csi_report import csi_report, fit_survey
from cxradar.csi.ipma import IPMAResult, ipma
from cxradar.csi.pls import PLSPathModel
from cxradar.csi.spec import TEMPLATES, Construct, ModelSpec, load_model_spec

__all__ = [
    "TEMPLATES",
    "BootstrapResult",
    "Construct",
    "IPMAResult",
    "ModelSpec",
    "PLSPathModel",
    "csi_report",
    "fit_survey",
    "ipma",
    "load_model_spec",
]

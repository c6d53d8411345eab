"""Per-subscriber features as of a month (capability C3).

``build_feature_months(engine, months, cache_dir=..., fingerprint=...)`` builds the feature tables
of several as-of months on an engine from monthly base aggregates computed once per calendar month
and cached; ``build_features(tables_dir, month)`` is the one-month form over a folder of tables;
``feature_catalog()`` names and labels (en / zh) every column; ``build_incident_exposure`` gives
the incident matches of the identification step as a relation. See docs/features.md.
"""

from __future__ import annotations

from cxradar.features.build import build_features, feature_models, open_engine, warehouse_statements
from cxradar.features.catalog import feature_catalog
from cxradar.features.months import build_feature_months, table_relation

__all__ = [
    "build_feature_months",
    "build_features",
    "feature_catalog",
    "feature_models",
    "open_engine",
    "table_relation",
    "warehouse_statements",
]

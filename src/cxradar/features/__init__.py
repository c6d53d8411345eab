"""Per-subscriber features as of a month (capability C3).

``build_features(tables_dir, month)`` runs the SQL models in ``cxradar/sql`` on DuckDB (or Spark)
and returns one row per subscriber active in the month; ``feature_catalog()`` names and labels
(en / zh) every column. See docs/features.md.
"""

from __future__ import annotations

from cxradar.features.build import build_features, feature_models
from cxradar.features.catalog import feature_catalog

__all__ = ["build_features", "feature_catalog", "feature_models"]

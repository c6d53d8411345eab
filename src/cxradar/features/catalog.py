"""The feature catalog: every feature's name, kind and its English and Chinese labels.

It is read from the headers of the ``feat_*`` SQL files, so the words that explain a model's
factors to people ("近3个月网络类投诉次数") live next to the SQL that computes them.
"""

from __future__ import annotations

import pandas as pd

from cxradar.engine.sqlmodel import SqlModel, load_models
from cxradar.errors import ConfigError

__all__ = ["CATALOG_COLUMNS", "catalog_models", "feature_catalog"]

CATALOG_COLUMNS = ["name", "en", "zh", "description", "sql_file", "kind"]


def catalog_models(models: dict[str, SqlModel] | None = None) -> list[SqlModel]:
    """The models whose columns are features (``catalog: true`` in the header), in the order the
    ``features`` model joins them (so the catalog lists columns in table order)."""
    models = models if models is not None else load_models()
    joined = list(models["features"].depends_on) if "features" in models else []
    chosen = [m for m in models.values() if m.catalog]
    return sorted(chosen, key=lambda m: joined.index(m.name) if m.name in joined else len(joined))


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text.split(". ")[0].rstrip(".") + "." if text else ""


def feature_catalog(models: dict[str, SqlModel] | None = None) -> pd.DataFrame:
    """One row per feature column of :func:`cxradar.features.build_features` (not ``msisdn``):
    name, en, zh, description, sql_file, kind (``numeric`` or ``categorical``)."""
    rows = []
    seen: dict[str, str] = {}
    for model in catalog_models(models):
        for column in model.columns:
            if column.kind == "key":
                continue
            if column.name in seen:
                raise ConfigError(
                    f"feature '{column.name}' is declared by both {seen[column.name]} and {model.path.name}",
                    fix="rename one of them",
                )
            seen[column.name] = model.path.name
            rows.append(
                {
                    "name": column.name,
                    "en": column.en,
                    "zh": column.zh,
                    "description": f"{column.en}. {_first_sentence(model.description)}",
                    "sql_file": model.path.name,
                    "kind": column.kind,
                }
            )
    return pd.DataFrame(rows, columns=CATALOG_COLUMNS)

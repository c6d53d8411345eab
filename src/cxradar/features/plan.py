"""Which SQL models are monthly bases and which are windows, and which months each as-of month needs.

The feature SQL has two layers:

* **base** models (``base_*.sql``) - one row per subscriber (or incident x subscriber) and
  *calendar month*, holding integer sums in fixed-point units. They do not depend on the as-of
  month, so each calendar month is computed once and cached (:mod:`cxradar.features.cache`). They
  run over a *batch* of consecutive months at once (one scan of each input table per batch).
* **window** models (``population``, ``*_window``, ``feature_inputs``, ``feat_*``, ``features``) -
  combine the base rows of the months before an as-of month M (six for usage, three for contacts,
  surveys and incidents, M itself for cells) into the feature table of M. What may still change
  after a month closes (a complaint's resolution) or has no fixed look-back (the latest contact
  ever) is read from the small contract tables directly.

The ``feat_*`` models are projections of ``feature_inputs``; :func:`composed_features_sql` turns the
``features`` model (their join on msisdn) into the equivalent single select, which engines run far
faster than self-joins. Everything here is pure: model lists, month arithmetic, SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlglot
from sqlglot import exp

from cxradar.contract.schema import load_contracts
from cxradar.engine.params import WINDOW_MONTHS
from cxradar.engine.sqlmodel import SqlModel, load_models, order_models, render
from cxradar.errors import ConfigError
from cxradar.months import month_date, month_index, month_shift

__all__ = [
    "BASE_LOOKBACK",
    "BASE_MODELS",
    "BASE_SOURCES",
    "FEATURE_MODEL",
    "MONTHS_RELATION",
    "POPULATION_MODEL",
    "FeatureModels",
    "base_months_needed",
    "composed_features_sql",
    "contiguous_runs",
    "feature_model_set",
    "months_sql",
    "normalise_month",
    "window_months",
]

FEATURE_MODEL = "features"
INPUTS_MODEL = "feature_inputs"
POPULATION_MODEL = "population"  # who gets features (a subset run filters it)
# the cached monthly bases, in the order they are computed, and how many months ending with the
# as-of month each window reads of them
BASE_LOOKBACK = {
    "base_usage": 6,
    "base_contacts": 3,
    "base_surveys": 3,
    "base_cells": 1,
    "base_incident_hits": 3,
}
BASE_MODELS = tuple(BASE_LOOKBACK)
# relations the base models read besides the contract tables: the batch's months and the
# exploded incident scope (a view with no month in it)
MONTHS_RELATION = "base_months"
BASE_SOURCES = (MONTHS_RELATION,)


@dataclass(frozen=True)
class FeatureModels:
    """The parsed models of the feature SQL, split into the two layers (each in run order)."""

    helpers: tuple[SqlModel, ...]  # views the base models read (incident_scope)
    base: tuple[SqlModel, ...]
    window: tuple[SqlModel, ...]

    @property
    def all(self) -> tuple[SqlModel, ...]:
        return self.helpers + self.base + self.window


@cache
def feature_model_set() -> FeatureModels:
    """The shipped feature models (read once per process)."""
    models = load_models()
    sources = set(load_contracts())
    base_side = order_models(models, sources | set(BASE_SOURCES), targets=list(BASE_MODELS))
    helpers = tuple(m for m in base_side if m.name not in BASE_MODELS)
    base = tuple(models[name] for name in BASE_MODELS)
    below = set(BASE_MODELS) | {m.name for m in helpers}
    window_side = {n: m for n, m in models.items() if n not in below}
    window = tuple(order_models(window_side, sources | below, targets=[FEATURE_MODEL]))
    return FeatureModels(helpers=helpers, base=base, window=window)


def normalise_month(month: str) -> str:
    """``'2026-06'`` or ``'2026-06-01'`` -> ``'2026-06'`` (a bad month is a clear error)."""
    first = month_date(month)
    return f"{first.year:04d}-{first.month:02d}"


def window_months(month: str, months: int = WINDOW_MONTHS) -> list[str]:
    """The ``months`` calendar months ending with ``month`` (default: the 6-month window)."""
    return [month_shift(month, -k) for k in range(months - 1, -1, -1)]


def base_months_needed(as_of: list[str], model: str) -> list[str]:
    """Every calendar month of base ``model`` some as-of month in ``as_of`` reads, sorted."""
    back = BASE_LOOKBACK[model]
    return sorted({m for month in as_of for m in window_months(month, back)}, key=month_index)


def contiguous_runs(months: list[str]) -> list[tuple[str, str]]:
    """Sorted months as (first, last) runs of consecutive months: each run is one base batch."""
    runs: list[tuple[str, str]] = []
    for month in sorted(set(months), key=month_index):
        if runs and month_index(month) == month_index(runs[-1][1]) + 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def months_sql(first: str, last: str) -> str:
    """The ``base_months`` relation for a batch: one row per month with its number and bounds."""
    rows = []
    month = first
    while month_index(month) <= month_index(last):
        start, end = month_date(month), month_date(month_shift(month, 1))
        rows.append(
            f"SELECT CAST({month_index(month)} AS BIGINT) AS month_index, "
            f"DATE '{start.isoformat()}' AS month_start, DATE '{end.isoformat()}' AS month_end"
        )
        month = month_shift(month, 1)
    return " UNION ALL ".join(rows)


def composed_features_sql(models: FeatureModels, params: dict[str, str]) -> str:
    """The ``features`` model as one select over ``feature_inputs``: the select lists of the
    ``feat_*`` models it joins, in its order (the same table as the join, without self-joins).

    A ``feat_*`` model must be a plain projection ``SELECT msisdn, ... FROM feature_inputs``;
    anything else is a :class:`ConfigError` naming the file."""
    by_name = {m.name: m for m in models.window}
    columns = ["msisdn"]
    for name in by_name[FEATURE_MODEL].depends_on:
        model = by_name[name]
        tree = sqlglot.parse_one(render(model, params), read="duckdb")
        source = tree.args.get("from_") if isinstance(tree, exp.Select) else None
        plain = (
            isinstance(tree, exp.Select)
            and isinstance(source, exp.From)
            and isinstance(source.this, exp.Table)
            and source.this.name == INPUTS_MODEL
            and not any(tree.args.get(k) for k in ("joins", "where", "group", "having", "with_", "qualify"))
        )
        first = tree.expressions[0] if isinstance(tree, exp.Select) and tree.expressions else None
        if not plain or not isinstance(first, exp.Column) or first.name != "msisdn":
            raise ConfigError(
                f"{model.path}: a feat_* model must be 'SELECT msisdn, ... FROM {INPUTS_MODEL}'",
                fix=f"compute the inputs in {INPUTS_MODEL} (or a model it joins) and keep the feat_* file a projection",
            )
        columns += [e.sql(dialect="duckdb") for e in tree.expressions[1:]]
    return "SELECT\n    " + ",\n    ".join(columns) + f"\nFROM {INPUTS_MODEL}"

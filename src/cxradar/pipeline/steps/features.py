"""Step ``features``: the feature table as of every month the run needs, cached in RUN_DIR.

Identification trains on the respondents of its training window (the last ``train_window_months``
months, longer when respondents are few; features as of each answer's month) and scores the run's month; churn trains on earlier as-of months. The
tables come from :func:`cxradar.features.build_feature_months`: monthly base aggregates computed
once per calendar month, cached under ``RUN_DIR/features/`` keyed by the validated inputs'
fingerprint and the SQL, so next month's run computes one new base month and one new window. Months other than the run's
are computed for the subscribers they are read for only (:func:`feature_subsets`).
"""

from __future__ import annotations

from typing import Any

from cxradar.engine.params import timestamp_literal
from cxradar.features import build_feature_months
from cxradar.months import month_bounds
from cxradar.pipeline.context import RunContext

__all__ = ["build_features_step", "feature_months"]


def feature_months(ctx: RunContext) -> list[str]:
    """As-of months needed by identification (training window) and churn (training + scoring)."""
    from cxradar.pipeline.steps.identify import training_months

    months = set(training_months(ctx))
    if ctx.churn_config is not None:
        from cxradar.churn.step import plan_months

        plan = plan_months(ctx.month, ctx.churn_config)
        months |= set(plan["train"]) | {ctx.month}
    return sorted(months)


def _respondents_sql(month: str) -> str:
    start, end = month_bounds(month)
    return (
        f"SELECT DISTINCT msisdn FROM surveys WHERE answered_at >= {timestamp_literal(start)} "
        f"AND answered_at < {timestamp_literal(end)}"
    )


def feature_subsets(ctx: RunContext, months: list[str]) -> dict[str, str]:
    """The months whose features are needed for some subscribers only, with a relation of them.

    The run's month is scored whole. Another month of the identification window is read for its
    survey respondents only; a churn training month for the training sample's lines (drawn here,
    :func:`~cxradar.pipeline.steps.churn_table.training_sample`) and its respondents - or whole,
    when the training rows fit ``training.max_train_rows`` without sampling."""
    engine = ctx.engine
    whole = {ctx.month}
    sample: dict[str, Any] = {"sampled": False, "rates": {}}
    if ctx.churn_config is not None:
        from cxradar.churn.step import plan_months
        from cxradar.pipeline.steps.churn_table import SAMPLE_KEYS, training_sample

        train = plan_months(ctx.month, ctx.churn_config)["train"]
        last = ctx.last_usage_month()
        if last is not None:
            sample = training_sample(ctx, train, last)
            ctx.results["churn_sample"] = sample
        whole |= {m for m in train if m not in sample["rates"]}
    subsets = {}
    for month in months:
        if month in whole:
            continue
        parts = [_respondents_sql(month)]
        if month in sample["rates"]:
            parts.append(f"SELECT msisdn FROM {SAMPLE_KEYS} WHERE as_of_month = '{month}'")
        name = "features_subset_" + month.replace("-", "_")
        engine.create_table(name, " UNION ".join(parts))
        subsets[month] = name
    return subsets


def build_features_step(ctx: RunContext, months: list[str] | None = None) -> dict[str, Any]:
    """Features as of each month (cached); registers ``features_YYYY_MM`` relations."""
    months = months or feature_months(ctx)
    subsets = feature_subsets(ctx, months)
    tables = build_feature_months(
        ctx.engine,
        months,
        cache_dir=ctx.layout.features_cache,
        fingerprint=ctx.results["validation"]["fingerprint"],
        subsets=subsets,
        subset_dir=ctx.layout.work / "features_subsets",
    )
    ctx.features.update(tables)
    return {
        "rows_out": ctx.engine.count(ctx.features[ctx.month]),
        "months": months,
        "subsets": {m: ctx.engine.count(r) for m, r in subsets.items()},
    }

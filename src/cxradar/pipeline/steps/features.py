"""Step ``features``: the feature table as of every month the run needs, cached in RUN_DIR.

Identification trains on the respondents of its training window (the last ``train_window_months``
months, longer when respondents are few; features as of each answer's month) and scores the run's month; churn trains on earlier as-of months. The
tables come from :func:`cxradar.features.build_feature_months`: monthly base aggregates computed
once per calendar month, cached under ``RUN_DIR/features/`` keyed by the validated inputs'
fingerprint and the SQL, so next month's run computes one new base month and one new window.
"""

from __future__ import annotations

from typing import Any

from cxradar.features import build_feature_months
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


def build_features_step(ctx: RunContext, months: list[str] | None = None) -> dict[str, Any]:
    """Features as of each month (cached); registers ``features_YYYY_MM`` relations."""
    months = months or feature_months(ctx)
    tables = build_feature_months(
        ctx.engine,
        months,
        cache_dir=ctx.layout.features_cache,
        fingerprint=ctx.results["validation"]["fingerprint"],
    )
    ctx.features.update(tables)
    return {"rows_out": ctx.engine.count(ctx.features[ctx.month]), "months": months}

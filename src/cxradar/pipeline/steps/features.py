"""Step ``features``: the feature table as of every month the run needs, cached in RUN_DIR.

Identification trains on the respondents of the last ``train_window_months`` months (features as
of each answer's month) and scores the run's month; churn trains on earlier as-of months. Each
as-of month's table is written once under ``RUN_DIR/features/<fingerprint>/`` by the engine and
reused by later runs while the validated inputs are unchanged.
"""

from __future__ import annotations

import shutil
from typing import Any

from cxradar.contract.schema import load_contracts
from cxradar.engine.params import month_params
from cxradar.engine.sqlmodel import load_models, order_models, render
from cxradar.features.build import FEATURE_MODEL
from cxradar.pipeline.context import RunContext

__all__ = ["build_features_step", "feature_months", "relation_name"]


def relation_name(month: str) -> str:
    """The engine relation holding the features as of ``month``."""
    return "features_" + month.replace("-", "_")


def feature_months(ctx: RunContext) -> list[str]:
    """As-of months needed by identification (training window) and churn (training + scoring)."""
    months = set(ctx.months_back(ctx.config.potential.train_window_months))
    if ctx.churn_config is not None:
        from cxradar.churn.step import plan_months

        plan = plan_months(ctx.month, ctx.churn_config)
        months |= set(plan["train"]) | {ctx.month}
    return sorted(months)


def build_features_step(ctx: RunContext, months: list[str] | None = None) -> dict[str, Any]:
    """Features as of each month (cached); registers ``features_YYYY_MM`` relations."""
    months = months or feature_months(ctx)
    stamp = ctx.results["validation"]["fingerprint"][:16]
    cache = ctx.layout.features_cache
    if cache.is_dir():
        for stale in cache.iterdir():
            if stale.is_dir() and stale.name != stamp:
                shutil.rmtree(stale, ignore_errors=True)
            elif stale.is_file() and stale.suffix == ".parquet":
                stale.unlink()  # the single-file cache of earlier versions
    models = order_models(load_models(), set(load_contracts()), targets=[FEATURE_MODEL])
    rows = 0
    for month in months:
        path = cache / stamp / month
        if not (path / "_SUCCESS").is_file():
            params = month_params(month)
            for model in models:
                sql = render(model, params)
                if model.materialized == "table":
                    ctx.engine.create_table(model.name, sql)
                else:
                    ctx.engine.create_view(model.name, sql)
            ctx.engine.write_sharded(f"SELECT * FROM {FEATURE_MODEL}", path)
            (path / "_SUCCESS").touch()
        name = relation_name(month)
        ctx.engine.register_parquet(name, path, sharded=True)
        ctx.features[month] = name
    rows = ctx.engine.count(ctx.features[ctx.month])
    return {"rows_out": rows, "months": months}

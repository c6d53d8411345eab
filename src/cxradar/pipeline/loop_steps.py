"""The closed loop's steps around identification: last month's campaign, CSI and survey, care, churn.

Each step delegates to the capability's own step function and keeps its JSON-ready result in
``ctx.results["sections"]`` under the key the summary printers read (``campaign_evaluation``,
``survey``, ``care``, ``churn``); :func:`write_summary` merges them into ``summary.json``.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from cxradar.engine.files import atomic_write_text
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.report import json_safe

__all__ = ["assign_care", "churn_outlook", "evaluate_last_campaign", "survey_and_csi", "write_summary"]


def _sections(ctx: RunContext) -> dict[str, Any]:
    sections: dict[str, Any] = ctx.results.setdefault("sections", {})
    return sections


def evaluate_last_campaign(ctx: RunContext) -> None:
    """Evaluate the campaign designed last month (before the pool update, so its exits count)."""
    from cxradar.campaigns.step import evaluate_campaign_step
    from cxradar.serve.delivery_io import apply_deliveries, read_deliveries

    apply_deliveries(ctx.run_dir)  # care channels reported through cxradar serve clears pending flags
    report = evaluate_campaign_step(ctx.run_dir, ctx.data_dir, ctx.month)
    if report.get("evaluated"):
        _sections(ctx)["campaign_evaluation"] = report
    actions = ctx.run_dir / "care_actions.parquet"
    delivered = read_deliveries(ctx.run_dir)
    if (actions.is_file() or len(delivered)) and "care_actions" in ctx.tables:
        given = ctx.tables["care_actions"]
        parts = [given, delivered] + ([pd.read_parquet(actions)] if actions.is_file() else [])
        columns = [c for c in given.columns if all(c in p.columns for p in parts)]
        merged = pd.concat([p[columns] for p in parts if len(p)] or [given[columns]], ignore_index=True)
        ctx.tables["care_actions"] = merged.drop_duplicates(subset=["id"], keep="last")


def survey_and_csi(ctx: RunContext) -> None:
    """The month's survey summary with the CSI index and IPMA (PLS path model)."""
    from cxradar.csi import survey_report

    _sections(ctx)["survey"] = survey_report(ctx.tables_dir, ctx.month)


def assign_care(ctx: RunContext) -> None:
    """Assign care strategies to the flagged customers and design the month's campaign."""
    from cxradar.campaigns.step import care_step

    _sections(ctx)["care"] = care_step(ctx.run_dir, ctx.data_dir, ctx.month)


def churn_outlook(ctx: RunContext) -> None:
    """Churn scores with factors, corporate-group alerts and multi-SIM flags."""
    try:
        from cxradar.churn import churn_step
    except ImportError:  # churn is optional until its package lands
        return
    _sections(ctx)["churn"] = churn_step(ctx.run_dir, ctx.tables_dir, ctx.month)


def write_summary(ctx: RunContext) -> None:
    """Merge the loop's sections into the month's summary and write ``summary.json`` atomically."""
    summary = {**ctx.results["summary"], **_sections(ctx)}
    summary["outputs"] = dict(ctx.outputs)
    path = ctx.run_dir / "summary.json"
    atomic_write_text(json.dumps(json_safe(summary), ensure_ascii=False, indent=2), path)
    ctx.results["summary"] = summary

"""Step ``campaign``: evaluate last month's campaign (before the pool update, so its exits count).

The step ``care`` (assigning this month's care and designing its campaign) is
:mod:`cxradar.pipeline.steps.care_assign`. The evaluation reads last month's plan (the flagged
set of one month, the reason texts kept in Arrow: :func:`_with_reasons` joins them back when the
resolved plan is written), the surveys and contacts of its customers through the engine, and
writes the outcomes, the evaluation and the resolved plan to the month's staging folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.campaigns.design import CARE_ACTION_COLUMNS
from cxradar.campaigns.evaluate import evaluate_campaign, mark_resolved
from cxradar.campaigns.outcomes import outcomes_from_tables, simulated_outcomes
from cxradar.campaigns.step import _simulated_delivery, _uplift_check
from cxradar.care.io import read_decisions, read_table
from cxradar.care.pending import deliver_from_contacts, expire_pending, sync_care_actions
from cxradar.engine.params import timestamp_literal
from cxradar.frames import first_positions
from cxradar.months import month_shift, month_start
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.steps.care_assign import (
    REASON_COLUMNS,
    assign_care_step,
    write_consolidated_actions,
    write_json,
)

__all__ = ["assign_care_step", "evaluate_campaign_step"]


def _write(ctx: RunContext, frame: pd.DataFrame | pa.Table, relative: str) -> None:
    from cxradar.engine.files import atomic_write_parquet

    atomic_write_parquet(frame, ctx.output(relative))


def _with_reasons(frame: pd.DataFrame, reasons: pa.Table) -> pa.Table:
    """``frame`` as an Arrow table with the reason columns of ``reasons`` (msisdn and the texts)
    looked up by msisdn, right after ``cause`` where the potential list has them."""
    table = pa.Table.from_pandas(
        frame.drop(columns=[c for c in REASON_COLUMNS if c in frame.columns]).reset_index(drop=True),
        preserve_index=False,
    )
    at = table.schema.get_field_index("cause") + 1 if "cause" in table.column_names else table.num_columns
    rows = first_positions(table["msisdn"], reasons["msisdn"])
    for offset, name in enumerate(c for c in reasons.column_names if c != "msisdn"):
        texts = reasons[name].cast(pa.large_string()).take(rows)
        table = table.add_column(at + offset, pa.field(name, pa.large_string()), texts)
    return table


def _read(ctx: RunContext, relative: str) -> pd.DataFrame:
    return pd.read_parquet(ctx.layout.current(relative))


def _ts(stamp: pd.Timestamp) -> str:
    return timestamp_literal(pd.Timestamp(stamp))


def _for(ctx: RunContext, name: str, msisdns: pd.Series) -> str:
    """Register the msisdns as a small relation ``name`` and return it (to restrict big tables)."""
    ctx.engine.register_frame(name, pd.DataFrame({"msisdn": msisdns.astype(str).drop_duplicates()}))
    return name


def evaluate_campaign_step(ctx: RunContext) -> dict[str, Any]:
    """Evaluate the campaign designed last month (before the pool update, so its exits count)."""
    config, engine = ctx.care_config, ctx.engine
    from cxradar.serve.delivery_io import apply_deliveries

    delivered = apply_deliveries(ctx.run_dir, read=ctx.layout.current, write=ctx.output)
    ctx.results["deliveries_applied"] = delivered
    prev = month_shift(ctx.month, -1)
    folder = f"care/{prev}"
    if not ctx.layout.exists(f"{folder}/care_plan.parquet"):
        return {"rows_in": 0, "rows_out": 0}
    cfg = ctx.settings.campaign
    seed = int(config.get("seed", 0))
    plan_path = ctx.layout.current(f"{folder}/care_plan.parquet")
    names = pq.read_schema(plan_path).names
    plan = read_decisions(plan_path, columns=[c for c in names if c not in REASON_COLUMNS])
    reasons = pq.read_table(plan_path, columns=["msisdn", *(c for c in REASON_COLUMNS if c in names)])
    who = _for(ctx, "campaign_plan_ids", plan["msisdn"])
    surveys = engine.fetch(
        f"SELECT msisdn, answered_at, overall FROM surveys WHERE msisdn IN (SELECT msisdn FROM {who}) "
        "ORDER BY msisdn, answered_at"
    )
    data_dir = ctx.data_dir
    given = [Path(config["outcomes"])] if config.get("outcomes") else []
    given += [p for p in (data_dir / "care_outcomes.parquet",) if p.exists()]
    if given:
        outcomes, source = read_table(given[0]), f"file {given[0]}"
    elif (data_dir / "truth").is_dir():
        plan = _simulated_delivery(plan)
        outcomes, source = simulated_outcomes(data_dir, plan, prev, seed, surveys), "simulator"
    else:
        subscribers = engine.fetch(
            f"SELECT msisdn, status, status_date FROM subscribers WHERE msisdn IN (SELECT msisdn FROM {who})"
        )
        outcomes, source = outcomes_from_tables(plan, surveys, subscribers), "tables"
    start = pd.to_datetime(plan["assigned_at"]).min()
    contacts = engine.fetch(
        f'SELECT msisdn, "at", channel FROM contacts WHERE "at" >= {_ts(start)} '
        f'AND msisdn IN (SELECT msisdn FROM {who}) ORDER BY msisdn, "at"'
    )
    month = ctx.month
    if ctx.layout.exists(f"{folder}/pending_care.parquet"):
        pending = _read(ctx, f"{folder}/pending_care.parquet")
        pending = deliver_from_contacts(pending, contacts)
        pending = expire_pending(pending, month_start(month, 1))
        _write(ctx, pending, f"{folder}/pending_care.parquet")
        plan = sync_care_actions(plan, pending)
    population = engine.fetch(
        f"SELECT COUNT(*) AS n FROM usage_monthly WHERE month = DATE '{month_start(prev):%Y-%m-%d}'"
    )["n"].iloc[0]
    report = evaluate_campaign(plan, outcomes, cfg=cfg, population=int(population) or None)
    report.update({"evaluated": True, "campaign": f"care-{prev}", "month": month, "outcome_source": source})
    report["uplift_model"] = _uplift_check(plan, outcomes, seed)
    resolved = mark_resolved(plan, outcomes, cfg)
    report["resolved"] = int((resolved["outcome"] == "resolved").sum())
    _write(ctx, outcomes, f"{folder}/care_outcomes.parquet")
    _write(ctx, _with_reasons(resolved, reasons), f"{folder}/care_plan.parquet")
    _write(ctx, resolved[CARE_ACTION_COLUMNS], f"{folder}/care_actions.parquet")
    write_json(report, ctx.output(f"{folder}/campaign_evaluation.json"))
    write_consolidated_actions(ctx)
    ctx.sections["campaign_evaluation"] = report
    return {"rows_in": len(plan), "rows_out": len(resolved)}

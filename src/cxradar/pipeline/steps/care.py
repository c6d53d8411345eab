"""Steps ``campaign`` (evaluate last month's campaign) and ``care`` (assign care, design this
month's campaign), over the flagged set.

Care works on the flagged customers only (explicit pool and potential list: a fifth of the base
at most) with the columns it needs, fetched from the engine: the rules, do-not-disturb, fatigue
and capacity by expected value (:func:`cxradar.care.assign.assign_care`), then the campaign with
its control group (:func:`cxradar.campaigns.design.design_campaign`, randomised by a keyed hash
of msisdn and campaign). The operator's large tables are read through the engine, restricted to
the flagged customers and the windows the policies look at. The reason texts (``reasons_en``,
``reasons_zh``: most of a flagged row's bytes, read by no rule or policy) stay out of pandas: care
runs on the other columns and the texts are joined back in Arrow when care_selected and care_plan
are written (:func:`_with_reasons`), so the main process holds ~20 % less per flagged customer. Files (see
:mod:`cxradar.campaigns.step` for the layout of ``care/YYYY-MM/``) go to the month's staging
folder and are committed with the rest of the month.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.campaigns.design import CARE_ACTION_COLUMNS, design_campaign
from cxradar.campaigns.evaluate import evaluate_campaign, mark_resolved
from cxradar.campaigns.outcomes import outcomes_from_tables, simulated_outcomes
from cxradar.campaigns.step import _simulated_delivery, _uplift_check
from cxradar.campaigns.uplift import XLearner, uplift_features
from cxradar.care.assign import assign_care, flagged_customers
from cxradar.care.io import read_dnd, read_table
from cxradar.care.pending import deliver_from_contacts, expire_pending, make_pending, sync_care_actions
from cxradar.care.rules import apply_rules
from cxradar.contract.parse import quote_ident
from cxradar.engine.base import Engine
from cxradar.engine.files import atomic_write_text
from cxradar.engine.params import timestamp_literal
from cxradar.frames import first_positions
from cxradar.months import month_shift, month_start
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.report import json_safe

__all__ = ["assign_care_step", "evaluate_campaign_step"]


def _write_json(obj: Any, path: Path) -> None:
    import json

    atomic_write_text(json.dumps(json_safe(obj), ensure_ascii=False, indent=2, default=str), path)


def _write(ctx: RunContext, frame: pd.DataFrame | pa.Table, relative: str) -> None:
    from cxradar.engine.files import atomic_write_parquet

    atomic_write_parquet(frame, ctx.output(relative))


REASON_COLUMNS = ("reasons_en", "reasons_zh")


def _without_reasons(engine: Engine, relation: str, order_by: str) -> pd.DataFrame:
    """``relation`` (the potential list or the pool) without its reason texts."""
    kept = [quote_ident(c) for c in engine.columns(relation) if c not in REASON_COLUMNS]
    return engine.fetch(f"SELECT {', '.join(kept)} FROM {relation} ORDER BY {order_by}")


def _reasons(engine: Engine, who: str) -> pa.Table:
    """msisdn and the reason texts of each flagged customer: the potential list's, else the pool's
    (what :func:`cxradar.care.assign.flagged_customers` keeps: the first non-null, potential first)."""
    texts = ", ".join(f"COALESCE(p.{c}, q.{c}) AS {c}" for c in REASON_COLUMNS)
    return engine.fetch_arrow(
        f"SELECT f.msisdn, {texts} FROM (SELECT DISTINCT msisdn FROM {who}) AS f "
        "LEFT JOIN potential_current AS p ON p.msisdn = f.msisdn "
        "LEFT JOIN pool_current AS q ON q.msisdn = f.msisdn"
    )


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


def _care_history(ctx: RunContext, exclude_month: str) -> pd.DataFrame | None:
    parts = []
    given = ctx.engine.fetch("SELECT * FROM care_actions")
    if len(given):
        parts.append(given)
    care_dir = ctx.layout.root / "care"
    months = {p.name for p in care_dir.glob("*") if p.is_dir()} | {
        p.name for p in (ctx.layout.staging / "care").glob("*") if p.is_dir()
    }
    for month in sorted(months - {exclude_month}):
        path = ctx.layout.current(f"care/{month}/care_actions.parquet")
        if path.exists():
            parts.append(pd.read_parquet(path))
    return pd.concat(parts, ignore_index=True) if parts else None


def _write_consolidated(ctx: RunContext) -> None:
    care_dir = ctx.layout.root / "care"
    months = {p.name for p in care_dir.glob("*") if p.is_dir()} | {
        p.name for p in (ctx.layout.staging / "care").glob("*") if p.is_dir()
    }
    parts = [
        pd.read_parquet(ctx.layout.current(f"care/{m}/care_actions.parquet"))
        for m in sorted(months)
        if ctx.layout.exists(f"care/{m}/care_actions.parquet")
    ]
    if parts:
        _write(ctx, pd.concat(parts, ignore_index=True)[CARE_ACTION_COLUMNS], "care_actions.parquet")


def _uplift_scorer(ctx: RunContext, seed: int) -> Any:
    prev = month_shift(ctx.month, -1)
    plan_rel, outcome_rel = f"care/{prev}/care_plan.parquet", f"care/{prev}/care_outcomes.parquet"
    if not (ctx.layout.exists(plan_rel) and ctx.layout.exists(outcome_rel)):
        return None
    plan, outcomes = _read(ctx, plan_rel), _read(ctx, outcome_rel)
    df = plan.merge(outcomes[["msisdn", "post"]], on="msisdn", how="inner").dropna(subset=["post"])
    model = XLearner(random_state=seed).fit(uplift_features(df), df["post"], df["group"].eq("treatment"))
    return lambda table: model.predict(uplift_features(table))


def assign_care_step(ctx: RunContext) -> dict[str, Any]:
    """Rules and policies for the month's flagged customers, then the campaign design."""
    config = ctx.care_config
    engine, month = ctx.engine, ctx.month
    rules, policies = ctx.settings.rules, ctx.settings.policies
    seed = int(config.get("seed", 0))
    potential = _without_reasons(engine, "potential_current", "probability DESC, msisdn")
    pool = _without_reasons(engine, "pool_current", "msisdn")
    who = _for(ctx, "care_flagged_ids", pd.concat([potential["msisdn"], pool["msisdn"]]))
    subscribers = engine.fetch(
        "SELECT msisdn, segment, contact_complete, plan FROM subscribers "
        f"WHERE msisdn IN (SELECT msisdn FROM {who})"
    )
    since, upto = month_start(month, -3), month_start(month)
    values = engine.fetch(
        f"SELECT msisdn, AVG(spend) AS value FROM usage_monthly WHERE month > DATE '{since:%Y-%m-%d}' "
        f"AND month <= DATE '{upto:%Y-%m-%d}' AND msisdn IN (SELECT msisdn FROM {who}) GROUP BY msisdn"
    )
    flagged = flagged_customers(
        potential, pool, subscribers, values.set_index(values["msisdn"].astype(str))["value"]
    )
    as_of = month_start(month, 1) + pd.Timedelta(hours=9)
    window = as_of - pd.Timedelta(days=max(policies.fatigue_windows))
    channels = ", ".join(f"'{c}'" for c in policies.count_contact_channels)
    contacts = engine.fetch(
        f'SELECT msisdn, "at", channel FROM contacts WHERE "at" > {_ts(window)}'
        f" AND channel IN ({channels}) "
        f'AND msisdn IN (SELECT msisdn FROM {who}) ORDER BY msisdn, "at"'
    )
    dnd_path = config.get("dnd") or policies.do_not_disturb
    priority, note = str(config.get("priority", "risk")), ""
    if priority == "uplift":
        scorer = _uplift_scorer(ctx, seed)
        if scorer is None:
            priority, note = "risk", "no evaluated campaign last month to learn uplift from; used risk"
        else:
            flagged["uplift"] = scorer(apply_rules(flagged, rules))
    assignment = assign_care(
        flagged,
        as_of=as_of,
        rules=rules,
        policies=policies,
        care_history=_care_history(ctx, month),
        contacts=contacts,
        dnd=read_dnd(Path(dnd_path)) if dnd_path else None,
        priority=priority,
        plans=ctx.settings.plans,
    )
    n_flagged = len(flagged)
    del flagged
    reasons = _reasons(engine, who)
    out = f"care/{month}"
    _write(ctx, _with_reasons(assignment.selected, reasons), f"{out}/care_selected.parquet")
    _write(ctx, assignment.left_out, f"{out}/care_left_out.parquet")
    cfg = ctx.settings.campaign
    share = config.get("control_share")
    actions, plan, design = design_campaign(
        assignment.selected,
        campaign=f"care-{month}",
        assigned_at=as_of,
        cfg=cfg,
        seed=seed,
        control_share=float(share) if share is not None else None,
    )
    pending = make_pending(plan, policies.pending_expiry_days)
    _write(ctx, _with_reasons(plan, reasons), f"{out}/care_plan.parquet")
    _write(ctx, actions, f"{out}/care_actions.parquet")
    _write(ctx, pending, f"{out}/pending_care.parquet")
    design["pending"] = len(pending)
    _write_json(design, ctx.output(f"{out}/campaign_design.json"))
    _write_consolidated(ctx)
    summary = {**assignment.summary, "month": month, "note": note}
    summary.update(
        {k: design[k] for k in ("campaign", "n_treatment", "n_control", "control_share", "pending")}
    )
    _write_json(summary, ctx.output(f"{out}/care_summary.json"))
    ctx.sections["care"] = summary
    return {"rows_in": n_flagged, "rows_out": len(assignment.selected)}


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
    plan = pd.read_parquet(plan_path, columns=[c for c in names if c not in REASON_COLUMNS])
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
    _write_json(report, ctx.output(f"{folder}/campaign_evaluation.json"))
    _write_consolidated(ctx)
    ctx.sections["campaign_evaluation"] = report
    return {"rows_in": len(plan), "rows_out": len(resolved)}

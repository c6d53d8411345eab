"""Step ``care``: assign care to the month's flagged customers and design its campaign, shard by shard.

The flagged set (explicit pool and potential list) is a fifth of the base: 1.15M customers at
5M subscribers, whose whole decision table held ~3 KB a customer in one pandas process (the
step's peak, ~3.5 GB at 5M, ~14 GB at 20M). So the step runs the :mod:`cxradar.care` and
:mod:`cxradar.campaigns` functions as they are, on one shard's customers at a time, and only two
things are global, each on narrow columns:

1. ``care_decide`` (shard function): :func:`~cxradar.care.assign.flagged_customers`, the rules,
   do-not-disturb, fatigue (the customer's own care history and contacts) and the expected value
   (:func:`~cxradar.care.policies.policy_reasons`); it writes per customer only the columns the
   global parts read (channel, exclusion code, expected value, rule priority, proactive, stratum)
   and ``flag_order``, the customer's place in the flagged table (potential list by probability,
   then the pool), which breaks ties exactly as the one-table functions do.
2. capacity (global, :func:`~cxradar.care.policies.allocate_capacity`) and the campaign's groups
   (global, :func:`~cxradar.campaigns.design.assign_groups` on the selected customers' strata in
   flagged order, so the same seed gives the same groups), on ~60 bytes a customer.
3. ``care_finish`` (shard function): the same decisions again for the shard (cheaper than storing
   the wide table between the passes), then the outcome of capacity, the plan advice, the
   campaign columns and the pending care (:func:`~cxradar.care.policies.finish_policies`,
   :func:`~cxradar.campaigns.design.campaign_plan`, :func:`~cxradar.care.pending.make_pending`).

The files are written by the engine from the shard outputs, in the flagged order, with the reason
texts joined in SQL (they are read by no rule or policy), so they equal what
:func:`~cxradar.care.assign.assign_care` and :func:`~cxradar.campaigns.design.design_campaign`
give on the whole table (``tests/pipeline/test_care_shards.py``). See :mod:`cxradar.campaigns.step`
for the layout of ``care/YYYY-MM/``.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from cxradar.campaigns.design import (
    CARE_ACTION_COLUMNS,
    assign_groups,
    campaign_plan,
    campaign_report,
    campaign_strata,
    control_size,
)
from cxradar.campaigns.uplift import UPLIFT_FEATURES, fit_campaign_uplift, uplift_features
from cxradar.care.assign import _with_plans, flagged_customers
from cxradar.care.io import read_decisions, read_dnd
from cxradar.care.pending import PENDING_COLUMNS, make_pending
from cxradar.care.plans import PLAN_COLUMNS, PlanCatalogue
from cxradar.care.policies import (
    Policies,
    PolicyReasons,
    allocate_capacity,
    finish_policies,
    policy_reasons,
)
from cxradar.care.rules import RuleSet, apply_rules
from cxradar.contract.parse import quote_ident
from cxradar.engine.base import Engine, ShardInput, ShardStep
from cxradar.engine.files import atomic_write_text
from cxradar.engine.params import month_start_literal, timestamp_literal
from cxradar.frames import first_positions
from cxradar.months import month_shift, month_start
from cxradar.pipeline.context import RunContext
from cxradar.pipeline.report import json_safe

__all__ = [
    "REASON_COLUMNS",
    "assign_care_step",
    "care_history_files",
    "write_consolidated_actions",
    "write_json",
]

REASON_COLUMNS = ("reasons_en", "reasons_zh")
_HISTORY_COLUMNS = ("msisdn", "assigned_at", "delivered_at", "channel", "strategy", "group")
_CAMPAIGN_COLUMNS = (
    "primary_kind",
    "stratum",
    "group",
    "campaign",
    "id",
    "assigned_at",
    "delivered_at",
    "outcome",
)
_NARROW = pa.schema(
    [
        ("msisdn", pa.string()),
        ("flag_order", pa.int64()),
        ("channel_code", pa.int64()),
        ("reason", pa.int64()),
        ("expected", pa.float64()),
        ("priority", pa.int64()),
        ("proactive", pa.bool_()),
        ("stratum", pa.string()),
    ]
)
_LEFT_OUT = pa.schema(
    [
        ("msisdn", pa.string()),
        ("reason", pa.string()),
        ("channel", pa.string()),
        ("strategy", pa.string()),
        ("expected_value", pa.float64()),
        ("detail_en", pa.string()),
        ("detail_zh", pa.string()),
        ("fallback", pa.string()),
        ("flag_order", pa.int64()),
    ]
)
_TIMESTAMP = pa.timestamp("us")


def _by_id(column: str) -> str:
    """ORDER BY terms putting care ids ("<campaign>-<position, 7 digits or more>") in position order."""
    return f"LENGTH({column}), {column}"


_PENDING = pa.schema(
    [
        (c, _TIMESTAMP if c in ("created_at", "expires_at", "delivered_at") else pa.string())
        for c in PENDING_COLUMNS
    ]
)
# the columns the rules, the policies, the plan advice and the campaign add, with their types
_DECISION_FIELDS = [
    ("value_tier", pa.string()),
    ("reachable", pa.bool_()),
    ("rule_id", pa.string()),
    ("strategy", pa.string()),
    ("channel", pa.string()),
    ("priority", pa.int64()),
    ("script_en", pa.string()),
    ("script_zh", pa.string()),
    ("remedy", pa.string()),
    ("remedy_action", pa.string()),
    ("remedy_en", pa.string()),
    ("rule_reason_en", pa.string()),
    ("remedy_zh", pa.string()),
    ("rule_reason_zh", pa.string()),
    ("decision_en", pa.string()),
    ("decision_zh", pa.string()),
    ("expected_value", pa.float64()),
    ("scheduled_day", pa.int64()),
    ("policy_note_en", pa.string()),
    ("policy_note_zh", pa.string()),
    ("scheduled_date", _TIMESTAMP),
    ("allowed_hours", pa.string()),
    *[(c, pa.float64() if c.endswith(("_fee", "_saving")) else pa.string()) for c in PLAN_COLUMNS],
    ("primary_kind", pa.string()),
    ("stratum", pa.string()),
    ("group", pa.string()),
    ("campaign", pa.string()),
    ("id", pa.string()),
    ("assigned_at", _TIMESTAMP),
    ("delivered_at", _TIMESTAMP),
    ("outcome", pa.string()),
]


def _plain(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_timestamp(kind):
        return _TIMESTAMP
    return kind


def plan_schema(potential: pa.Schema, pool: pa.Schema, *, uplift: bool = False) -> pa.Schema:
    """The care plan's columns and types: the flagged table's (the potential list's, then the
    pool's own; an integer on one list only becomes a float, as the missing values of the other
    list's rows make it in :func:`~cxradar.care.assign.flagged_customers`), the subscriber columns
    it adds, then the decision columns; ``flag_order`` last (not written)."""
    fields: dict[str, pa.DataType] = {}
    for schema, other in ((potential, pool), (pool, potential)):
        for f in schema:
            if f.name in REASON_COLUMNS or f.name in fields:
                continue
            kind = _plain(f.type)
            if pa.types.is_integer(kind) and f.name not in other.names and f.name != "flag_order":
                kind = pa.float64()
            fields[f.name] = kind
    fields.pop("flag_order", None)
    for name, kind in (
        ("kinds", pa.string()),
        ("probability", pa.float64()),
        ("cause", pa.string()),
        ("segment", pa.string()),
        ("value", pa.float64()),
        ("contact_complete", pa.bool_()),
        ("plan", pa.string()),
    ):
        fields.setdefault(name, kind)
    if uplift:
        fields["uplift"] = pa.float64()
    for name, kind in _DECISION_FIELDS:
        fields.setdefault(name, kind)
    return pa.schema([*fields.items(), ("flag_order", pa.int64())])


# ---------------------------------------------------------------------------- shard functions


def _frame_or_none(frame: pd.DataFrame) -> pd.DataFrame | None:
    return frame if len(frame) else None


def _decisions(
    frames: dict[str, pd.DataFrame],
    *,
    rules: RuleSet,
    policies: Policies,
    as_of: pd.Timestamp,
    priority: str,
    uplift_model: Any,
) -> PolicyReasons:
    """The shard's flagged customers with their rule decisions and pre-capacity policies."""
    values = frames["values"]
    flagged = flagged_customers(
        _frame_or_none(frames["potential"]),
        _frame_or_none(frames["pool"]),
        frames["subscribers"],
        values.set_index(values["msisdn"].astype(str))["value"],
    )
    decided = apply_rules(flagged.drop(columns=[c for c in REASON_COLUMNS if c in flagged.columns]), rules)
    if uplift_model is not None:  # predicted from the decisions; the plan schema places it before them
        decided["uplift"] = uplift_model.predict(uplift_features(decided))
    dnd = frames["dnd"]["msisdn"].astype("string")
    return policy_reasons(
        decided,
        policies,
        as_of=as_of,
        care_history=_frame_or_none(frames["history"]),
        contacts=_frame_or_none(frames["contacts"]),
        dnd=dnd if len(dnd) else None,
        priority=priority,
    )


def _decide_shard(frames: dict[str, pd.DataFrame], **settings: Any) -> dict[str, pd.DataFrame]:
    found = _decisions(frames, **settings)
    decided = found.decided
    _, stratum = campaign_strata(decided)
    return {
        "narrow": pd.DataFrame(
            {
                "msisdn": decided["msisdn"].astype(str).to_numpy(),
                "flag_order": decided["flag_order"].to_numpy(dtype="int64"),
                "channel_code": decided["channel"].cat.codes.to_numpy().astype("int64"),
                "reason": found.reason,
                "expected": found.expected_value,
                "priority": decided["priority"].to_numpy(dtype="int64"),
                "proactive": found.proactive,
                "stratum": stratum.to_numpy(),
            }
        )
    }


def _rows_of(allocation: pd.DataFrame, msisdns: pd.Series) -> np.ndarray:
    """Each msisdn's row in the shard's allocation (every flagged customer has one)."""
    return np.asarray(
        first_positions(msisdns, allocation["msisdn"]).to_numpy(zero_copy_only=False), dtype=np.int64
    )


def _finish_shard(
    frames: dict[str, pd.DataFrame],
    *,
    plans: PlanCatalogue,
    campaign: str,
    expiry_days: int,
    schema: pa.Schema,
    **settings: Any,
) -> dict[str, pd.DataFrame]:
    found = _decisions(frames, **settings)
    allocation = frames["allocation"]
    rows = _rows_of(allocation, found.decided["msisdn"])
    reason = allocation["reason"].to_numpy(dtype="int64")[rows]
    day = allocation["day"].to_numpy(dtype="int64")[rows]
    flag_order = found.decided["flag_order"].to_numpy(dtype="int64")
    result = finish_policies(
        found,
        reason,
        day,
        settings["policies"],
        as_of=settings["as_of"],
        priority=settings["priority"],
        rules=settings["rules"],
    )
    left_out = result.left_out
    left_out["flag_order"] = flag_order[reason > 0]
    selected = _with_plans(result.selected, plans)
    kept = allocation.iloc[_rows_of(allocation, selected["msisdn"])]
    _, plan = campaign_plan(
        selected,
        is_control=kept["control"].to_numpy(dtype=bool),
        positions=kept["position"].to_numpy(dtype="int64"),
        campaign=campaign,
        assigned_at=settings["as_of"],
    )
    for name in schema.names:  # a shard without pool (or potential) rows lacks the other list's columns
        if name not in plan.columns:
            plan[name] = None
    return {"plan": plan, "left_out": left_out, "pending": make_pending(plan, expiry_days)}


# ---------------------------------------------------------------------------- inputs


def care_history_files(ctx: RunContext, exclude_month: str) -> list[Path]:
    """The care_actions files of the run's earlier campaigns (committed or staged), by month."""
    care_dir = ctx.layout.root / "care"
    months = {p.name for p in care_dir.glob("*") if p.is_dir()} | {
        p.name for p in (ctx.layout.staging / "care").glob("*") if p.is_dir()
    }
    found = []
    for month in sorted(months - {exclude_month}):
        relative = f"care/{month}/care_actions.parquet"
        if ctx.layout.exists(relative):
            found.append(ctx.layout.current(relative))
    return found


def _care_actions_union(
    ctx: RunContext, columns: tuple[str, ...] | list[str], *, exclude_month: str
) -> list[str]:
    """SELECTs of ``columns`` from each care_actions file of the run's campaigns but
    ``exclude_month``'s (:func:`care_history_files`), each file registered with the engine."""
    select = ", ".join(quote_ident(c) for c in columns)
    parts = []
    for k, path in enumerate(care_history_files(ctx, exclude_month)):
        ctx.engine.register_parquet(f"care_actions_of_run_{k}", path)
        parts.append(f"SELECT {select} FROM care_actions_of_run_{k}")
    return parts


def _history_view(ctx: RunContext, name: str, since: pd.Timestamp) -> None:
    """``name``: the care history fatigue counts (the care_actions table and the run's own
    campaigns), the columns it reads, since ``since``, of the flagged customers only."""
    columns = ", ".join(quote_ident(c) for c in _HISTORY_COLUMNS)
    parts = [f"SELECT {columns} FROM care_actions"]
    parts += _care_actions_union(ctx, _HISTORY_COLUMNS, exclude_month=ctx.month)
    union = " UNION ALL ".join(parts)
    ctx.engine.create_view(
        name,
        f"SELECT * FROM ({union}) AS h WHERE COALESCE(h.delivered_at, h.assigned_at) > {timestamp_literal(since)} "
        "AND h.msisdn IN (SELECT msisdn FROM care_flagged_ids)",
    )


def _uplift_model(ctx: RunContext, seed: int) -> Any:
    prev = month_shift(ctx.month, -1)
    plan_rel, outcome_rel = f"care/{prev}/care_plan.parquet", f"care/{prev}/care_outcomes.parquet"
    if not (ctx.layout.exists(plan_rel) and ctx.layout.exists(outcome_rel)):
        return None
    plan = read_decisions(
        ctx.layout.current(plan_rel), columns=[*UPLIFT_FEATURES, "kinds", "msisdn", "group"]
    )
    return fit_campaign_uplift(plan, pd.read_parquet(ctx.layout.current(outcome_rel)), seed)


def _inputs(
    ctx: RunContext, policies: Policies, as_of: pd.Timestamp, dnd: pd.Series | None
) -> dict[str, ShardInput]:
    engine, month = ctx.engine, ctx.month
    potential_cols = [c for c in engine.columns("potential_current") if c not in REASON_COLUMNS]
    pool_cols = [c for c in engine.columns("pool_current") if c not in REASON_COLUMNS]
    n_potential = engine.count("potential_current")
    select = ", ".join(quote_ident(c) for c in potential_cols)
    engine.create_view(
        "care_in_potential",
        f"SELECT {select}, ROW_NUMBER() OVER (ORDER BY probability DESC, msisdn) - 1 AS flag_order "
        "FROM potential_current",
    )
    select = ", ".join(quote_ident(c) for c in pool_cols)
    engine.create_view(
        "care_in_pool",
        f"SELECT {select}, ROW_NUMBER() OVER (ORDER BY msisdn) - 1 + {n_potential} AS flag_order FROM pool_current",
    )
    engine.create_view(
        "care_flagged_ids", "SELECT msisdn FROM potential_current UNION SELECT msisdn FROM pool_current"
    )
    engine.create_view(
        "care_in_subscribers",
        "SELECT msisdn, segment, contact_complete, plan FROM subscribers "
        "WHERE msisdn IN (SELECT msisdn FROM care_flagged_ids)",
    )
    engine.create_view(
        "care_in_values",
        f"SELECT msisdn, AVG(spend) AS value FROM usage_monthly WHERE month > {month_start_literal(month, -3)} "
        f"AND month <= {month_start_literal(month)} AND msisdn IN (SELECT msisdn FROM care_flagged_ids) "
        "GROUP BY msisdn",
    )
    window = as_of - pd.Timedelta(days=max(policies.fatigue_windows))
    channels = ", ".join(f"'{c}'" for c in policies.count_contact_channels)
    engine.create_view(
        "care_in_contacts",
        f'SELECT msisdn, "at", channel FROM contacts WHERE "at" > {timestamp_literal(window)} '
        f"AND channel IN ({channels}) AND msisdn IN (SELECT msisdn FROM care_flagged_ids)",
    )
    _history_view(ctx, "care_in_history", window)
    engine.register_frame(
        "care_in_dnd",
        pd.DataFrame({"msisdn": (dnd if dnd is not None else pd.Series([], dtype="string")).astype(str)}),
    )
    return {
        "potential": ShardInput("care_in_potential", order_by=("flag_order",)),
        "pool": ShardInput("care_in_pool", order_by=("flag_order",)),
        "subscribers": ShardInput("care_in_subscribers"),
        "values": ShardInput("care_in_values"),
        "contacts": ShardInput("care_in_contacts", order_by=("msisdn", "at")),
        "history": ShardInput("care_in_history", order_by=("msisdn", "assigned_at")),
        "dnd": ShardInput("care_in_dnd"),
    }


# ---------------------------------------------------------------------------- global parts


def _allocate(
    engine: Engine, policies: Policies, *, share: float | None, seed: int, cfg: Any
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Capacity and the campaign's groups on the narrow table (see the module docstring)."""
    narrow = engine.fetch_arrow("SELECT * FROM care_decide_narrow ORDER BY flag_order")
    reason, day = allocate_capacity(
        narrow["channel_code"].to_numpy(),
        narrow["reason"].to_numpy(),
        narrow["expected"].to_numpy(),
        narrow["priority"].to_numpy(),
        narrow["proactive"].to_numpy(zero_copy_only=False),
        policies,
    )
    kept = np.ones(len(reason), dtype=bool) if policies.on_excluded == "wait_for_contact" else reason == 0
    n = int(kept.sum())
    sizing = control_size(n, cfg)
    used = float(share) if share is not None else sizing["share"]
    strata = narrow["stratum"].filter(pa.array(kept)).to_numpy(zero_copy_only=False)
    is_control, counts = assign_groups(strata, used, seed)
    control = np.zeros(len(reason), dtype=bool)
    control[kept] = is_control
    position = np.full(len(reason), -1, dtype=np.int64)
    position[kept] = np.arange(n)
    allocation = pd.DataFrame(
        {
            "msisdn": narrow["msisdn"].to_numpy(zero_copy_only=False),
            "reason": reason,
            "day": day,
            "control": control,
            "position": position,
        }
    )
    return allocation, {"n": n, "share": used, "sizing": sizing, "strata": counts}


def _counts(engine: Engine, relation: str, column: str, where: str = "") -> dict[str, int]:
    frame = engine.fetch(
        f"SELECT CAST({quote_ident(column)} AS VARCHAR) AS k, COUNT(*) AS n FROM {relation} "
        f"{'WHERE ' + where if where else ''} GROUP BY 1 ORDER BY n DESC, k"
    )
    return {str(k): int(v) for k, v in zip(frame["k"], frame["n"], strict=True) if v}


def _select_with_reasons(schema: pa.Schema, leave_out: tuple[str, ...] = ()) -> str:
    """The plan's columns with the reason texts right after ``cause`` (``flag_order`` last: it
    orders the rows and is not written)."""
    cols: list[str] = []
    for name in schema.names:
        if name == "flag_order" or name in leave_out:
            continue
        cols.append(f"t.{quote_ident(name)}")
        if name == "cause":
            cols += [f"r.{c}" for c in REASON_COLUMNS]
    cols.append("t.flag_order")
    return (
        f"SELECT {', '.join(cols)} FROM care_finish_plan AS t "
        "LEFT JOIN care_reasons AS r ON r.msisdn = t.msisdn"
    )


def write_json(obj: Any, path: Path) -> None:
    """``obj`` as JSON (made JSON-safe: NaN -> null, numpy scalars -> numbers) written atomically."""
    atomic_write_text(json.dumps(json_safe(obj), ensure_ascii=False, indent=2, default=str), path)


def write_consolidated_actions(ctx: RunContext) -> None:
    """RUN_DIR/care_actions.parquet: every campaign's care_actions of the run, by campaign and id."""
    parts = _care_actions_union(ctx, CARE_ACTION_COLUMNS, exclude_month="")
    if parts:
        ctx.engine.write_parquet(
            " UNION ALL ".join(parts),
            ctx.output("care_actions.parquet"),
            order_by=f"campaign, {_by_id('id')}",
        )


def assign_care_step(ctx: RunContext) -> dict[str, Any]:
    """Rules and policies for the month's flagged customers, then the campaign design."""
    config, engine, month = ctx.care_config, ctx.engine, ctx.month
    rules, policies = ctx.settings.rules, ctx.settings.policies
    seed = int(config.get("seed", 0))
    as_of = month_start(month, 1) + pd.Timedelta(hours=9)
    dnd_path = config.get("dnd") or policies.do_not_disturb
    priority, note = str(config.get("priority") or policies.priority), ""
    model = None
    if priority == "uplift":
        model = _uplift_model(ctx, seed)
        if model is None:
            priority, note = "risk", "no evaluated campaign last month to learn uplift from; used risk"
    inputs = _inputs(ctx, policies, as_of, read_dnd(Path(dnd_path)) if dnd_path else None)
    settings: dict[str, Any] = {
        "rules": rules,
        "policies": policies,
        "as_of": as_of,
        "priority": priority,
        "uplift_model": model,
    }
    work = ctx.layout.work
    engine.map_shards(
        ShardStep("care_decide", partial(_decide_shard, **settings), inputs, {"narrow": _NARROW}),
        work / "care_decide",
    )
    share = config.get("control_share")
    allocation, design_facts = _allocate(
        engine,
        policies,
        share=float(share) if share is not None else None,
        seed=seed,
        cfg=ctx.settings.campaign,
    )
    engine.register_frame("care_allocation", allocation)
    del allocation
    campaign = f"care-{month}"
    schema = plan_schema(
        engine.fetch_arrow("SELECT * FROM care_in_potential LIMIT 0").schema,
        engine.fetch_arrow("SELECT * FROM care_in_pool LIMIT 0").schema,
        uplift=model is not None,
    )
    finish = partial(
        _finish_shard,
        plans=ctx.settings.plans,
        campaign=campaign,
        expiry_days=policies.pending_expiry_days,
        schema=schema,
        **settings,
    )
    engine.map_shards(
        ShardStep(
            "care_finish",
            finish,
            {**inputs, "allocation": ShardInput("care_allocation")},
            {"plan": schema, "left_out": _LEFT_OUT, "pending": _PENDING},
        ),
        work / "care_finish",
    )
    texts = ", ".join(f"COALESCE(p.{c}, q.{c}) AS {c}" for c in REASON_COLUMNS)
    engine.create_view(
        "care_reasons",
        f"SELECT f.msisdn, {texts} FROM care_flagged_ids AS f "
        "LEFT JOIN potential_current AS p ON p.msisdn = f.msisdn "
        "LEFT JOIN pool_current AS q ON q.msisdn = f.msisdn",
    )
    out = f"care/{month}"
    order = ("flag_order",)
    engine.write_parquet(
        _select_with_reasons(schema, _CAMPAIGN_COLUMNS),
        ctx.output(f"{out}/care_selected.parquet"),
        order_by="flag_order",
        drop=order,
    )
    engine.write_parquet(
        "SELECT * FROM care_finish_left_out",
        ctx.output(f"{out}/care_left_out.parquet"),
        order_by="flag_order",
        drop=order,
    )
    engine.write_parquet(
        _select_with_reasons(schema),
        ctx.output(f"{out}/care_plan.parquet"),
        order_by="flag_order",
        drop=order,
    )
    actions = ", ".join(quote_ident(c) for c in CARE_ACTION_COLUMNS)
    engine.write_parquet(
        f"SELECT {actions}, flag_order FROM care_finish_plan",
        ctx.output(f"{out}/care_actions.parquet"),
        order_by="flag_order",
        drop=order,
    )
    n_pending = engine.write_parquet(
        "SELECT * FROM care_finish_pending",
        ctx.output(f"{out}/pending_care.parquet"),
        order_by=_by_id("care_id"),
    )
    design = campaign_report(
        campaign=campaign,
        assigned_at=as_of,
        seed=seed,
        n=design_facts["n"],
        share=design_facts["share"],
        sizing=design_facts["sizing"],
        strata=design_facts["strata"],
        cfg=ctx.settings.campaign,
    )
    design["pending"] = n_pending
    write_json(design, ctx.output(f"{out}/campaign_design.json"))
    write_consolidated_actions(ctx)
    summary = _summary(engine, policies, as_of=as_of, priority=priority)
    summary.update({"month": month, "note": note})
    summary.update(
        {k: design[k] for k in ("campaign", "n_treatment", "n_control", "control_share", "pending")}
    )
    write_json(summary, ctx.output(f"{out}/care_summary.json"))
    ctx.sections["care"] = summary
    return {"rows_in": summary["flagged"], "rows_out": summary["selected"]}


def _summary(engine: Engine, policies: Policies, *, as_of: pd.Timestamp, priority: str) -> dict[str, Any]:
    """What :func:`cxradar.care.assign.assign_care` reports, counted by the engine."""
    moved = "fallback = 'wait_for_contact'"
    ev = engine.fetch("SELECT expected_value FROM care_finish_plan ORDER BY flag_order")["expected_value"]
    left = engine.count("care_finish_left_out")
    n_moved = int(engine.fetch(f"SELECT COUNT(*) AS n FROM care_finish_left_out WHERE {moved}")["n"].iloc[0])
    return {
        "as_of": str(pd.Timestamp(as_of)),
        "priority": priority,
        "flagged": engine.count("care_decide_narrow"),
        "selected": engine.count("care_finish_plan"),
        "moved_to_wait_for_contact": n_moved,
        "moved_by_reason": _counts(engine, "care_finish_left_out", "reason", moved),
        "left_out": left - n_moved,
        "left_out_by_reason": _counts(engine, "care_finish_left_out", "reason", f"NOT ({moved})"),
        "by_strategy": _counts(engine, "care_finish_plan", "strategy"),
        "by_channel": _counts(engine, "care_finish_plan", "channel"),
        "by_rule": _counts(engine, "care_finish_plan", "rule_id"),
        "expected_value_total": float(pd.to_numeric(ev).sum()),
    }

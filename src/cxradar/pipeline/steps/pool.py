"""Step ``pool``: the explicit dissatisfied pool, updated shard by shard.

Entry signals and exit rules concern one subscriber at a time, so :func:`cxradar.identify.pool.
update_pool` runs unchanged on each shard's rows (complaints, rated contacts, surveys, care
actions, churned lines and the shard's own history). The driver checks the month order, adds the
one audit row per month (``month_processed``, with the counts summed over shards) and writes
``pool.parquet`` and ``pool_history.parquet`` through the engine.

The same shard pass replays the pool over the churn model's as-of months (from
``warmup_months`` before the first of them, as :mod:`cxradar.churn.signals` defines the
``in_pool`` signal) and returns each month's members as ``pool_membership``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import pyarrow as pa

from cxradar.engine.base import ShardInput, ShardStep
from cxradar.identify.config import IdentifyConfig
from cxradar.identify.pool import HISTORY_COLUMNS, POOL_COLUMNS, check_month_order, month_marker, replay_pool
from cxradar.months import month_shift
from cxradar.pipeline.context import RunContext

__all__ = ["HISTORY_SCHEMA", "POOL_SCHEMA", "update_pool_step"]

_TS = pa.timestamp("us")
HISTORY_SCHEMA = pa.schema(
    [
        (c, _TS if c in ("at", "last_signal_at") else pa.int64() if c == "n_signals" else pa.string())
        for c in HISTORY_COLUMNS
    ]
)
POOL_SCHEMA = pa.schema(
    [
        (c, _TS if c in ("entered_at", "last_signal_at") else pa.int64() if c == "n_signals" else pa.string())
        for c in POOL_COLUMNS
    ]
)
_COUNTS = pa.schema([("msisdn", pa.string()), ("month", pa.string()), ("n_signals", pa.int64())])
_MEMBERS = pa.schema([("month", pa.string()), ("msisdn", pa.string())])
_EVENT_ORDER = "CASE event WHEN 'enter' THEN 0 WHEN 're_signal' THEN 1 WHEN 'exit' THEN 2 ELSE 3 END"


def _pool_shard(
    frames: dict[str, pd.DataFrame],
    *,
    months: list[str],
    churn_months: list[str],
    config: IdentifyConfig,
    markers: pd.DataFrame,
) -> dict[str, pd.DataFrame | None]:
    tables = {k: frames[k] for k in ("complaints", "contacts", "surveys", "care_actions", "subscribers")}
    start = pd.concat([frames["history"], markers], ignore_index=True)
    *_, (_, pool, history) = replay_pool(start, months, tables, config)
    done = history.loc[(history["event"] == "month_processed") & history["month"].isin(months)]
    counts = done[["month", "n_signals"]].assign(msisdn="")
    members = []
    if churn_months:
        first = month_shift(churn_months[0], -config.pool.warmup_months)
        span = (pd.Period(churn_months[-1], "M") - pd.Period(first, "M")).n + 1
        replay = [month_shift(first, k) for k in range(span)]
        for month, members_now, _ in replay_pool(None, replay, tables, config):
            if month in churn_months:
                members.append(pd.DataFrame({"month": month, "msisdn": members_now["msisdn"].astype(str)}))
    return {
        "pool": pool,
        "history": history.loc[history["event"] != "month_processed"],
        "counts": counts,
        "membership": pd.concat(members, ignore_index=True) if members else None,
    }


def _care_actions_relation(ctx: RunContext) -> str:
    """The operator's care actions, with what channels reported through the lookup service and our
    own campaigns' actions (on the same id, ours win, then the channels' reports)."""
    from cxradar.serve.delivery_io import read_deliveries

    engine = ctx.engine
    given = engine.columns("care_actions")
    parts = ["care_actions"]
    reported = read_deliveries(ctx.run_dir)
    if len(reported):
        engine.register_frame("care_actions_reported", reported)
        parts.insert(0, "care_actions_reported")
    ours = ctx.layout.current("care_actions.parquet")
    if ours.exists():
        engine.register_parquet("care_actions_ours", ours)
        parts.insert(0, "care_actions_ours")
    if len(parts) == 1:
        return "care_actions"
    shared = [c for c in given if all(c in set(engine.columns(p)) for p in parts)]
    cols = ", ".join(f'"{c}"' for c in shared)
    selects = [f"SELECT {cols}, {rank} AS __rank FROM {name}" for rank, name in enumerate(parts)]
    engine.create_view(
        "care_actions_all",
        f"SELECT {cols} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY __rank) AS __n "
        f"FROM ({' UNION ALL '.join(selects)}) AS u) AS r WHERE __n = 1",
    )
    return "care_actions_all"


def _markers(history: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    keep = history.loc[(history["event"] == "month_processed") & ~history["month"].isin(months)]
    return keep[HISTORY_COLUMNS]


def update_pool_step(ctx: RunContext) -> dict[str, Any]:
    """Update the pool for the run's month (warming up on an empty RUN_DIR); write pool files."""
    engine, layout = ctx.engine, ctx.layout
    previous = layout.current("pool_history.parquet")
    if previous.exists():
        engine.register_parquet("pool_history_prev", previous)
        prior_markers = engine.fetch("SELECT * FROM pool_history_prev WHERE event = 'month_processed'")
    else:
        engine.create_view(
            "pool_history_prev",
            "SELECT "
            + ", ".join(f"CAST(NULL AS {_sql_type(f.type)}) AS {f.name}" for f in HISTORY_SCHEMA)
            + " WHERE 1 = 0",
        )
        prior_markers = pd.DataFrame(columns=HISTORY_COLUMNS)
    months = [ctx.month]
    if prior_markers.empty:
        warm = ctx.config.pool.warmup_months
        months = [month_shift(ctx.month, -k) for k in range(warm, 0, -1)] + months
    check_month_order(prior_markers, months[0])
    churn_months = ctx.results.get("churn_signal_months", [])
    markers = _markers(prior_markers, months)
    engine.create_view("pool_in_contacts", "SELECT * FROM contacts WHERE rating IS NOT NULL")
    engine.create_view(
        "pool_in_churned", "SELECT msisdn, status, status_date FROM subscribers WHERE status = 'churned'"
    )
    engine.create_view("pool_in_history", "SELECT * FROM pool_history_prev WHERE event <> 'month_processed'")
    step = ShardStep(
        name="pool",
        function=partial(
            _pool_shard, months=months, churn_months=churn_months, config=ctx.config, markers=markers
        ),
        inputs={
            "complaints": ShardInput("complaints", order_by=("msisdn", "opened_at")),
            "contacts": ShardInput("pool_in_contacts", order_by=("msisdn", "at")),
            "surveys": ShardInput("surveys", order_by=("msisdn", "answered_at")),
            "care_actions": ShardInput(_care_actions_relation(ctx), order_by=("msisdn", "delivered_at")),
            "subscribers": ShardInput("pool_in_churned"),
            "history": ShardInput("pool_in_history", order_by=("msisdn", "month", "at")),
        },
        outputs={"pool": POOL_SCHEMA, "history": HISTORY_SCHEMA, "counts": _COUNTS, "membership": _MEMBERS},
    )
    counts = engine.map_shards(step, layout.work / "pool")
    signals = engine.fetch("SELECT month, SUM(n_signals) AS n FROM pool_counts GROUP BY month")
    events = engine.fetch(
        "SELECT month, event, COUNT(*) AS n FROM pool_history WHERE month IN ("
        + ", ".join(f"'{m}'" for m in months)
        + ") GROUP BY month, event"
    )
    new_markers = []
    for month in months:
        got = events.loc[events["month"] == month].set_index("event")["n"]
        n_signals = signals.loc[signals["month"] == month, "n"]
        new_markers.append(
            month_marker(
                month,
                int(n_signals.iloc[0]) if len(n_signals) else 0,
                int(got.get("enter", 0)),
                int(got.get("re_signal", 0)),
                int(got.get("exit", 0)),
            )
        )
    all_markers = pd.concat([markers, *new_markers], ignore_index=True)[HISTORY_COLUMNS]
    engine.register_frame(
        "pool_markers", pa.Table.from_pandas(all_markers, schema=HISTORY_SCHEMA, preserve_index=False)
    )
    engine.create_view("pool_history_new", "SELECT * FROM pool_history UNION ALL SELECT * FROM pool_markers")
    rows = engine.write_parquet(
        "SELECT * FROM pool_history_new",
        ctx.output("pool_history.parquet"),
        order_by=f'month, {_EVENT_ORDER}, msisdn, "at"',
    )
    size = engine.write_parquet("SELECT * FROM pool_pool", ctx.output("pool.parquet"), order_by="msisdn")
    engine.register_parquet("pool_current", layout.current("pool.parquet"))
    engine.register_parquet("pool_history_current", layout.current("pool_history.parquet"))
    ctx.results["pool_months"] = months
    return {"rows_in": sum(counts.rows_in.values()), "rows_out": size, "history_rows": rows}


def _sql_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    return "VARCHAR"

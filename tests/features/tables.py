"""Write small contract-shaped Parquet tables for SQL model tests.

Rows are dicts; a column a row does not name gets a neutral default, so each test writes only
the values its hand computation uses. Tables a test does not mention are written empty.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.contract.schema import load_contracts

ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "month": pa.date32(),
}

DEFAULTS: dict[str, dict[str, Any]] = {
    "subscribers": {
        "join_date": date(2020, 1, 15),
        "brand": "easyown",
        "plan": "P1",
        "segment": "mass",
        "customer_level": "normal",
        "gender": "F",
        "age": 30,
        "occupation": "clerk",
        "district": "haidian",
        "payment_type": "prepaid",
        "group_id": None,
        "group_paid": False,
        "contact_complete": True,
        "is_local": True,
        "status": "active",
        "status_date": date(2020, 1, 15),
        "churn_type": "none",
        "churn_reason": None,
    },
    "usage_monthly": {
        "brand": None,
        "plan": None,
        "spend": 0.0,
        "voice_minutes": 0.0,
        "onnet_minutes": 0.0,
        "offnet_minutes": 0.0,
        "incoming_calls": 0,
        "outgoing_calls": 0,
        "call_forward_count": 0,
        "missed_calls": 0,
        "data_mb": 0.0,
        "roaming_days": 0,
        "sms_count": 0,
        "dropped_calls": 0,
        "arrears_suspensions": 0,
        "payment_method_changes": 0,
        "payment_channel": None,
    },
    "complaints": {
        "type": "network",
        "product": None,
        "severity": 1,
        "channel": "hotline",
        "resolved_at": None,
        "first_contact_resolved": None,
    },
    "contacts": {"channel": "hotline", "reason": "inquiry", "rating": None},
    "incidents": {"severity": 1},
    "subscriber_cells": {},
    "cells": {"district": "haidian", "drop_rate": 0.01, "congestion_rate": 0.01, "throughput_mbps": 50.0},
    "surveys": {"wave": "2026-06", "channel": "sms", "weight": 1.0, "overall": 8},
    "care_actions": {},
}

_COUNTERS: dict[str, int] = {}


def _value(kind: str, value: Any) -> Any:
    if kind in ("date", "month") and isinstance(value, str):
        return date.fromisoformat(value if len(value) > 7 else value + "-01")
    if kind == "timestamp" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def write_tables(folder: Path, **tables: list[dict[str, Any]]) -> Path:
    """Write every contract table into ``folder`` as ``{table}.parquet``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, contract in load_contracts().items():
        rows = tables.get(name, [])
        arrays = {}
        for column in contract.columns:
            kind = column.type
            values = []
            for i, row in enumerate(rows):
                if column.name in row:
                    values.append(_value(kind, row[column.name]))
                elif column.name in DEFAULTS.get(name, {}):
                    values.append(_value(kind, DEFAULTS[name][column.name]))
                elif column.name in ("id", "response_id"):
                    values.append(f"{name}-{i}")
                else:
                    values.append(None)
            arrays[column.name] = pa.array(values, type=ARROW[kind])
        pq.write_table(pa.table(arrays), folder / f"{name}.parquet")
    return folder


def run_model(folder: Path, month: str, target: str) -> Any:
    """Build the features of ``month`` from the tables in ``folder`` on DuckDB and return SQL model
    ``target`` as it stood for that month (sorted by its key columns) as a DataFrame.

    Base models hold the months the window of ``month`` reads; ``incident_scope`` is the
    exploded incidents table."""
    import tempfile

    from cxradar.engine.sqlmodel import render
    from cxradar.features import build_feature_months, open_engine
    from cxradar.features.months import open_cache, register_window
    from cxradar.features.plan import feature_model_set

    models = {m.name: m for m in feature_model_set().all}
    with tempfile.TemporaryDirectory(prefix="cxradar-model-") as tmp:
        engine = open_engine("duckdb", Path(tmp) / "engine", folder)
        try:
            build_feature_months(engine, [month], cache_dir=Path(tmp) / "cache", fingerprint="test")
            if target in {m.name for m in feature_model_set().helpers}:
                engine.create_view(target, render(models[target], {}))
            else:
                register_window(
                    engine, open_cache(engine, Path(tmp) / "cache", "test"), month, include_feat=True
                )
            keys = [c.name for c in models[target].columns if c.kind == "key"]
            order = ", ".join(f'"{k}"' for k in keys) or None
            return engine.fetch(f"SELECT * FROM {target}" + (f" ORDER BY {order}" if order else ""))
        finally:
            engine.close()


def random_tables(seed: int, n: int = 40) -> dict[str, list[dict[str, Any]]]:
    """A small random operator, Jan..Sep 2026, for properties such as no-leakage."""
    import numpy as np

    rng = np.random.default_rng(seed)
    months = [f"2026-{m:02d}" for m in range(1, 10)]
    cells = [f"c{i}" for i in range(6)]
    districts = ["haidian", "chaoyang"]
    msisdns = [f"138{i:08d}" for i in range(n)]

    def ts(month: str) -> str:
        day, hour, minute = int(rng.integers(1, 29)), int(rng.integers(0, 24)), int(rng.integers(0, 60))
        return f"{month}-{day:02d} {hour:02d}:{minute:02d}"

    subs, usage, comps, conts, survs, scells, incs = [], [], [], [], [], [], []
    for i, m in enumerate(msisdns):
        join = f"2026-{int(rng.integers(1, 9)):02d}-10" if i % 4 == 0 else "2019-05-05"
        churned = i % 7 == 0
        subs.append(
            {
                "msisdn": m,
                "join_date": join,
                "district": districts[i % 2],
                "status": "churned" if churned else "active",
                "status_date": f"2026-0{int(rng.integers(6, 10))}-20" if churned else join,
            }
        )
        for month in months:
            if month + "-31" < join or rng.random() < 0.1:
                continue
            usage.append(
                {
                    "msisdn": m,
                    "month": month,
                    # money to the fen, minutes and MB to the thousandth: the precision the
                    # features declare (docs/features.md), as operators' tables hold them
                    "spend": round(float(rng.gamma(2, 30)), 2),
                    "voice_minutes": round(float(rng.gamma(2, 100)), 3),
                    "onnet_minutes": round(float(rng.gamma(2, 50)), 3),
                    "offnet_minutes": round(float(rng.gamma(2, 40)), 3),
                    "call_forward_count": int(rng.poisson(1)),
                    "data_mb": round(float(rng.gamma(2, 500)), 3),
                    "dropped_calls": int(rng.poisson(2)),
                    "incoming_calls": int(rng.poisson(30)),
                    "outgoing_calls": int(rng.poisson(30)),
                    "arrears_suspensions": int(rng.random() < 0.05),
                    "payment_method_changes": int(rng.random() < 0.1),
                    "payment_channel": str(rng.choice(["bank", "app", "wechat"])),
                }
            )
            share = float(rng.uniform(0.05, 0.95))
            for c, s in zip(rng.choice(cells, size=2, replace=False), (share, 1 - share), strict=True):
                scells.append({"msisdn": m, "month": month, "cell_id": str(c), "traffic_share": s})
            for _ in range(int(rng.poisson(0.3))):
                opened = ts(month)
                resolved = (
                    None if rng.random() < 0.2 else f"{months[min(months.index(month) + 1, 8)]}-05 10:00"
                )
                comps.append(
                    {
                        "msisdn": m,
                        "opened_at": opened,
                        "resolved_at": resolved,
                        "type": str(rng.choice(["network", "billing", "service"])),
                        "severity": int(rng.integers(1, 4)),
                        "first_contact_resolved": None if resolved is None else bool(rng.random() < 0.7),
                    }
                )
            for _ in range(int(rng.poisson(0.6))):
                conts.append(
                    {
                        "msisdn": m,
                        "at": ts(month),
                        "channel": str(rng.choice(["hall", "hotline", "app"])),
                        "rating": None if rng.random() < 0.5 else int(rng.integers(1, 6)),
                    }
                )
            if rng.random() < 0.1:
                survs.append({"msisdn": m, "answered_at": ts(month)})
    for j, month in enumerate(months):
        for kind, scope_type, scope in [
            ("network_outage", "cells", ";".join(rng.choice(cells, size=2, replace=False))),
            ("network_degradation", "district", districts[j % 2]),
            ("billing_error", "accounts", ";".join(rng.choice(msisdns, size=5, replace=False))),
        ]:
            start = ts(month)
            end = f"{months[min(j + 1, 8)]}-0{int(rng.integers(1, 4))} 06:00"
            incs.append(
                {
                    "id": f"{kind}-{month}",
                    "type": kind,
                    "scope_type": scope_type,
                    "scope": scope,
                    "start": start,
                    "end": end,
                    "severity": int(rng.integers(1, 4)),
                }
            )
    return {
        "subscribers": subs,
        "usage_monthly": usage,
        "complaints": comps,
        "contacts": conts,
        "surveys": survs,
        "subscriber_cells": scells,
        "incidents": incs,
        "cells": [{"cell_id": c, "district": districts[k % 2]} for k, c in enumerate(cells)],
    }

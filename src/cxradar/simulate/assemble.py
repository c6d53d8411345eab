"""Turn one simulated block's column arrays into contract tables and truth tables (Arrow).

Identifiers are built from the block number and a running number, so they are unique across
blocks and stable for a seed. Sentinels used inside the simulation (-1 for "no answer",
NaT for "not resolved") become nulls here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxradar.simulate.monthly import BlockResult
from cxradar.simulate.params import SEGMENTS
from cxradar.simulate.population import BRANDS, PLAN_CODES, Block
from cxradar.simulate.staff import ACTIONS, FOLLOWUP_ITEMS, VERBATIM, StaffWorld
from cxradar.simulate.usage import PAYMENT_CHANNELS
from cxradar.simulate.world import World
from cxradar.simulate.writer import to_arrow_table

__all__ = ["block_tables", "ids", "msisdn_strings"]

_LEVELS = np.array(["normal", "silver", "gold", "platinum", "diamond"], dtype=object)
_BRANDS = np.array(BRANDS, dtype=object)
_PLANS = np.array(PLAN_CODES, dtype=object)
_SEGMENTS = np.array(SEGMENTS, dtype=object)


def msisdn_strings(numbers: np.ndarray) -> pa.Array:
    return pa.array(numbers, pa.int64()).cast(pa.string())


def ids(prefix: str, block_no: int, n: int) -> pa.Array:
    """``{prefix}{block:04d}{running:08d}`` for ``n`` rows."""
    running = pc.utf8_lpad(pa.array(np.arange(n, dtype=np.int64)).cast(pa.string()), 8, "0")
    return pc.binary_join_element_wise(pa.scalar(f"{prefix}{block_no:04d}"), running, "")


def _cat(parts: list[dict[str, Any]], key: str) -> np.ndarray:
    arrays = [np.broadcast_to(np.asarray(p[key]), np.shape(p["who"])) for p in parts]
    return np.concatenate(arrays) if arrays else np.array([])


def _take(numbers: pa.Array, positions: np.ndarray) -> pa.Array:
    """Msisdn strings of block positions (casting each subscriber once, then taking)."""
    return numbers.take(pa.array(np.asarray(positions, dtype=np.int64)))


def _nullable_int(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.int64(), mask=values < 0)


def block_tables(
    block_no: int,
    blk: Block,
    res: BlockResult,
    world: World,
    schemas: dict[str, pa.Schema],
    staff: StaffWorld | None = None,
) -> dict[str, pa.Table]:
    """Contract tables (except cells, incidents, surveys, staff) and truth tables for one block."""
    msisdn = blk.msisdn
    numbers = msisdn_strings(msisdn)
    months = world.months
    out: dict[str, pa.Table] = {}
    f = res.final
    status = np.where(f["churn_month"] >= 0, "churned", np.where(f["suspended"], "suspended", "active"))
    age = np.round(blk.age).astype(np.int64)
    out["subscribers"] = to_arrow_table(
        {
            "msisdn": msisdn_strings(msisdn),
            "join_date": blk.join_day,
            "brand": _BRANDS[f["brand"]],
            "plan": _PLANS[f["plan"]],
            "segment": _SEGMENTS[blk.segment],
            "customer_level": _LEVELS[blk.level],
            "gender": blk.gender,
            "age": pa.array(age, pa.int64(), mask=(blk.index * 31 + 7) % 97 == 0),
            "occupation": blk.occupation,
            "district": np.array(world.districts, dtype=object)[blk.district],
            "payment_type": np.where(blk.prepaid, "prepaid", "postpaid"),
            "group_id": np.where(
                blk.group >= 0, np.array([*blk.group_ids, ""], dtype=object)[blk.group], None
            ),
            "group_paid": blk.group_paid,
            "contact_complete": blk.contact_complete,
            "is_local": blk.is_local,
            "status": status,
            "status_date": f["status_day"].astype("datetime64[D]"),
            "churn_type": f["churn_type"],
            "churn_reason": f["churn_reason"],
        },
        schemas["subscribers"],
    )
    u = res.rows["usage"]
    who = _cat(u, "who")
    usage_cols: dict[str, Any] = {c: _cat(u, c) for c in u[0] if c not in ("who", "month")}
    usage_cols.update(
        {
            "msisdn": _take(numbers, who),
            "month": months[_cat(u, "month")],
            "brand": _BRANDS[usage_cols["brand"]],
            "plan": _PLANS[usage_cols["plan"]],
            "payment_channel": PAYMENT_CHANNELS[usage_cols["payment_channel"]],
        }
    )
    out["usage_monthly"] = to_arrow_table(usage_cols, schemas["usage_monthly"])
    c = res.rows["cells"]
    cells = np.concatenate([p["cells"] for p in c])
    shares = np.concatenate([p["shares"] for p in c])
    who = np.repeat(_cat(c, "who"), 4)
    month = np.repeat(_cat(c, "month"), 4)
    keep = shares.ravel() > 0
    out["subscriber_cells"] = to_arrow_table(
        {
            "msisdn": _take(numbers, who[keep]),
            "month": months[month[keep]],
            "cell_id": world.cell_ids[cells.ravel()[keep]],
            "traffic_share": shares.ravel()[keep],
        },
        schemas["subscriber_cells"],
    )
    cp = res.rows["complaints"]
    who = _cat(cp, "who")
    out["complaints"] = to_arrow_table(
        {
            "id": ids("TS", block_no, len(who)),
            "msisdn": _take(numbers, who),
            "opened_at": _cat(cp, "opened_at"),
            "type": _cat(cp, "type"),
            "product": _cat(cp, "product"),
            "severity": _cat(cp, "severity"),
            "channel": _cat(cp, "channel"),
            "resolved_at": _cat(cp, "resolved_at"),
            "first_contact_resolved": _cat(cp, "fcr"),
        },
        schemas["complaints"],
    )
    ct = res.rows["contacts"]
    who = _cat(ct, "who")
    contact_ids = ids("CT", block_no, len(who))
    staffed = staff is not None and len(ct) > 0 and "agent" in ct[0]
    hall = _cat(ct, "hall").astype(np.int64) if staffed else np.full(len(who), -1)
    agent = _cat(ct, "agent").astype(np.int64) if staffed else np.full(len(who), -1)
    out["contacts"] = to_arrow_table(
        {
            "id": contact_ids,
            "msisdn": _take(numbers, who),
            "at": _cat(ct, "at"),
            "channel": _cat(ct, "channel"),
            "reason": _cat(ct, "reason"),
            "rating": _nullable_int(_cat(ct, "rating")),
            "hall_id": _coded(staff.hall_ids if staff is not None else np.array([]), hall),
            "agent_id": _coded(staff.agent_ids if staff is not None else np.array([]), agent),
        },
        schemas["contacts"],
    )
    if staffed:
        out["followups"] = _followups(block_no, ct, contact_ids, schemas["followups"])
    out.update(_truth_tables(blk, res, world))
    return out


def _coded(names: np.ndarray, codes: np.ndarray) -> pa.Array:
    """``names[code]`` as strings, null where the code is -1."""
    padded = np.array([*names, None], dtype=object)
    return pa.array(padded[np.where(codes >= 0, codes, len(names))], pa.string())


def _followups(block_no: int, ct: list[dict[str, Any]], contact_ids: pa.Array, schema: pa.Schema) -> pa.Table:
    """The follow-up calls of the block's staffed contacts, in contact order."""
    called = np.flatnonzero(_cat(ct, "fu_called").astype(bool))
    scores = np.concatenate([p["fu_scores"] for p in ct])[called]
    verbatim = _cat(ct, "fu_verbatim").astype(np.int64)[called]
    action = _cat(ct, "fu_action").astype(np.int64)[called]
    cols: dict[str, Any] = {
        "id": ids("FU", block_no, len(called)),
        "contact_id": contact_ids.take(pa.array(called, pa.int64())),
        "called_at": _cat(ct, "fu_at")[called],
        "answered": _cat(ct, "fu_answered").astype(bool)[called],
        "verbatim": _coded(VERBATIM, verbatim),
        "action": _coded(ACTIONS, action),
    }
    for i, item in enumerate(FOLLOWUP_ITEMS):
        cols[f"score_{item}"] = _nullable_int(scores[:, i])
    return to_arrow_table(cols, schema)


def _truth_tables(blk: Block, res: BlockResult, world: World) -> dict[str, pa.Table]:
    months = world.months
    msisdn = blk.msisdn
    numbers = msisdn_strings(msisdn)
    out: dict[str, pa.Table] = {}
    for name, key in (("truth/satisfaction", "satisfaction"), ("truth/care_response", "care")):
        parts = res.rows[key]
        who = _cat(parts, "who")
        cols: dict[str, Any] = {
            "msisdn": _take(numbers, who),
            "month": pa.array(months[_cat(parts, "month")], pa.date32()),
        }
        for col in parts[0]:
            if col not in ("who", "month"):
                cols[col] = pa.array(_cat(parts, col))
        out[name] = pa.table(cols)
    ch = res.rows["churn"]
    who = _cat(ch, "who").astype(np.int64)
    group_id = np.array([*blk.group_ids, None], dtype=object)[blk.group[who]]
    out["truth/churn"] = pa.table(
        {
            "msisdn": _take(numbers, who),
            "month": pa.array(months[_cat(ch, "month").astype(np.int64)], pa.date32()),
            "churn_type": pa.array(_cat(ch, "churn_type"), pa.string()),
            "reason": pa.array(_cat(ch, "reason"), pa.string()),
            "group_id": pa.array(group_id, pa.string()),
        }
    )
    left = res.final["churn_month"] >= 0
    rows = []
    for gid, m0, members, _planned in blk.group_churn:
        g = blk.group_ids.index(gid)
        rows.append(
            (gid, months[m0], members, int((left & (blk.group == g) & (blk.group_leave_month >= 0)).sum()))
        )
    out["truth/group_churn"] = pa.table(
        {
            "group_id": pa.array([r[0] for r in rows], pa.string()),
            "month": pa.array(np.array([r[1] for r in rows], dtype="datetime64[D]"), pa.date32()),
            "members": pa.array([r[2] for r in rows], pa.int64()),
            "members_left": pa.array([r[3] for r in rows], pa.int64()),
        }
    )
    out["truth/subscribers"] = pa.table(
        {
            "msisdn": msisdn_strings(msisdn),
            "segment": pa.array(_SEGMENTS[blk.segment], pa.string()),
            **{
                f"exp_{d}": np.round(blk.expectation[:, i], 3)
                for i, d in enumerate(("network", "value", "service", "billing"))
            },
            "voice_propensity": np.round(blk.voice, 4),
            "contact_rate": np.round(blk.contact_rate, 4),
            "mood": np.round(blk.mood, 3),
            "multi_sim": blk.multi_sim,
            "care_responder": blk.care_gain > 0,
            "plan_misfit": np.round(blk.misfit, 3),
            "group_id": pa.array(np.array([*blk.group_ids, None], dtype=object)[blk.group], pa.string()),
        }
    )
    return out

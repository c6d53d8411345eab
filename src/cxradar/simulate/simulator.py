"""Orchestration: world first, then subscribers block by block, streamed to Parquet.

Each block of ``block_size`` subscribers has its own random stream
(``SeedSequence(seed).spawn``), so the output depends only on the seed and the parameters.
Small global tables (cells, incidents, surveys - whose weights need every block's counts) are
written at the end; all files go through temp files and are moved into place together.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from cxradar.errors import ConfigError
from cxradar.io import atomic_write_text
from cxradar.months import month_date
from cxradar.simulate.assemble import block_tables, ids, msisdn_strings
from cxradar.simulate.monthly import run_block
from cxradar.simulate.params import SEGMENTS, SimulatorParams, load_params
from cxradar.simulate.population import PLAN_CODES, make_block
from cxradar.simulate.staff import StaffBlock, build_staff
from cxradar.simulate.survey import ITEMS
from cxradar.simulate.world import World, build_world
from cxradar.simulate.writer import TableWriter, contract_schemas, to_arrow_table

__all__ = ["TRUTH_TABLES", "simulate"]

TRUTH_TABLES = ("satisfaction", "subscribers", "care_response", "churn", "group_churn", "halls", "staff")
ProgressFn = Callable[[int, int, str], None]


def _check(n_subscribers: int, months: int, end_month: str) -> None:
    if n_subscribers < 100 or n_subscribers >= 100_000_000:
        raise ConfigError(f"--subscribers {n_subscribers} is out of range", fix="use 100 .. 99,999,999")
    if not 1 <= months <= 36:
        raise ConfigError(f"--months {months} is out of range", fix="use 1 .. 36 months")
    month_date(end_month)


def simulate(
    n_subscribers: int,
    months: int,
    seed: int,
    out_dir: Path,
    *,
    end_month: str = "2026-10",
    params: SimulatorParams | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Write every contract table as ``out_dir/{table}.parquet`` plus ``out_dir/truth/``; return the manifest.

    ``progress(done, total, what)`` is called after each block.
    """
    _check(n_subscribers, months, end_month)
    params = params or load_params()
    started = time.perf_counter()
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir} is a file, not a folder", fix="pass a folder path for --out")
    truth_dir = out_dir / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    schemas = contract_schemas()
    block_size = int(params.values.get("block_size", 50_000))
    n_blocks = (n_subscribers + block_size - 1) // block_size
    streams = np.random.SeedSequence(seed).spawn(n_blocks + 1)
    world = build_world(
        n_subscribers, months, end_month, params, np.random.default_rng(streams[0]), PLAN_CODES
    )
    # the staff have their own random streams: the subscribers' story keeps every draw it had
    with_staff = bool(params["staff"]["enabled"])
    staff_streams = np.random.SeedSequence([seed, 0x57AFF]).spawn(n_blocks + 1)
    staff = (
        build_staff(
            n_subscribers,
            world.districts,
            world.district_weights,
            world.months[0],
            params,
            np.random.default_rng(staff_streams[0]),
        )
        if with_staff
        else None
    )
    served = np.zeros(len(staff.agent_ids)) if staff is not None else np.zeros(0)
    served_quality = np.zeros_like(served)
    writers: dict[str, TableWriter] = {}
    tables = ["subscribers", "usage_monthly", "subscriber_cells", "complaints", "contacts"]
    for name in tables + (["followups"] if with_staff else []):
        writers[name] = TableWriter(out_dir, name, schemas[name])
    billing_hits: dict[int, list[np.ndarray]] = defaultdict(list)
    strata: dict[tuple[int, int, int], int] = defaultdict(int)
    population: dict[tuple[int, int], np.ndarray] = {}
    surveys: list[dict[str, Any]] = []
    group_events = 0
    try:
        for b in range(n_blocks):
            start = b * block_size
            n = min(block_size, n_subscribers - start)
            rng = np.random.default_rng(streams[b + 1])
            blk = make_block(
                b,
                start,
                n,
                months,
                world.months[0],
                params,
                rng,
                len(world.districts),
                world.district_weights,
            )
            staff_block = (
                StaffBlock(staff, blk.district, params, np.random.default_rng(staff_streams[b + 1]))
                if staff is not None
                else None
            )
            res = run_block(blk, world, params, rng, staff_block)
            if staff_block is not None:
                served += staff_block.served
                served_quality += staff_block.served_quality
            for name, table in block_tables(b, blk, res, world, schemas, staff).items():
                if name not in writers:
                    folder, base = (truth_dir, name.split("/")[1]) if "/" in name else (out_dir, name)
                    writers[name] = TableWriter(folder, base, table.schema)
                writers[name].write(table)
            for k, hits in res.billing_hits.items():
                billing_hits[k].extend(hits)
            for stratum, count in res.strata.items():
                strata[stratum] += count
            for cell, sums in res.population.items():
                population[cell] = population.get(cell, np.zeros(5)) + sums
            for part in res.rows["surveys"]:
                surveys.append({**part, "msisdn": blk.msisdn[part["who"]], "block": b})
            group_events += len(blk.group_churn)
            del blk, res
            if progress:
                progress(b + 1, n_blocks, "subscribers")
        for name, table in (
            ("cells", world.cells_table(schemas["cells"])),
            ("incidents", _incidents(world, billing_hits, schemas["incidents"])),
            ("surveys", _surveys(surveys, strata, world, schemas["surveys"])),
            ("care_actions", schemas["care_actions"].empty_table()),
            *([("staff", staff.staff_table(schemas["staff"]))] if staff is not None else []),
        ):
            writers[name] = TableWriter(out_dir, name, schemas[name])
            writers[name].write(table)
        if staff is not None:
            for name, table in staff.truth_tables(served, served_quality).items():
                writers[name] = TableWriter(truth_dir, name.split("/")[1], table.schema)
                writers[name].write(table)
        for w in writers.values():
            w.close()
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    for w in writers.values():
        w.commit()
    pop = _population(population, world)
    _write_json(truth_dir / "population.json", pop)
    manifest = {
        "generator": "cxradar.simulate",
        "seed": seed,
        "subscribers": n_subscribers,
        "months": months,
        "end_month": end_month,
        "first_month": str(world.months[0].astype("datetime64[M]")),
        "block_size": block_size,
        "seconds": round(time.perf_counter() - started, 2),
        "tables": {n: w.rows for n, w in writers.items() if "/" not in str(w.final.relative_to(out_dir))},
        "truth": {w.final.stem: w.rows for w in writers.values() if w.folder == truth_dir},
        "group_churn_events": group_events,
        "params": params.values,
    }
    _write_json(out_dir / "manifest.json", manifest)
    return manifest


def _write_json(path: Path, data: Any) -> None:
    atomic_write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), path)


def _incidents(world: World, billing_hits: dict[int, list[np.ndarray]], schema: pa.Schema) -> pa.Table:
    rows = {k: list(v) for k, v in world.incidents.items()}
    for k, err in enumerate(world.billing_errors):
        hits = np.concatenate(billing_hits[k]) if billing_hits.get(k) else np.array([], dtype=np.int64)
        if len(hits) == 0:
            continue
        for key, value in (
            ("type", "billing_error"),
            ("start", err["start"]),
            ("end", err["end"]),
            ("severity", err["severity"]),
            ("scope_type", "accounts"),
            ("scope", ";".join(map(str, np.sort(hits).tolist()))),
            ("month", err["month"]),
        ):
            rows[key].append(value)
    order = np.lexsort(
        (np.array(rows["type"], dtype=object).astype(str), np.array(rows["start"], dtype="datetime64[us]"))
    )
    start = np.array(rows["start"], dtype="datetime64[us]")[order]
    labels = np.datetime_as_string(start, unit="M")
    running = np.arange(len(order))
    cols = {k: np.array(v, dtype=object)[order] for k, v in rows.items() if k != "month"}
    cols["id"] = np.array(
        [f"INC-{lab.replace('-', '')}-{i:05d}" for lab, i in zip(labels, running, strict=True)], dtype=object
    )
    cols["start"] = start
    cols["end"] = np.array(rows["end"], dtype="datetime64[us]")[order]
    cols["severity"] = cols["severity"].astype(np.int64)
    return to_arrow_table(cols, schema)


def _surveys(
    parts: list[dict[str, Any]], strata: dict[tuple[int, int, int], int], world: World, schema: pa.Schema
) -> pa.Table:
    if not parts or sum(len(p["who"]) for p in parts) == 0:
        return schema.empty_table()
    cat = {
        k: np.concatenate([np.broadcast_to(p[k], np.shape(p["who"])) for p in parts])
        for k in ("msisdn", "month", "segment", "district", "overall", "channel", "block", *ITEMS)
    }
    responded: dict[tuple[int, int, int], int] = defaultdict(int)
    for key in zip(cat["month"].tolist(), cat["segment"].tolist(), cat["district"].tolist(), strict=True):
        responded[key] += 1
    weight = np.array(
        [
            strata[k] / responded[k]
            for k in zip(
                cat["month"].tolist(), cat["segment"].tolist(), cat["district"].tolist(), strict=True
            )
        ]
    )
    month = cat["month"].astype(np.int64)
    rng = np.random.default_rng(len(month))
    answered = world.months[month].astype("datetime64[us]") + (
        rng.random(len(month)) * 20 * 86_400e6 + 5 * 86_400e6
    ).astype(np.int64).astype("timedelta64[us]")
    order = np.lexsort((cat["msisdn"], month))
    cols: dict[str, Any] = {
        "response_id": ids("SV", 0, len(month)).take(pa.array(np.argsort(order))),
        "msisdn": msisdn_strings(cat["msisdn"]),
        "wave": np.datetime_as_string(world.months[month], unit="M").astype(object),
        "answered_at": answered,
        "channel": cat["channel"],
        "weight": np.round(weight, 4),
        "overall": cat["overall"].astype(np.int64),
    }
    for item in ITEMS:
        cols[item] = pa.array(cat[item], pa.int64(), mask=cat[item] < 0)
    return to_arrow_table(cols, schema).take(pa.array(order))


def _population(sums: dict[tuple[int, int], np.ndarray], world: World) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": (
            "True population figures per month (active subscribers): mean true satisfaction (1-10), "
            "share truly dissatisfied, and the mean and share <= 6 of the 'overall' answer everyone "
            "would give; overall and by segment. A correctly weighted survey estimate should match these."
        ),
        "months": {},
    }
    for m, start in enumerate(world.months):
        label = str(start.astype("datetime64[M]"))
        total = sum((sums.get((m, s), np.zeros(5)) for s in range(len(SEGMENTS))), np.zeros(5))
        entry: dict[str, Any] = dict(_figures(total))
        entry["segments"] = {seg: _figures(sums.get((m, s), np.zeros(5))) for s, seg in enumerate(SEGMENTS)}
        out["months"][label] = entry
    return out


def _figures(v: np.ndarray) -> dict[str, float]:
    n = max(v[0], 1.0)
    return {
        "active": int(v[0]),
        "mean_satisfaction": round(v[1] / n, 4),
        "share_dissatisfied": round(v[2] / n, 4),
        "mean_overall": round(v[3] / n, 4),
        "share_overall_le_6": round(v[4] / n, 4),
    }

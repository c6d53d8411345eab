"""The care-card store: one pre-rendered JSON card per subscriber with something to tell a channel.

:func:`build_cards` reads the month's Parquet outputs in RUN_DIR with DuckDB SQL (``cards.sql``;
nothing is loaded whole into pandas, so it scales to millions of cards and does not care which
engine - DuckDB or Spark - wrote the inputs, or whether a table is one file or a folder of
parts) and writes, each atomically::

    RUN_DIR/cards/YYYY-MM.parquet     msisdn (normalised, 11 digits), card (JSON, zh + en)
    RUN_DIR/cards/YYYY-MM.json        month, count, quiet hours, the inputs and their row counts

Inputs (absent optional ones count as empty): ``pool.parquet``, ``potential_dissatisfied.parquet``
(both required), ``care/MONTH/care_plan.parquet``, ``care/MONTH/care_left_out.parquet``,
``care/*/pending_care.parquet`` (open flags of every month), ``care/*/care_plan.parquet`` (the
channel of each pending flag) and ``churn/churners.parquet``. ``cxradar publish`` turns the
Parquet file into the service's lookup file (:mod:`cxradar.serve.snapshot`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from string import Template
from typing import Any, Protocol

import duckdb

from cxradar.care.policies import Policies, load_policies
from cxradar.care.rules import CHANNELS, STRATEGIES
from cxradar.engine.files import atomic_write_text
from cxradar.errors import DataError, StateError
from cxradar.identify.labels import CAUSE_LABELS, KIND_LABELS, SIGNAL_LABELS
from cxradar.months import parse_month
from cxradar.serve.msisdn import mask_msisdn
from cxradar.serve.settings import ServeConfig, load_serve_config

__all__ = ["build_cards", "cards_meta_path", "cards_path", "cards_step"]

_SQL = Path(__file__).with_name("cards.sql")

# view -> (files relative to RUN_DIR, {column: DuckDB type}); {month} is the run month.
_SOURCES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "pool": (
        ("pool.parquet",),
        {"msisdn": "VARCHAR", "entered_at": "TIMESTAMP", "entry_signal": "VARCHAR", "cause": "VARCHAR",
         "reasons_en": "VARCHAR", "reasons_zh": "VARCHAR"},
    ),
    "potential": (
        ("potential_dissatisfied.parquet",),
        {"msisdn": "VARCHAR", "kinds": "VARCHAR", "probability": "DOUBLE", "cause": "VARCHAR",
         "reasons_en": "VARCHAR", "reasons_zh": "VARCHAR"},
    ),
    "plan": (
        ("care/*/care_plan.parquet",),
        {"msisdn": "VARCHAR", "id": "VARCHAR", "campaign": "VARCHAR", "group": "VARCHAR",
         "strategy": "VARCHAR", "channel": "VARCHAR", "remedy_action": "VARCHAR", "script_en": "VARCHAR",
         "script_zh": "VARCHAR", "decision_en": "VARCHAR", "decision_zh": "VARCHAR",
         "policy_note_en": "VARCHAR", "policy_note_zh": "VARCHAR", "assigned_at": "TIMESTAMP",
         "scheduled_date": "TIMESTAMP", "allowed_hours": "VARCHAR"},
    ),
    "pending": (
        ("care/*/pending_care.parquet",),
        {"msisdn": "VARCHAR", "care_id": "VARCHAR", "campaign": "VARCHAR", "remedy_action": "VARCHAR",
         "script_en": "VARCHAR", "script_zh": "VARCHAR", "decision_en": "VARCHAR", "decision_zh": "VARCHAR",
         "created_at": "TIMESTAMP", "expires_at": "TIMESTAMP", "status": "VARCHAR"},
    ),
    "left_out": (
        ("care/{month}/care_left_out.parquet",),
        {"msisdn": "VARCHAR", "reason": "VARCHAR", "detail_en": "VARCHAR", "detail_zh": "VARCHAR"},
    ),
    "churners": (
        ("churn/churners.parquet",),
        {"msisdn": "VARCHAR", "probability": "DOUBLE", "rank": "BIGINT", "group_id": "VARCHAR",
         "reasons_en": "VARCHAR", "reasons_zh": "VARCHAR"},
    ),
}  # fmt: skip
_REQUIRED = ("pool", "potential")
_NORMALISE = r"""
CREATE OR REPLACE MACRO norm_msisdn(m) AS
    CASE WHEN regexp_full_match(m, '1[3-9][0-9]{9}') THEN m
    ELSE nullif(regexp_extract(regexp_replace(m, '[ ().-]', '', 'g'),
                               '^(?:\+86|0086|86)?(1[3-9][0-9]{9})$', 1), '') END
"""


def cards_path(run_dir: Path, month: str) -> Path:
    """``RUN_DIR/cards/YYYY-MM.parquet``."""
    return Path(run_dir) / "cards" / f"{month}.parquet"


def cards_meta_path(run_dir: Path, month: str) -> Path:
    """``RUN_DIR/cards/YYYY-MM.json`` (month, count, quiet hours, inputs)."""
    return Path(run_dir) / "cards" / f"{month}.json"


def build_cards(
    run_dir: Path,
    month: str,
    *,
    policies: Policies | None = None,
    config: ServeConfig | None = None,
    memory_limit: str | None = None,
    rows_per_pass: int = 2_000_000,
) -> dict[str, Any]:
    """Render every card of ``month`` from RUN_DIR's outputs; write the cards and their meta file.

    Returns the meta (month, count, quiet_hours, sources with row counts, seconds). The run folder
    must hold ``month``'s outputs (its ``summary.json`` names the month last run). The cards are
    rendered in passes over hash partitions of the numbers, one per ``rows_per_pass`` input rows,
    so that DuckDB's joins of multi-kilobyte texts stay in memory at any size (a single pass
    over 5M cards ran out of a 6 GB limit); ``memory_limit`` caps DuckDB (e.g. ``"4GB"``).
    """
    run_dir = Path(run_dir)
    parse_month(month)
    _check_month(run_dir, month)
    policies = policies or load_policies()
    config = config or load_serve_config()
    started = time.perf_counter()
    out = cards_path(run_dir, month)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    con = duckdb.connect()
    try:
        spill = out.parent / ".duckdb-tmp"
        con.execute(f"SET temp_directory = '{_quote(str(spill))}'")
        if memory_limit:
            con.execute(f"SET memory_limit = '{_quote(memory_limit)}'")
        con.execute(_NORMALISE)
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET VARIABLE cards_parts = 1::UBIGINT")
        con.execute("SET VARIABLE cards_part = 0::UBIGINT")
        stale = _stale_views(run_dir, month)
        sources = {name: _define_view(con, run_dir, name, month, empty=name in stale) for name in _SOURCES}
        _define_labels(con, config)
        _check_numbers(con, run_dir)
        query = Template(_SQL.read_text(encoding="utf-8")).substitute(month=month)
        rows = sum(n for found in sources.values() for n in found.values())
        count = _render(con, query, tmp, parts=max(1, -(-rows // rows_per_pass)))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
        shutil.rmtree(out.parent / ".duckdb-tmp", ignore_errors=True)
    os.replace(tmp, out)
    meta = {
        "month": month,
        "count": count,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "quiet_hours": _call_quiet_hours(policies),
        "sources": sources,
        "seconds": round(time.perf_counter() - started, 3),
    }
    atomic_write_text(json.dumps(meta, ensure_ascii=False, indent=2), cards_meta_path(run_dir, month))
    return meta


def _call_quiet_hours(policies: Policies) -> dict[str, Any]:
    """The outbound call's quiet hours (the proactive contact a lookup answers for) and every
    channel that shares that window; no window when outbound has none."""
    window = policies.quiet_window("outbound")
    if window is None:
        return {"channels": [], "start": "00:00", "end": "00:00"}
    shared = [ch for ch, w in policies.quiet_hours.items() if w == window]
    return {"channels": shared, "start": f"{window[0]:%H:%M}", "end": f"{window[1]:%H:%M}"}


class _RunLike(Protocol):
    run_dir: Path
    month: str


def cards_step(ctx: _RunLike) -> None:
    """The monthly run's step (last in ``cxradar.pipeline.steps.STEPS``): build the month's cards."""
    build_cards(ctx.run_dir, ctx.month)


def _render(con: duckdb.DuckDBPyConnection, query: str, target: Path, *, parts: int) -> int:
    """Run the card query once per partition, streaming every pass into one Parquet file."""
    import pyarrow.parquet as pq

    count = 0
    writer: pq.ParquetWriter | None = None
    try:
        con.execute(f"SET VARIABLE cards_parts = {int(parts)}::UBIGINT")
        for part in range(parts):
            con.execute(f"SET VARIABLE cards_part = {part}::UBIGINT")
            reader = con.sql(query).to_arrow_reader(100_000)
            for batch in reader:
                if writer is None:
                    writer = pq.ParquetWriter(target, batch.schema, compression="zstd")
                writer.write_batch(batch)
                count += batch.num_rows
        if writer is None:  # no card at all: an empty file with the two columns
            import pyarrow as pa

            writer = pq.ParquetWriter(target, pa.schema([("msisdn", pa.string()), ("card", pa.string())]))
    finally:
        if writer is not None:
            writer.close()
        con.execute("SET VARIABLE cards_parts = 1::UBIGINT")
        con.execute("SET VARIABLE cards_part = 0::UBIGINT")
    return count


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _check_month(run_dir: Path, month: str) -> None:
    summary = run_dir / "summary.json"
    if not summary.is_file():
        raise StateError(
            f"{summary} does not exist, so {run_dir} holds no finished run",
            fix=f"run 'cxradar run DATA_DIR --month {month} --out {run_dir}' first",
        )
    last = json.loads(summary.read_text(encoding="utf-8")).get("month")
    if last != month:
        raise StateError(
            f"{run_dir} holds the outputs of {last}, not of {month} (pool and potential lists are "
            "replaced by every run)",
            fix=f"build the cards of {last} (--month {last}), or run {month} again first",
        )


def _stale_views(run_dir: Path, month: str) -> set[str]:
    """Views whose file belongs to another month (a run may skip the churn step): left empty."""
    report = run_dir / "churn" / "churn_report.json"
    if report.is_file() and json.loads(report.read_text(encoding="utf-8")).get("month") != month:
        return {"churners"}
    return set()


def _define_view(
    con: duckdb.DuckDBPyConnection, run_dir: Path, name: str, month: str, *, empty: bool = False
) -> dict[str, int]:
    patterns, columns = _SOURCES[name]
    files = (
        []
        if empty
        else sorted(
            {str(p) for pattern in patterns for p in run_dir.glob(pattern.format(month=month)) if p.is_file()}
        )
    )
    # a table may also be a folder of Parquet parts (Spark writes those)
    for pattern in patterns:
        folder = run_dir / pattern.format(month=month)
        if "*" not in pattern and folder.is_dir() and not empty:
            files += sorted(str(p) for p in folder.rglob("*.parquet"))
    if not files:
        if name in _REQUIRED:
            raise StateError(
                f"{run_dir / patterns[0]} does not exist",
                fix=f"run 'cxradar run DATA_DIR --month {month} --out {run_dir}' first",
            )
        typed = ", ".join(f'NULL::{t} AS "{c}"' for c, t in columns.items())
        con.execute(
            f"CREATE VIEW {name} AS SELECT {typed}, NULL::VARCHAR AS month, NULL::VARCHAR AS raw_msisdn, "
            "NULL::VARCHAR AS filename WHERE false"
        )
        return {}
    listing = "[" + ", ".join(f"'{_quote(f)}'" for f in files) + "]"
    source = f"read_parquet({listing}, union_by_name = true, filename = true)"
    have = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    picks = [
        (f'norm_msisdn(CAST("{c}" AS VARCHAR))' if c == "msisdn" else f'CAST("{c}" AS {t})')
        if c in have
        else f"NULL::{t}"
        for c, t in columns.items()
    ]
    select = ", ".join(f'{expr} AS "{c}"' for expr, c in zip(picks, columns, strict=True))
    month_expr = "regexp_extract(filename, '/care/([0-9]{4}-[0-9]{2})/', 1)"
    inner = f'SELECT {select}, {month_expr} AS month, CAST("msisdn" AS VARCHAR) AS raw_msisdn, filename FROM {source}'
    # one pass renders one hash partition of the numbers (see build_cards); NULL = a bad number
    con.execute(
        f"CREATE VIEW {name} AS SELECT * FROM ({inner}) WHERE msisdn IS NULL OR "
        "hash(msisdn) % getvariable('cards_parts') = getvariable('cards_part')"
    )
    rows = con.execute(
        f"SELECT filename, count(*) FROM {name} GROUP BY filename ORDER BY filename"
    ).fetchall()
    return {str(Path(f).relative_to(run_dir)): int(n) for f, n in rows}


def _define_labels(con: duckdb.DuckDBPyConnection, config: ServeConfig) -> None:
    rows: list[tuple[str, str, str, str]] = []
    groups: dict[str, dict[str, tuple[str, str]]] = {
        "potential": KIND_LABELS, "signal": SIGNAL_LABELS, "cause": CAUSE_LABELS,
        "strategy": STRATEGIES, "channel": CHANNELS,
    }  # fmt: skip
    for kind, labels in groups.items():
        rows += [(kind, code, en, zh) for code, (en, zh) in labels.items()]
    con.execute("CREATE TABLE labels (kind VARCHAR, code VARCHAR, en VARCHAR, zh VARCHAR)")
    con.executemany("INSERT INTO labels VALUES (?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE churn_bands (band VARCHAR, at_or_above DOUBLE, en VARCHAR, zh VARCHAR)")
    if config.churn_bands:
        con.executemany(
            "INSERT INTO churn_bands VALUES (?, ?, ?, ?)",
            [(b.band, b.at_or_above, b.en, b.zh) for b in config.churn_bands],
        )


def _check_numbers(con: duckdb.DuckDBPyConnection, run_dir: Path) -> None:
    """Every number in the inputs must normalise; the first that does not is named (masked)."""
    for name in _SOURCES:
        bad = con.execute(
            f"SELECT filename, raw_msisdn, count(*) OVER () FROM {name} WHERE msisdn IS NULL LIMIT 1"
        ).fetchone()
        if bad:
            file, raw, n = bad
            shown = mask_msisdn(raw) if raw and len(raw) >= 7 else repr(raw)
            raise DataError(
                f"{Path(file).relative_to(run_dir)}: column msisdn holds {n} value(s) that are not "
                f"mobile numbers (the first: {shown}); the rule is ^1[3-9]\\d{{9}}$",
                fix="validate the inputs ('cxradar validate DATA_DIR') and run the month again",
            )

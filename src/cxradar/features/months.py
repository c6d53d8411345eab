"""Feature tables for several as-of months from monthly bases, on any engine, with a cache.

:func:`build_feature_months` is what the monthly run calls: the contract tables are already
relations of the engine; for every as-of month it returns a relation holding that month's feature
table, written with :meth:`Engine.write_sharded` under the cache folder. Work is done only where
the cache has nothing yet:

1. for each base model, the calendar months the as-of months' windows read and the cache lacks
   are computed in runs of consecutive months - one query per run, so each input table is scanned
   once - and cached (:mod:`cxradar.features.cache`);
2. for each as-of month without a cached feature table, the window models combine the cached base
   months into the feature table (one select, :func:`~cxradar.features.plan.composed_features_sql`),
   which is written, sharded, to the cache.

So the first run of a cycle computes every base month once (not once per as-of month), and the
next month computes one new base month and one new window.

What differs by engine is stated once, in :class:`_Policy`: DuckDB stores a run of base months
as one folder per month (one streamed partitioned write; a window then reads exactly its months),
Spark as one dataset per run sorted by month (fewer jobs; a window's month filter skips the other
row groups).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from cxradar.engine.base import Engine
from cxradar.engine.params import batch_params, month_params
from cxradar.engine.sqlmodel import SqlModel, render
from cxradar.errors import ConfigError
from cxradar.features.cache import BasePart, FeatureCache, cache_key
from cxradar.features.plan import (
    BASE_LOOKBACK,
    FEATURE_MODEL,
    MONTHS_RELATION,
    POPULATION_MODEL,
    base_months_needed,
    composed_features_sql,
    contiguous_runs,
    feature_model_set,
    months_sql,
    normalise_month,
    window_months,
)
from cxradar.io.atomic import atomic_output_dir
from cxradar.months import month_index

__all__ = [
    "ProgressFn",
    "build_feature_months",
    "register_window",
    "table_relation",
    "window_chunks",
    "window_memory_limit",
]

# What one subscriber's window rows reserve of DuckDB's memory limit, about (``window_chunks``,
# ``window_memory_limit``): below it the window's hash joins spill. At 1M subscribers the
# one-piece window took 11.4 s under 2 GB (2.0 GB of buffers + 1.07 GB spilled) and 5.2-5.9 s
# under 3-4 GB; at 5M, under 8 GB, one piece took 30-37 s at 8.3 GB resident and two pieces
# (2.5M subscribers each) 32 s at 4.2 GB (docs/performance.md, "The feature window's memory").
WINDOW_BYTES_PER_SUBSCRIBER = 3200
# the limit a run gives DuckDB (window_memory_limit): never below 2 GB, never above 8 GB
MEMORY_LIMIT_RANGE = (2 * 10**9, 8 * 10**9)

# progress(step, steps_done, steps_total) is called after each step (a base model over a run of
# months, or the feature table of an as-of month)
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class _Policy:
    split_months: bool  # write a run of base months as one file per month
    # how a window model marked "table" is made: "temp" - a DuckDB temporary table (kept in the
    # buffer pool, spilled beyond the memory limit, rather than written to the database file,
    # which costs twice the time for a table read once); "view" - Spark, where a "table" would be
    # a Parquet round trip and a view read twice in one plan is shared by exchange reuse;
    # "table" - Engine.create_table
    tables: str
    # statements around the feature-table write (and what undoes them): DuckDB's join-side
    # heuristic builds the hash tables of the window's left joins on the wide accumulated side
    # when its estimates go wrong; building on the right (the narrow window) halves the cost
    before_window: tuple[str, ...] = ()
    after_window: tuple[str, ...] = ()


def _policy(engine: Engine) -> _Policy:
    if engine.name == "duckdb":
        return _Policy(
            split_months=True,
            tables="temp",
            before_window=("SET disabled_optimizers = 'build_side_probe_side'",),
            after_window=("RESET disabled_optimizers",),
        )
    if engine.name == "spark":
        return _Policy(split_months=False, tables="view")
    return _Policy(split_months=False, tables="table")


def table_relation(month: str) -> str:
    """The name of the relation :func:`build_feature_months` registers for ``month``."""
    return "features_" + normalise_month(month).replace("-", "_")


class _Steps:
    def __init__(self, total: int, progress: ProgressFn | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def __call__(self, name: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(name, self.done, self.total)


def _materialise(engine: Engine, model: SqlModel, params: dict[str, str]) -> None:
    sql = render(model, params)
    how = _policy(engine).tables if model.materialized == "table" else "view"
    if how == "view":
        engine.create_view(model.name, sql)
    elif how == "temp":
        engine.execute(f"CREATE OR REPLACE TEMP TABLE {model.name} AS {sql}")
    else:
        engine.create_table(model.name, sql)


def _compute_run(engine: Engine, cache: FeatureCache, model: SqlModel, first: str, last: str) -> None:
    """Base ``model`` over the months ``first`` .. ``last``, into the cache."""
    query = render(model, batch_params(first, last))
    engine.create_view(MONTHS_RELATION, months_sql(first, last))
    try:
        if _policy(engine).split_months:
            _write_months(engine, cache, model.name, query, first, last)
        else:
            path = cache.part_path(model.name, first, last)
            rows = engine.write_parquet(query, path, order_by="month_index")
            cache.finish_part(model.name, first, last, rows)
    finally:
        engine.drop(MONTHS_RELATION)


def _write_months(engine: Engine, cache: FeatureCache, name: str, query: str, first: str, last: str) -> None:
    """DuckDB: the run of months streamed once, partitioned by ``month_index``
    (:meth:`DuckDBEngine.write_partitioned`, bounded memory), then each month's folder moved into
    the cache (a month without rows gets an empty file of the same columns)."""
    from cxradar.engine.duckdb import DuckDBEngine

    assert isinstance(engine, DuckDBEngine), "split_months is DuckDB's policy"
    folder = cache.part_path(name, first, last).parent
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{first}_{last}.tmp-", dir=folder))
    try:
        target = staging / "months"
        engine.write_partitioned(query, target, "month_index", keep_column=True)
        for month in window_months(last, month_index(last) - month_index(first) + 1):
            part = target / f"month_index={month_index(month)}"
            path = cache.part_path(name, month, month)
            shutil.rmtree(path, ignore_errors=True)
            if part.is_dir():
                os.replace(part, path)
                rows = sum(pq.ParquetFile(f).metadata.num_rows for f in path.glob("*.parquet"))
            else:
                rows = engine.write_parquet(f"SELECT * FROM ({query}) AS q WHERE 1 = 0", path)
            cache.finish_part(name, month, month, rows)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def register_window(
    engine: Engine,
    cache: FeatureCache,
    month: str,
    *,
    include_feat: bool = False,
    subset: str | None = None,
    chunk: tuple[int, int] | None = None,
) -> list[str]:
    """Make the relations the features of ``month`` read: each base model as a view over its
    cached parts for the month's look-back, then the window models. Returns the relations
    created, to drop afterwards.

    The ``feat_*`` models and ``features`` (their join) are created only with ``include_feat``:
    the run itself writes the equivalent single select (composed_features_sql). With ``subset``
    (a relation with an ``msisdn`` column) every base view and the population keep only those
    subscribers: every feature is a function of one subscriber's rows, so their rows are the
    same as in the whole table, at the cost of the subset's rows. With ``chunk`` = ``(i, k)``
    they keep the subscribers of shards ``s`` with ``s % k == i`` instead (:func:`window_chunks`)."""
    models = feature_model_set()
    keep = _keep(engine, subset, chunk)
    created = []
    for model in models.base:
        needed = window_months(month, BASE_LOOKBACK[model.name])
        parts = [p for p in cache.parts(model.name) if p.overlaps(needed)]
        have = {m for p in parts for m in p.months()}
        if not set(needed) <= have:  # cannot happen after the base step; a clear error beats wrong features
            raise ConfigError(
                f"the feature cache lacks {model.name} for {sorted(set(needed) - have)} (as of {month})",
                fix=f"delete the folder {cache.root} and run again",
            )
        created += _register_parts(engine, model.name, parts, needed, keep)
    params = month_params(month)
    for model in models.window:
        if not include_feat and (model.name == FEATURE_MODEL or model.name.startswith("feat_")):
            continue
        if keep is not None and model.name == POPULATION_MODEL:
            engine.create_view(model.name, f"SELECT * FROM ({render(model, params)}) AS p WHERE {keep}")
        else:
            _materialise(engine, model, params)
        created.append(model.name)
    return created


def _keep(engine: Engine, subset: str | None, chunk: tuple[int, int] | None) -> str | None:
    """The predicate on ``msisdn`` of the subscribers a window keeps (None: all of them)."""
    if subset is not None:
        return f"msisdn IN (SELECT msisdn FROM {subset})"
    if chunk is not None:
        return f"{engine.shard_sql('msisdn')} % {chunk[1]} = {chunk[0]}"
    return None


def window_chunks(engine: Engine, subscribers: int | None = None) -> int:
    """In how many pieces DuckDB computes a whole feature table (1 on other engines).

    The window's left joins hold hash tables of every subscriber's window rows; beyond DuckDB's
    memory limit they spill, and at 5M subscribers under a 2 GB limit the one-piece window took
    394 s against 52 s with 8 GB (``docs/performance.md``). Every feature is a function of one
    subscriber's rows, so the table is computed for the subscribers of one group of shards at a
    time (``shard % k``), each group's hash tables within the limit, and the groups' shards
    together are the whole table. ``k`` is at most the engine's shard count; ``subscribers``
    defaults to the rows of the relation ``subscribers``."""
    if not engine.memory_limit_bytes:
        return 1
    per_chunk = max(1, engine.memory_limit_bytes // WINDOW_BYTES_PER_SUBSCRIBER)
    if subscribers is None:
        subscribers = engine.count("subscribers")
    return max(1, min(engine.shards, -(-subscribers // per_chunk)))


def window_memory_limit(subscribers: int | None) -> str:
    """DuckDB's memory limit for a run over ``subscribers``: enough for the feature window in one
    piece, within :data:`MEMORY_LIMIT_RANGE` (2 GB when the count is unknown). Above 8 GB' worth
    (2.5M subscribers) the window is computed in pieces instead (:func:`window_chunks`)."""
    low, high = MEMORY_LIMIT_RANGE
    wanted = (subscribers or 0) * WINDOW_BYTES_PER_SUBSCRIBER
    return f"{max(low, min(high, wanted)) // 10**6}MB"


def _register_parts(
    engine: Engine, name: str, parts: list[BasePart], months: list[str], keep: str | None = None
) -> list[str]:
    """View ``name``: the rows of ``months`` from the cached ``parts`` (a part may hold more),
    of the subscribers ``keep`` holds for when given."""
    relations = []
    for part in parts:
        relation = f"{name}__{part.first}_{part.last}".replace("-", "_")
        engine.register_parquet(relation, part.path)
        relations.append(relation)
    union = " UNION ALL ".join(f"SELECT * FROM {r}" for r in relations)
    first, last = month_index(months[0]), month_index(months[-1])
    engine.create_view(
        name,
        f"SELECT * FROM ({union}) AS parts WHERE month_index BETWEEN {first} AND {last}"
        + (f" AND {keep}" if keep else ""),
    )
    return [*relations, name]


def _compute_window(
    engine: Engine, cache: FeatureCache, month: str, subset: str | None = None, path: Path | None = None
) -> None:
    target = path or cache.table_path(month)
    if subset is not None:
        _write_window(engine, cache, month, target, subset=subset)
        return
    chunks = window_chunks(engine)
    if chunks == 1:
        _write_window(engine, cache, month, target)
        return
    with atomic_output_dir(target) as tmp:
        for i in range(chunks):  # each piece writes the shard folders s with s % chunks == i
            piece = tmp / f".piece-{i}"
            _write_window(engine, cache, month, piece, chunk=(i, chunks))
            for shard in piece.iterdir():
                # a piece without rows writes an empty __shard=0 (another piece's): left behind
                if int(shard.name.partition("=")[2]) % chunks == i:
                    os.replace(shard, tmp / shard.name)
            shutil.rmtree(piece)


def _write_window(
    engine: Engine,
    cache: FeatureCache,
    month: str,
    target: Path,
    *,
    subset: str | None = None,
    chunk: tuple[int, int] | None = None,
) -> None:
    """The feature table of ``month`` (of ``subset`` or of a ``chunk`` when given), sharded."""
    policy = _policy(engine)
    # a subset's window is narrow on both sides: the optimiser's choice stands
    before, after = (policy.before_window, policy.after_window) if subset is None else ((), ())
    created = register_window(engine, cache, month, subset=subset, chunk=chunk)
    query = composed_features_sql(feature_model_set(), month_params(month))
    try:
        for statement in before:
            engine.execute(statement)
        engine.write_sharded(query, target)
    finally:
        for statement in after:
            engine.execute(statement)
        for name in reversed(created):
            engine.drop(name)


def open_cache(engine: Engine, cache_dir: Path, fingerprint: str) -> FeatureCache:
    """The cache of ``fingerprint`` (and the shipped SQL) for ``engine`` under ``cache_dir``."""
    contract = {"low_rating_max": month_params("2000-01")["low_rating_max"]}
    key = cache_key(fingerprint, feature_model_set(), contract)
    return FeatureCache(Path(cache_dir), key, engine.name, engine.shards)


def build_feature_months(
    engine: Engine,
    months: list[str],
    *,
    cache_dir: Path,
    fingerprint: str,
    progress: ProgressFn | None = None,
    subsets: dict[str, str] | None = None,
    subset_dir: Path | None = None,
) -> dict[str, str]:
    """The feature table of every as-of month in ``months``, as relations of ``engine``.

    The contract tables must already be relations of the engine under their contract names.
    Returns ``{month: relation}`` (relation ``features_YYYY_MM``); each reads the month's table
    from ``cache_dir``, written with ``engine.write_sharded`` so shard steps read it without
    re-partitioning. ``fingerprint`` identifies the inputs: bases and tables cached under
    another fingerprint (or by other SQL) are not reused, and their folders are removed.

    ``subsets`` maps some months to a relation of the subscribers whose features are needed (a
    training sample, the respondents): unless the cache holds the month's whole table, only those
    rows are computed, into ``subset_dir`` (scratch space, not the cache - the next run's subset
    differs). The base months are cached either way.
    """
    wanted = sorted({normalise_month(m) for m in months}, key=month_index)
    if not wanted:
        raise ConfigError("no as-of month to build features for", fix="pass at least one YYYY-MM month")
    models = feature_model_set()
    cache = open_cache(engine, cache_dir, fingerprint)
    cache.prune()
    partial = {
        normalise_month(m): r for m, r in (subsets or {}).items() if not cache.has_table(normalise_month(m))
    }
    if partial and subset_dir is None:
        raise ConfigError("feature subsets need a subset_dir", fix="pass subset_dir (scratch space)")
    todo = [m for m in wanted if not cache.has_table(m)]
    runs = {
        model.name: contiguous_runs(
            sorted(set(base_months_needed(todo, model.name)) - cache.cached_months(model.name))
        )
        for model in models.base
    }
    steps = _Steps(sum(len(r) for r in runs.values()) + len(todo), progress)
    if any(runs.values()):
        for helper in models.helpers:
            _materialise(engine, helper, {})
        try:
            for model in models.base:
                for first, last in runs[model.name]:
                    _compute_run(engine, cache, model, first, last)
                    steps(f"{model.name} {first}..{last}")
        finally:
            for helper in models.helpers:
                engine.drop(helper.name)
    for month in todo:
        if month in partial:
            assert subset_dir is not None
            _compute_window(engine, cache, month, partial[month], Path(subset_dir) / month)
        else:
            _compute_window(engine, cache, month)
        steps(f"features {month}")
    result = {}
    for month in wanted:
        name = table_relation(month)
        where = Path(subset_dir) / month if month in partial and subset_dir else cache.table_path(month)
        engine.register_parquet(name, where, sharded=True)
        result[month] = name
    return result

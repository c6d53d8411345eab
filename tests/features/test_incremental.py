"""build_feature_months: monthly bases + windows, the cache, and numbers that never depend on the run.

* the incremental path (bases cached month by month, the next month adding one base month and one
  window) gives exactly the tables of a fresh build, and of build_features month by month;
* two fresh builds - one thread or two, input rows in another order - are bit-identical;
* a changed fingerprint computes everything again and removes the old cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxradar.engine.base import Engine
from cxradar.features import build_feature_months, build_features, open_engine

from .tables import random_tables, write_tables

MONTHS = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tables(tmp_path_factory.mktemp("data"), **random_tables(11, n=40))


def _tables(engine: Engine, relations: dict[str, str]) -> dict[str, pa.Table]:
    return {m: engine.fetch_arrow(f"SELECT * FROM {r} ORDER BY msisdn") for m, r in relations.items()}


def _build(
    folder: Path, work: Path, months: list[str], fingerprint: str = "f1", threads: int | None = None
) -> tuple[dict[str, pa.Table], list[str]]:
    steps: list[str] = []
    engine = open_engine("duckdb", work / "engine", folder, threads=threads)
    try:
        relations = build_feature_months(
            engine,
            months,
            cache_dir=work / "cache",
            fingerprint=fingerprint,
            progress=lambda s, d, t: steps.append(s),
        )
        return _tables(engine, relations), steps
    finally:
        engine.close()


def test_incremental_months_equal_a_fresh_build(folder: Path, tmp_path: Path) -> None:
    fresh, steps = _build(folder, tmp_path / "fresh", MONTHS)
    assert steps[-6:] == [f"features {m}" for m in MONTHS]
    assert len(steps) == 5 + 6  # one run of months per base model, then one window per as-of month
    # last month's cycle, then this month's in the same cache: one new base month per model and
    # one new window; the other five tables come from the cache
    earlier, _ = _build(folder, tmp_path / "warm", MONTHS[:-1])
    later, steps = _build(folder, tmp_path / "warm", MONTHS[1:])
    assert sorted(steps) == sorted(
        [
            f"{b} 2026-09..2026-09"
            for b in ("base_usage", "base_contacts", "base_surveys", "base_cells", "base_incident_hits")
        ]
        + ["features 2026-09"]
    )
    for month in MONTHS:
        cached = earlier.get(month) or later[month]
        assert cached.equals(fresh[month]), month
    # the one-month entry point builds the same table
    for month in ("2026-05", "2026-09"):
        single = pa.Table.from_pandas(build_features(folder, month), preserve_index=False)
        assert single.cast(fresh[month].schema).equals(fresh[month]), month
    assert fresh["2026-09"].num_rows > 20


def _shuffled_copy(folder: Path, target: Path, seed: int) -> Path:
    target.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for path in folder.glob("*.parquet"):
        table = pq.read_table(path)
        pq.write_table(table.take(rng.permutation(table.num_rows)), target / path.name, row_group_size=7)
    return target


def test_fresh_builds_are_bit_identical_whatever_the_threads_and_row_order(
    folder: Path, tmp_path: Path
) -> None:
    one, _ = _build(folder, tmp_path / "one", MONTHS[-2:], threads=1)
    shuffled = _shuffled_copy(folder, tmp_path / "shuffled", seed=5)
    two, _ = _build(shuffled, tmp_path / "two", MONTHS[-2:], threads=2)
    for month in MONTHS[-2:]:
        assert one[month].equals(two[month]), month  # every float to the last bit
    floats = [f.name for f in one["2026-09"].schema if pa.types.is_floating(f.type)]
    assert len(floats) > 30


def test_a_window_computed_in_pieces_equals_the_one_piece_window(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxradar.features import months

    whole, _ = _build(folder, tmp_path / "whole", MONTHS[-2:])
    # a memory limit that holds about a third of the subscribers' window rows: three or four pieces
    engine = open_engine("duckdb", tmp_path / "probe", folder)
    subscribers = engine.count("subscribers")
    monkeypatch.setattr(
        months, "WINDOW_BYTES_PER_SUBSCRIBER", engine.memory_limit_bytes // (subscribers // 3)
    )
    assert months.window_chunks(engine) in (3, 4)
    table = months.open_cache(engine, tmp_path / "pieces" / "cache", "f1").table_path("2026-09")
    engine.close()
    pieces, _ = _build(folder, tmp_path / "pieces", MONTHS[-2:])
    for month in MONTHS[-2:]:
        assert pieces[month].equals(whole[month]), month
    assert whole["2026-09"].num_rows > 20
    # each piece wrote its own shard folders: one file in each, no piece folder left
    folders = sorted(table.iterdir())
    assert [p.name for p in folders] == [f"__shard={k}" for k in range(8)]
    assert all(len(list(p.glob("*.parquet"))) == 1 for p in folders)


def test_pieces_without_subscribers_leave_the_table_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxradar.features import months

    few = write_tables(tmp_path / "few", **random_tables(11, n=5))  # 5 subscribers, 8 pieces
    whole, _ = _build(few, tmp_path / "whole", MONTHS[-1:])
    monkeypatch.setattr(months, "WINDOW_BYTES_PER_SUBSCRIBER", 10**12)
    pieces, _ = _build(few, tmp_path / "pieces", MONTHS[-1:])
    assert pieces[MONTHS[-1]].equals(whole[MONTHS[-1]])
    assert 0 < whole[MONTHS[-1]].num_rows <= 5


def test_changed_fingerprint_recomputes_and_removes_the_old_cache(folder: Path, tmp_path: Path) -> None:
    first, steps = _build(folder, tmp_path, MONTHS[-1:], fingerprint="inputs-v1")
    assert steps
    again, steps = _build(folder, tmp_path, MONTHS[-1:], fingerprint="inputs-v1")
    assert steps == [] and again["2026-09"].equals(first["2026-09"])
    old = {p.name for p in (tmp_path / "cache").iterdir()}
    changed, steps = _build(folder, tmp_path, MONTHS[-1:], fingerprint="inputs-v2")
    assert len(steps) == 6 and changed["2026-09"].equals(first["2026-09"])
    new = {p.name for p in (tmp_path / "cache").iterdir()}
    assert len(old) == len(new) == 1 and old != new


def test_interrupted_writes_are_cleared(folder: Path, tmp_path: Path) -> None:
    _build(folder, tmp_path, MONTHS[-1:])
    root = next((tmp_path / "cache").iterdir())
    leftover = root / "tables-duckdb-8" / "2026-08.tmp-abc123"
    leftover.mkdir(parents=True)
    (leftover / "part.parquet").write_bytes(b"half")
    _build(folder, tmp_path, MONTHS[-1:])
    assert not leftover.exists()


def test_a_run_gives_duckdb_memory_for_its_size_and_cuts_the_window_beyond_it(tmp_path: Path) -> None:
    from cxradar.engine.duckdb import DuckDBEngine
    from cxradar.features.months import window_chunks, window_memory_limit

    # hand-computed: 3,200 bytes a subscriber, within 2 GB .. 8 GB
    assert window_memory_limit(None) == "2000MB"
    assert window_memory_limit(500_000) == "2000MB"  # 1.6 GB: the floor
    assert window_memory_limit(1_000_000) == "3200MB"
    assert window_memory_limit(2_000_000) == "6400MB"
    assert window_memory_limit(5_000_000) == "8000MB"
    assert window_memory_limit(20_000_000) == "8000MB"  # the cap
    engine = DuckDBEngine(tmp_path / "e", shards=64, memory_limit=window_memory_limit(20_000_000))
    try:
        assert window_chunks(engine, 2_500_000) == 1
        assert window_chunks(engine, 5_000_000) == 2  # 8e9 / 3,200 = 2.5M subscribers a piece
        assert window_chunks(engine, 20_000_000) == 8
        assert window_chunks(engine, 10**9) == 64  # never more pieces than shards
    finally:
        engine.close()

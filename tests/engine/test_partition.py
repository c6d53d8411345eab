"""The shard-partitioned writer (cxradar.engine.partition) and the DuckDB engine's use of it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxradar.engine.duckdb import DuckDBEngine
from cxradar.engine.partition import batch_rows, write_partitioned


def _batches(n: int, size: int) -> tuple[list[pa.RecordBatch], pa.Schema]:
    schema = pa.schema([("msisdn", pa.string()), ("x", pa.int64()), ("__shard", pa.int32())])
    batches = []
    for start in range(0, n, size):
        ids = list(range(start, min(n, start + size)))
        batches.append(
            pa.record_batch(
                [pa.array([f"m{i}" for i in ids]), pa.array(ids), pa.array([i % 5 for i in ids], pa.int32())],
                schema=schema,
            )
        )
    return batches, schema


def test_every_row_lands_in_its_shard_once_without_the_shard_column(tmp_path: Path) -> None:
    batches, schema = _batches(1_000, 64)
    # a tiny buffer: every batch is flushed, so each shard's file holds many row groups
    rows = write_partitioned(batches, schema, tmp_path / "out", buffer_bytes=1)
    assert rows == 1_000
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"__shard={k}" for k in range(5)]
    for k in range(5):
        file = pq.ParquetFile(tmp_path / "out" / f"__shard={k}" / "part-0.parquet")
        assert file.schema_arrow.names == ["msisdn", "x"]
        assert file.metadata.num_row_groups > 1
        got = sorted(file.read().column("x").to_pylist())
        assert got == [i for i in range(1_000) if i % 5 == k]  # hand-computed: x % 5 is the shard


def test_no_rows_leave_a_typed_empty_shard(tmp_path: Path) -> None:
    _, schema = _batches(0, 10)
    assert write_partitioned([], schema, tmp_path / "out") == 0
    table = pq.read_table(tmp_path / "out" / "__shard=0" / "part-0.parquet")
    assert table.num_rows == 0 and table.schema.names == ["msisdn", "x"]


def test_batches_are_sized_by_row_width() -> None:
    narrow = pa.schema([("a", pa.int64())])
    wide = pa.schema([(f"c{i}", pa.float64()) for i in range(500)] + [("s", pa.string())])
    assert batch_rows(narrow) == 200_000  # 8 bytes a row: the cap
    assert batch_rows(wide) == (32 << 20) // (500 * 8 + 24)


def test_the_engine_writes_and_reads_back_a_sharded_relation(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "work", shards=4)
    try:
        engine.create_table("t", "SELECT 'm' || i AS msisdn, i AS x FROM range(10000) r(i)")
        engine.write_sharded("SELECT * FROM t", tmp_path / "sharded")
        engine.register_parquet("back", tmp_path / "sharded", sharded=True)
        assert engine.fetch("SELECT COUNT(*) AS n, SUM(x) AS s FROM back").iloc[0].tolist() == [
            10000,
            49995000,
        ]
        # each row sits in the partition of DuckDB's hash of its msisdn
        check = duckdb.connect()
        wrong = check.execute(
            f"SELECT COUNT(*) FROM read_parquet('{tmp_path}/sharded/*/*.parquet', hive_partitioning = true) "
            "WHERE CAST(hash(msisdn) % 4 AS INTEGER) <> __shard"
        ).fetchall()
        assert wrong == [(0,)]
    finally:
        engine.close()


def test_a_failing_query_is_an_engine_error_and_leaves_no_folder(tmp_path: Path) -> None:
    from cxradar.errors import EngineError

    engine = DuckDBEngine(tmp_path / "work", shards=2)
    try:
        with pytest.raises(EngineError, match="DuckDB failed"):
            engine.write_sharded("SELECT 'm' AS msisdn, CAST('x' AS INTEGER) AS bad", tmp_path / "sharded")
        assert not (tmp_path / "sharded").exists()
    finally:
        engine.close()


def test_the_partition_column_can_be_kept_in_the_files(tmp_path: Path) -> None:
    batches, schema = _batches(100, 30)
    write_partitioned(batches, schema, tmp_path / "out", keep_column=True)
    table = pq.read_table(tmp_path / "out" / "__shard=3" / "part-0.parquet")
    assert table.schema.names == ["msisdn", "x", "__shard"]
    assert set(table.column("__shard").to_pylist()) == {3} and table.num_rows == 20


def test_out_of_memory_is_retried_once_on_one_thread(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "work", shards=2, threads=2, memory_limit="1GB")
    calls: list[int] = []
    undone: list[bool] = []

    limits: list[str] = []

    def action() -> str:
        ((threads, limit),) = engine.con.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchall()
        calls.append(int(threads))
        limits.append(str(limit))
        if len(calls) == 1:
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return "done"

    try:
        assert engine._on_one_thread_if_short(action, undo=lambda: undone.append(True)) == "done"
        assert calls == [2, 1] and undone == [True] and engine.memory_retries == 1
        assert limits == ["953.6 MiB", "1.8 GiB"]  # 1 GB, then twice that (DuckDB shows binary units)
        ((threads, limit),) = engine.con.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchall()
        assert (int(threads), limit) == (2, "953.6 MiB")  # the settings are restored
        # a second failure on one thread is the caller's error
        with pytest.raises(duckdb.OutOfMemoryException):
            engine._on_one_thread_if_short(
                lambda: (_ for _ in ()).throw(duckdb.OutOfMemoryException("again"))
            )
    finally:
        engine.close()


@pytest.mark.parametrize(
    ("size", "expected"), [("2GB", 2 * 10**9), ("1500 MB", 15 * 10**8), ("1.5GiB", 3 * 2**29), ("512", 512)]
)
def test_memory_sizes_are_read_like_duckdb(size: str, expected: int) -> None:
    from cxradar.engine.duckdb import _bytes

    assert _bytes(size) == expected


def test_a_memory_limit_that_is_not_a_size_is_named() -> None:
    from cxradar.engine.duckdb import _bytes
    from cxradar.errors import EngineError

    with pytest.raises(EngineError, match="'two gigs' is not a size"):
        _bytes("two gigs")

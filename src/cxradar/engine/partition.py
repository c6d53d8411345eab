"""Write a stream of Arrow batches as a Parquet dataset partitioned by shard, in bounded memory.

The DuckDB engine hands shard functions their inputs partitioned by ``hash(msisdn) % shards``
(hive style: ``__shard=k/part-0.parquet``). Why our own writer rather than a library's:

* DuckDB's ``COPY ... (PARTITION_BY (__shard))`` keeps buffers for every open partition (a known
  limit: duckdb/duckdb issues #8981 and #25920): on a 4.6M-row copy of one wide feature month in
  32 shards it took 29.0 s at 1.96 GB under a 2 GB limit and 39.7 s spilling under 600 MB, where
  this writer takes 12 s at 1.0 GB. (The 5M next month's "out of memory" was first blamed on it;
  it is the feature query's own hash joins, see docs/performance.md.)
* ``pyarrow.dataset.write_dataset`` with the same stream queued batches faster than it wrote them:
  3.9-4.8 GB peak on the same 4.6M rows.

Here the caller's query is evaluated once and streamed in batches sized to ~32 MB
(:func:`batch_rows`); each batch is split by shard and buffered; when the buffers reach
``buffer_bytes`` every shard's part is appended to its file as one row group, two shards at a
time (pyarrow releases the GIL while it encodes). Peak memory is about one batch plus
``buffer_bytes`` plus the engine's own, whatever the table's size (1.0 GB for those 4.6M rows,
with DuckDB's reader included).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["SHARD_COLUMN", "batch_rows", "write_partitioned"]

SHARD_COLUMN = "__shard"
_BATCH_BYTES = 32 << 20
_BUFFER_BYTES = 128 << 20


def batch_rows(schema: pa.Schema, target_bytes: int = _BATCH_BYTES) -> int:
    """Rows per streamed batch so that one batch of ``schema`` is about ``target_bytes`` (strings
    counted at 24 bytes, other variable-width types at 16), between 4,096 and 200,000 rows."""
    width = 0
    for field in schema:
        try:
            width += max(1, field.type.bit_width // 8)
        except ValueError:  # strings, lists: no fixed width
            width += 24 if pa.types.is_string(field.type) or pa.types.is_large_string(field.type) else 16
    return int(min(200_000, max(4_096, target_bytes // max(width, 1))))


class _Writers:
    """One ``ParquetWriter`` per shard, opened on the shard's first rows."""

    def __init__(self, target: Path, schema: pa.Schema, column: str) -> None:
        self.target, self.schema, self.column = target, schema, column
        self.open: dict[int, pq.ParquetWriter] = {}

    def write(self, shard: int, parts: list[pa.Table]) -> None:
        table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        writer = self.open.get(shard)
        if writer is None:
            folder = self.target / f"{self.column}={shard}"
            folder.mkdir(parents=True, exist_ok=True)
            writer = self.open[shard] = pq.ParquetWriter(folder / "part-0.parquet", self.schema)
        writer.write_table(table)

    def close(self) -> None:
        for writer in self.open.values():
            writer.close()
        self.open.clear()


def write_partitioned(
    batches: Iterable[pa.RecordBatch],
    schema: pa.Schema,
    target: Path,
    *,
    column: str = SHARD_COLUMN,
    keep_column: bool = False,
    buffer_bytes: int = _BUFFER_BYTES,
) -> int:
    """Write ``batches`` (with an integer ``column``) under ``target`` as ``column=k/part-0.parquet``
    files, without that column unless ``keep_column``; returns the rows written. ``schema`` is the
    batches' schema. With no rows at all, partition 0 gets an empty file with the schema, so a
    reader finds typed columns."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    out_schema = schema if keep_column else schema.remove(schema.get_field_index(column))
    writers = _Writers(target, out_schema, column)
    buffered: dict[int, list[pa.Table]] = {}
    size = rows = 0
    with ThreadPoolExecutor(max_workers=2) as pool:

        def flush() -> None:
            nonlocal buffered, size
            list(pool.map(lambda item: writers.write(*item), buffered.items()))
            buffered, size = {}, 0

        try:
            for batch in batches:
                if not batch.num_rows:
                    continue
                table = pa.Table.from_batches([batch])
                order = pc.sort_indices(table.column(column))
                shards = table.column(column).take(order).to_numpy()
                sorted_rows = (table if keep_column else table.drop_columns([column])).take(order)
                cuts = np.flatnonzero(np.diff(shards)) + 1
                for start, end in zip(np.r_[0, cuts], np.r_[cuts, len(shards)], strict=True):
                    buffered.setdefault(int(shards[start]), []).append(sorted_rows.slice(start, end - start))
                rows += batch.num_rows
                size += sorted_rows.nbytes
                if size >= buffer_bytes:
                    flush()
            flush()
            if not writers.open and not rows:
                writers.write(0, [out_schema.empty_table()])
        finally:
            writers.close()
    return rows

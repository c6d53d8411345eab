"""What every execution engine offers the monthly run: SQL over named relations, shard functions, writes.

The monthly cycle is written once against :class:`Engine` and runs on DuckDB (the embedded
default, :class:`cxradar.engine.duckdb.DuckDBEngine`) or on Apache Spark
(:class:`cxradar.engine.spark.SparkEngine`). A step is one of three shapes:

* **SQL** - a statement in the portable DuckDB subset over named relations (the input tables,
  earlier results). Spark transpiles it with sqlglot (:func:`cxradar.engine.dialects.transpile`).
* **shard function** (:class:`ShardStep`) - a pure Python function over the rows of one shard of
  subscribers: every input relation is cut by a stable hash of ``msisdn`` and the function sees
  all rows of the same subscribers at once, so its answer for a subscriber never depends on the
  shard count, the row order or the engine. DuckDB walks the shards one after another; Spark runs
  each shard as one ``applyInPandas`` group (``mapInPandas`` for row-wise steps).
* **global** - ``fetch`` a small result (respondents, sort keys, counts) to the driver, compute,
  and hand a small table back with :meth:`Engine.register_frame`.

Results the run keeps are written by the engine itself (:meth:`Engine.write_parquet`: DuckDB
``COPY``, Spark ``write``), atomically, never through a full-size pandas DataFrame.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

__all__ = ["Engine", "ShardFunction", "ShardInput", "ShardStep", "StepCounts"]

# inputs of one shard (pandas DataFrames by input name) -> outputs (DataFrames by output name)
ShardFunction = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class ShardInput:
    """One input of a shard function: a relation with an ``msisdn`` column.

    ``columns`` projects it (default: all). ``order_by`` is the order the function sees the rows in
    (ties are broken by every other column, so the order is total and the same on every engine).
    """

    relation: str
    columns: tuple[str, ...] | None = None
    order_by: tuple[str, ...] = ("msisdn",)
    key: str = "msisdn"


@dataclass(frozen=True)
class ShardStep:
    """A pure per-subscriber function and its declared inputs and outputs.

    ``outputs`` declares each output's Arrow schema: the frames the function returns are cast to it,
    so both engines write exactly the same types. ``rowwise`` says the function treats each row on
    its own (scoring): it may then be given any slice of its single input, which is cheaper than
    grouping by shard.
    """

    name: str
    function: ShardFunction
    inputs: Mapping[str, ShardInput]
    outputs: Mapping[str, pa.Schema]
    rowwise: bool = False

    def __post_init__(self) -> None:
        if self.rowwise and len(self.inputs) != 1:
            raise ValueError(f"row-wise shard step {self.name} must have exactly one input")


@dataclass
class StepCounts:
    """Rows a shard step read and wrote, per input and output."""

    rows_in: dict[str, int] = field(default_factory=dict)
    rows_out: dict[str, int] = field(default_factory=dict)


class Engine(abc.ABC):
    """The operations the monthly run needs from an execution engine (see the module docstring)."""

    name: str = ""
    shards: int = 1
    # the engine's own memory cap in this process, in bytes (0: none that the run sets - Spark's
    # memory is the cluster's)
    memory_limit_bytes: int = 0

    # ------------------------------------------------------------------ SQL

    @abc.abstractmethod
    def execute(self, statement: str) -> None:
        """Run one statement written in the portable DuckDB subset (transpiled where needed)."""

    @abc.abstractmethod
    def create_view(self, name: str, query: str) -> None:
        """``name`` becomes a (lazy) view of ``query``."""

    @abc.abstractmethod
    def create_table(self, name: str, query: str) -> None:
        """``name`` becomes a materialised table of ``query`` (bounded memory: spills to disk)."""

    @abc.abstractmethod
    def drop(self, name: str) -> None:
        """Forget the table or view ``name`` (no error when absent)."""

    @abc.abstractmethod
    def register_parquet(self, name: str, path: Path, *, sharded: bool = False) -> None:
        """``name`` becomes a view of the Parquet file or folder ``path`` (``sharded``: written by
        :meth:`write_sharded`)."""

    @abc.abstractmethod
    def register_frame(self, name: str, frame: Any) -> None:
        """``name`` becomes a view of a small pandas DataFrame or Arrow table held by the driver."""

    @abc.abstractmethod
    def has(self, name: str) -> bool:
        """True when a relation ``name`` exists."""

    @abc.abstractmethod
    def columns(self, relation: str) -> list[str]:
        """The column names of ``relation``."""

    @abc.abstractmethod
    def fetch(self, query: str) -> Any:
        """The (small) result of ``query`` as a pandas DataFrame, in the query's order."""

    @abc.abstractmethod
    def fetch_arrow(self, query: str) -> pa.Table:
        """The (small) result of ``query`` as an Arrow table."""

    def count(self, relation: str) -> int:
        """Rows of ``relation``."""
        return int(self.fetch(f"SELECT COUNT(*) AS n FROM {relation}")["n"].iloc[0])

    # ------------------------------------------------------------------ writing

    @abc.abstractmethod
    def write_parquet(
        self, query: str, path: Path, *, order_by: str | None = None, drop: tuple[str, ...] = ()
    ) -> int:
        """Write the result of ``query`` to ``path`` (a Parquet file on DuckDB, a folder of parts on
        Spark), atomically: the old file stays until the new one is complete. Returns its rows.
        ``drop`` names columns of the query that only order the rows: they are not written."""

    def write_sharded(self, query: str, path: Path, *, key: str = "msisdn") -> None:
        """Write ``query`` as a Parquet dataset that shard steps can read without re-partitioning
        (DuckDB: partitioned by shard; Spark: plain parts). Read it back with
        ``register_parquet(name, path, sharded=True)``."""
        self.write_parquet(query, path)

    # ------------------------------------------------------------------ shard functions

    @abc.abstractmethod
    def shard_sql(self, key: str = "msisdn") -> str:
        """The SQL expression of a row's shard of ``key`` (stable for one engine and shard count)."""

    @abc.abstractmethod
    def map_shards(self, step: ShardStep, out_dir: Path) -> StepCounts:
        """Run ``step`` over every shard; each output is written under ``out_dir/<output>`` and
        registered as a relation named ``<step.name>_<output>``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the engine's resources (connections, the Spark session it started)."""

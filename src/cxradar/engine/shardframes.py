"""The frames a shard function sees and returns, made identical on every engine.

Both engines hand a shard function its inputs as Arrow tables; :func:`input_frames` turns them into
pandas the same way (same conversion, rows in a total order), and :func:`output_tables` casts what
the function returns to the declared Arrow schemas. Spark moves several inputs and outputs through
one grouped call as a single *packed* table (:func:`pack` / :func:`unpack`): each row carries the
index of the table it belongs to and that table's columns under prefixed names, the other tables'
columns being null. All of this is pure Arrow/pandas, so it is tested without either engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxradar.engine.base import ShardInput
from cxradar.errors import EngineError

__all__ = [
    "TABLE_TAG",
    "empty_table",
    "input_frames",
    "output_tables",
    "pack",
    "packed_schema",
    "unpack",
]

TABLE_TAG = "__table"


def empty_table(schema: pa.Schema) -> pa.Table:
    """A table with ``schema`` and no rows."""
    return pa.Table.from_batches([], schema=schema)


def _order(table: pa.Table, order_by: Sequence[str]) -> np.ndarray | None:
    """Row positions sorting ``table`` by ``order_by`` then every other column (nulls last): a
    total order, so the function's view does not depend on how the engine delivered the rows.
    ``None`` when the rows already are in that order. (The positions are applied to the pandas
    frame: a take over numpy columns costs less than half of Arrow's over a wide table.)"""
    if table.num_rows < 2:
        return None
    keys = [c for c in order_by if c in table.column_names]
    keys += [c for c in table.column_names if c not in keys]
    sortable = [k for k in keys if not pa.types.is_nested(table.schema.field(k).type)]
    order = pc.sort_indices(table, sort_keys=[(k, "ascending", "at_end") for k in sortable]).to_numpy()
    return None if bool((order == np.arange(len(order))).all()) else order


def input_frames(tables: Mapping[str, pa.Table], specs: Mapping[str, ShardInput]) -> dict[str, pd.DataFrame]:
    """pandas frames for a shard function: each input projected and ordered by its spec."""
    frames: dict[str, pd.DataFrame] = {}
    for name, spec in specs.items():
        table = tables[name]
        if spec.columns is not None:
            missing = [c for c in spec.columns if c not in table.column_names]
            if missing:
                raise EngineError(
                    f"input '{name}' ({spec.relation}) has no column '{missing[0]}'",
                    fix="check the step's declared inputs against the relation it reads",
                )
            table = table.select(list(spec.columns))
        order = _order(table, spec.order_by)
        frame = table.to_pandas()
        frames[name] = frame if order is None else frame.take(order).reset_index(drop=True)
    return frames


def _conform(frame: Any, schema: pa.Schema, where: str) -> pa.Table:
    if isinstance(frame, pa.Table):
        table = frame
    else:
        missing = [f.name for f in schema if f.name not in frame.columns]
        if missing:
            raise EngineError(
                f"{where} returned no column '{missing[0]}'", fix="return every column of the declared schema"
            )
        table = pa.Table.from_pandas(frame[list(schema.names)], preserve_index=False)
    try:
        return table.select(list(schema.names)).cast(schema, safe=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError) as error:
        raise EngineError(
            f"{where} returned columns that do not fit the declared types: {error}",
            fix="return values of the declared types (see the step's output schema)",
        ) from error


def output_tables(
    frames: Mapping[str, Any], schemas: Mapping[str, pa.Schema], step: str
) -> dict[str, pa.Table]:
    """The function's outputs cast to their declared schemas (an absent output is empty)."""
    unknown = set(frames) - set(schemas)
    if unknown:
        raise EngineError(
            f"shard step {step} returned undeclared output '{sorted(unknown)[0]}'",
            fix="declare every output with its schema in the ShardStep",
        )
    out: dict[str, pa.Table] = {}
    for name, schema in schemas.items():
        frame = frames.get(name)
        out[name] = empty_table(schema) if frame is None else _conform(frame, schema, f"{step}.{name}")
    return out


# ---------------------------------------------------------------------------------------- packing


def _prefixed(index: int, column: str) -> str:
    return f"t{index}__{column}"


def packed_schema(schemas: Sequence[pa.Schema]) -> pa.Schema:
    """The schema of several tables packed into one (see the module docstring)."""
    fields = [pa.field(TABLE_TAG, pa.int32(), nullable=False)]
    for i, schema in enumerate(schemas):
        fields += [pa.field(_prefixed(i, f.name), f.type) for f in schema]
    return pa.schema(fields)


def pack(tables: Sequence[pa.Table], extra: Mapping[str, pa.Array] | None = None) -> pa.Table:
    """Several tables as one packed table (``extra`` columns are added to every row, e.g. a shard)."""
    target = packed_schema([t.schema for t in tables])
    parts = []
    for i, table in enumerate(tables):
        n = table.num_rows
        columns: dict[str, pa.Array] = {TABLE_TAG: pa.array([i] * n, pa.int32())}
        for j, other in enumerate(tables):
            for f in other.schema:
                name = _prefixed(j, f.name)
                columns[name] = table.column(f.name) if j == i else pa.nulls(n, f.type)
        parts.append(pa.table(columns, schema=target))
    packed = pa.concat_tables(parts) if parts else empty_table(target)
    for name, values in (extra or {}).items():
        packed = packed.append_column(name, values)
    return packed


def unpack(packed: pa.Table, schemas: Sequence[pa.Schema]) -> list[pa.Table]:
    """The tables :func:`pack` made, each with its own schema (types restored by a cast)."""
    tag = packed.column(TABLE_TAG)
    out = []
    for i, schema in enumerate(schemas):
        rows = packed.filter(pc.equal(tag, pa.scalar(i, pa.int32())))
        columns = [rows.column(_prefixed(i, f.name)) for f in schema]
        out.append(pa.table(columns, names=list(schema.names)).cast(schema, safe=False))
    return out

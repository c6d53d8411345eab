"""Arrow schemas from the table contracts and an atomic, row-group-appending Parquet writer.

Tables are written to a hidden temp file in the output folder and moved into place with
``os.replace`` only when the whole simulation succeeded (:func:`cxradar.io.atomic_path`, held
open from the first row group to ``commit``), so a crash never leaves a half-written table where
a good one was.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.column_types import arrow_type
from cxradar.contract import load_contracts
from cxradar.contract.schema import TableContract
from cxradar.io import atomic_path

__all__ = ["TableWriter", "arrow_schema", "contract_schemas", "to_arrow_table"]


def arrow_schema(contract: TableContract) -> pa.Schema:
    """The Arrow schema of a contract: exactly its columns, in order, with the declared types."""
    return pa.schema([pa.field(c.name, arrow_type(c.type), nullable=c.nullable) for c in contract.columns])


def contract_schemas() -> dict[str, pa.Schema]:
    """Arrow schemas of every contract table, by table name."""
    return {name: arrow_schema(c) for name, c in load_contracts().items()}


def to_arrow_table(columns: dict[str, Any], schema: pa.Schema) -> pa.Table:
    """Build a table of ``schema`` from column arrays (numpy arrays, lists or Arrow arrays)."""
    arrays = []
    for fld in schema:
        values = columns[fld.name]
        if isinstance(values, pa.Array | pa.ChunkedArray):
            arrays.append(values.cast(fld.type))
        elif isinstance(values, np.ndarray) and values.dtype.kind == "M":
            arrays.append(pa.array(values, type=fld.type))
        else:
            arrays.append(pa.array(values, type=fld.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


class TableWriter:
    """Appends row groups to ``{folder}/{name}.parquet`` via a temp file; ``commit`` moves it in place."""

    def __init__(self, folder: Path, name: str, schema: pa.Schema) -> None:
        self.folder = folder
        self.name = name
        self.schema = schema
        self.final = folder / f"{name}.parquet"
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._target = contextlib.ExitStack()

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            temp = self._target.enter_context(atomic_path(self.final))
            self._writer = pq.ParquetWriter(temp, self.schema, compression="zstd")
        if table.num_rows:
            self._writer.write_table(table.select(self.schema.names).cast(self.schema))
            self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is None:
            self.write(self.schema.empty_table())
        assert self._writer is not None
        self._writer.close()

    def commit(self) -> None:
        self._target.close()  # the temporary file becomes the table

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):  # best effort clean-up
                self._writer.close()
        with contextlib.suppress(Exception):
            self._target.__exit__(RuntimeError, RuntimeError("aborted"), None)  # removes the file

"""The contract's column types and what each becomes in SQL and in Arrow - one table.

Table contracts (``conf/contract/*.yaml``) give every column one of these types. Validation casts
to the SQL type, the engines declare empty inputs with it (DuckDB's names; sqlglot maps them to
Spark and Hive) and the simulator writes Parquet with the Arrow type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["COLUMN_TYPES", "SQL_TYPES", "ColumnType", "arrow_type"]


@dataclass(frozen=True)
class ColumnType:
    """One contract type: its DuckDB SQL type and the name of its Arrow type factory."""

    name: str
    sql: str
    arrow: str  # pyarrow factory called with ``arrow_args``
    arrow_args: tuple[str, ...] = ()


COLUMN_TYPES: dict[str, ColumnType] = {
    t.name: t
    for t in (
        ColumnType("string", "VARCHAR", "string"),
        ColumnType("integer", "BIGINT", "int64"),
        ColumnType("float", "DOUBLE", "float64"),
        ColumnType("boolean", "BOOLEAN", "bool_"),
        ColumnType("date", "DATE", "date32"),
        ColumnType("timestamp", "TIMESTAMP", "timestamp", ("us",)),
        ColumnType("month", "DATE", "date32"),
    )
}

# contract type -> DuckDB SQL type
SQL_TYPES: dict[str, str] = {name: t.sql for name, t in COLUMN_TYPES.items()}


def arrow_type(name: str) -> pa.DataType:
    """The Arrow type of contract type ``name`` (pyarrow is imported only when asked)."""
    import pyarrow as pa

    spec = COLUMN_TYPES[name]
    factory = getattr(pa, spec.arrow)
    data_type: pa.DataType = factory(*spec.arrow_args)
    return data_type

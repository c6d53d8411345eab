"""Input tables as relations shaped by their contract, the same on every engine.

Each input table is exposed under its contract name (``subscribers``, ``usage_monthly`` ...) as a
view that selects exactly the declared columns, cast to the declared types. An optional column
that the file lacks becomes a typed NULL column, so SQL models can always name it; a missing
required column is an error naming the file. The view is written in DuckDB SQL and transpiled
for other engines like the models.
"""

from __future__ import annotations

from collections.abc import Iterable

from cxradar.column_types import SQL_TYPES
from cxradar.contract.schema import TableContract
from cxradar.errors import MissingColumnError, did_you_mean

__all__ = ["conform_sql", "empty_sql", "quote"]


def quote(name: str) -> str:
    """A double-quoted identifier (columns such as ``end`` and ``group`` are reserved words)."""
    return '"' + name.replace('"', '""') + '"'


def _cast(column: str, sql_type: str, contract_type: str, raw_strings: bool) -> str:
    ident = quote(column)
    if raw_strings and contract_type == "month":
        # CSV months are written 'YYYY-MM' (or a date on day 1)
        ident = f"CASE WHEN LENGTH({ident}) = 7 THEN {ident} || '-01' ELSE {ident} END"
    return f"CAST({ident} AS {sql_type}) AS {quote(column)}"


def conform_sql(
    contract: TableContract, source: str, present: Iterable[str], *, where: str, raw_strings: bool = False
) -> str:
    """``SELECT`` the contract's columns from relation ``source`` whose columns are ``present``.

    ``raw_strings`` says the source holds text (CSV), so month values may be ``YYYY-MM``.
    """
    have = set(present)
    parts = []
    for column in contract.columns:
        sql_type = SQL_TYPES[column.type]
        if column.name in have:
            parts.append(_cast(column.name, sql_type, column.type, raw_strings))
        elif not column.required:
            parts.append(f"CAST(NULL AS {sql_type}) AS {quote(column.name)}")
        else:
            raise MissingColumnError(
                f"{where}: table '{contract.name}' has no column '{column.name}'."
                f"{did_you_mean(column.name, have)}",
                fix=f"add the column or rename it (see conf/contract/{contract.name}.yaml); "
                "'cxradar validate' lists every problem",
            )
    return f"SELECT {', '.join(parts)} FROM {source}"


def empty_sql(contract: TableContract) -> str:
    """A relation with the contract's columns and no rows (for an absent optional table)."""
    parts = [f"CAST(NULL AS {SQL_TYPES[c.type]}) AS {quote(c.name)}" for c in contract.columns]
    return f"SELECT {', '.join(parts)} WHERE 1 = 0"

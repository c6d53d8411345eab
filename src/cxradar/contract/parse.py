"""Strict type parsing as DuckDB SQL: a raw value becomes the contract type, or NULL (= type error).

No silent coercion: a value parses only when it *looks like* the type (checked with a regular
expression before any cast), because DuckDB's own casts are lenient (``'0x10'`` -> 16,
``'1_000'`` -> 1000, ``'2026-01-15 10:00'`` -> a date). A value that does not parse is a
``type`` problem for validation; blank text (or NaN in a float column) is a null.

Accepted spellings, by contract type:

==========  ==============================================================================
integer     ``12``, ``-3``, ``12.0``; integral floats from Parquet
float       ``1.5``, ``-2``, ``.5``, ``1e3`` (finite only: ``1e400``, ``inf`` are type errors)
boolean     ``true/false``, ``t/f``, ``1/0``, ``yes/no``, ``y/n``, ``是/否`` (any case)
date        ``2026-09-15``, ``2026-09-15 00:00:00``, ``2026/9/15``, ``20260915``
timestamp   ``2026-09-15 13:45[:07[.123]]`` (or ``T``), a date alone, ``2026/9/15 13:45[:07]``,
            ``20260915134507``
month       ``2026-09``, ``202609``, ``2026/9``, ``2026-09-01`` (a date that is not day 1 is an error)
==========  ==============================================================================

Missing values: a cell that is one of the declared null tokens after trimming (default: blank,
``\\N``, ``NULL``, ``null``, ``NaN``, ``nan``) is null in *every* column, as NaN already is in a float
column of a Parquet file; whether null is allowed is the column's ``nullable`` rule.
"""

from __future__ import annotations

from cxradar.column_types import SQL_TYPES

__all__ = [
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "DEFAULT_NULLS",
    "SQL_TYPES",
    "parse_sql",
    "quote_ident",
    "quote_literal",
    "raw_null_sql",
]

DEFAULT_NULLS = ("", "\\N", "NULL", "null", "NaN", "nan")
BOOLEAN_TRUE = ("true", "t", "1", "yes", "y", "是")
BOOLEAN_FALSE = ("false", "f", "0", "no", "n", "否")

_INTEGER_TYPES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}
_FLOAT_TYPES = {"FLOAT", "DOUBLE", "REAL"}
_TIMESTAMP_TYPES = {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATETIME"}


_INT = r"[+-]?\d+(\.0*)?"
_FLOAT = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"
_DATE_ISO = r"\d{4}-\d{2}-\d{2}( 00:00(:00)?)?"
_DATE_SLASH = r"\d{4}/\d{1,2}/\d{1,2}"
_DATE_DIGITS = r"\d{8}"
_TS_ISO = r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?"
_TS_SLASH = r"\d{4}/\d{1,2}/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?"
_TS_DIGITS = r"\d{14}"
_MONTH_ISO = r"\d{4}-\d{2}"
_MONTH_DAY1 = r"\d{4}-\d{2}-01"
_MONTH_SLASH = r"\d{4}/\d{1,2}"
_MONTH_DIGITS = r"\d{6}"


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes (Chinese names and keywords are fine)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    """A SQL literal for a str / int / float / bool value."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _kind(source_type: str) -> str:
    base = source_type.upper().split("(")[0].strip()
    if base in _INTEGER_TYPES:
        return "int"
    if base in _FLOAT_TYPES or base.startswith("DECIMAL"):
        return "float"
    if base in _TIMESTAMP_TYPES:
        return "timestamp"
    if base == "DATE":
        return "date"
    if base == "BOOLEAN":
        return "bool"
    if base == "VARCHAR":
        return "text"
    return "other"


def _null_tokens(ref: str, nulls: tuple[str, ...]) -> str:
    tokens = ", ".join(quote_literal(t.strip()) for t in dict.fromkeys(nulls))
    return f"trim({ref}) IN ({tokens})" if tokens else "FALSE"


def raw_null_sql(ref: str, source_type: str, nulls: tuple[str, ...] = DEFAULT_NULLS) -> str:
    """SQL true when the raw value counts as missing (NULL, a null token such as blank or ``\\N``
    in text, NaN in a float column)."""
    kind = _kind(source_type)
    if kind == "text":
        return f"({ref} IS NULL OR {_null_tokens(ref, nulls)})"
    if kind == "float":
        return f"({ref} IS NULL OR isnan(CAST({ref} AS DOUBLE)))"
    return f"({ref} IS NULL)"


def _match(t: str, regex: str) -> str:
    return f"regexp_full_match({t}, {quote_literal(regex)})"


def _text(ref: str, contract_type: str, nulls: tuple[str, ...]) -> str:
    t = f"trim({ref})"
    if contract_type == "string":
        return f"CASE WHEN {_null_tokens(ref, nulls)} THEN NULL ELSE {ref} END"
    if contract_type == "integer":
        return f"CASE WHEN {_match(t, _INT)} THEN TRY_CAST({t} AS BIGINT) END"
    if contract_type == "float":
        return (
            f"CASE WHEN {_match(t, _FLOAT)} AND isfinite(TRY_CAST({t} AS DOUBLE)) "
            f"THEN TRY_CAST({t} AS DOUBLE) END"
        )
    if contract_type == "boolean":
        low = f"lower({t})"
        trues = ", ".join(quote_literal(v) for v in BOOLEAN_TRUE)
        falses = ", ".join(quote_literal(v) for v in BOOLEAN_FALSE)
        return f"CASE WHEN {low} IN ({trues}) THEN TRUE WHEN {low} IN ({falses}) THEN FALSE END"
    if contract_type == "date":
        return (
            f"CASE WHEN {_match(t, _DATE_ISO)} THEN TRY_CAST(left({t}, 10) AS DATE)"
            f" WHEN {_match(t, _DATE_SLASH)} THEN CAST(try_strptime({t}, '%Y/%m/%d') AS DATE)"
            f" WHEN {_match(t, _DATE_DIGITS)} THEN CAST(try_strptime({t}, '%Y%m%d') AS DATE) END"
        )
    if contract_type == "timestamp":
        return (
            f"CASE WHEN {_match(t, _TS_ISO)}"
            f" THEN TRY_CAST({t} AS TIMESTAMP)"
            f" WHEN {_match(t, _TS_SLASH)}"
            f" THEN try_strptime({t}, ['%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d'])"
            f" WHEN {_match(t, _TS_DIGITS)} THEN try_strptime({t}, '%Y%m%d%H%M%S') END"
        )
    if contract_type == "month":
        return (
            f"CASE WHEN {_match(t, _MONTH_ISO)} THEN TRY_CAST({t} || '-01' AS DATE)"
            f" WHEN {_match(t, _MONTH_DAY1)} THEN TRY_CAST({t} AS DATE)"
            f" WHEN {_match(t, _MONTH_SLASH)} THEN CAST(try_strptime({t} || '/1', '%Y/%m/%d') AS DATE)"
            f" WHEN {_match(t, _MONTH_DIGITS)} THEN CAST(try_strptime({t}, '%Y%m') AS DATE) END"
        )
    raise ValueError(contract_type)


def parse_sql(ref: str, source_type: str, contract_type: str, nulls: tuple[str, ...] = DEFAULT_NULLS) -> str:
    """SQL turning the raw column ``ref`` (DuckDB type ``source_type``) into ``contract_type``;
    NULL when the value is missing *or* does not parse (tell them apart with :func:`raw_null_sql`)."""
    kind = _kind(source_type)
    target = SQL_TYPES[contract_type]
    if kind == "text":
        return _text(ref, contract_type, nulls)
    if contract_type == "string":
        if kind == "float":  # a number stored as float: only integral values have one spelling
            return f"CASE WHEN {ref} = trunc({ref}) THEN CAST(CAST({ref} AS BIGINT) AS VARCHAR) END"
        return f"CAST({ref} AS VARCHAR)"
    if contract_type == "integer":
        if kind == "int":
            return f"TRY_CAST({ref} AS BIGINT)"
        if kind == "float":
            return (
                f"CASE WHEN isfinite(CAST({ref} AS DOUBLE)) AND {ref} = trunc({ref}) "
                f"THEN TRY_CAST({ref} AS BIGINT) END"
            )
        return f"CAST(NULL AS {target})"
    if contract_type == "float":
        if kind in ("int", "float"):
            return f"CASE WHEN isfinite(CAST({ref} AS DOUBLE)) THEN CAST({ref} AS DOUBLE) END"
        return f"CAST(NULL AS {target})"
    if contract_type == "boolean":
        if kind == "bool":
            return ref
        if kind in ("int", "float"):
            return f"CASE WHEN {ref} = 1 THEN TRUE WHEN {ref} = 0 THEN FALSE END"
        return "CAST(NULL AS BOOLEAN)"
    if contract_type == "date":
        if kind == "date":
            return ref
        if kind == "timestamp":
            return f"CASE WHEN {ref} = date_trunc('day', {ref}) THEN CAST({ref} AS DATE) END"
        return "CAST(NULL AS DATE)"
    if contract_type == "timestamp":
        if kind in ("timestamp", "date"):
            return f"CAST({ref} AS TIMESTAMP)"
        return "CAST(NULL AS TIMESTAMP)"
    if contract_type == "month":
        if kind == "date":
            return f"CASE WHEN day({ref}) = 1 THEN {ref} END"
        if kind == "timestamp":
            return f"CASE WHEN {ref} = date_trunc('month', {ref}) THEN CAST({ref} AS DATE) END"
        if kind == "int":
            return (
                f"CASE WHEN {ref} BETWEEN 100001 AND 999912 "
                f"THEN CAST(try_strptime(CAST({ref} AS VARCHAR), '%Y%m') AS DATE) END"
            )
        return "CAST(NULL AS DATE)"
    raise ValueError(contract_type)

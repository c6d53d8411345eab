"""What differs between engines, declared as data, and the one place SQL is transpiled.

The feature SQL is written once in DuckDB's dialect. For another engine it is transpiled with
sqlglot; everything else that differs (how a model is materialised, how an input file becomes a
named relation) is a row in :data:`ENGINES` rather than an ``if`` in the runner.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot.errors import ErrorLevel, SqlglotError

from cxradar.errors import ConfigError, EngineError, did_you_mean

__all__ = ["ENGINES", "EngineDialect", "engine_dialect", "transpile"]


@dataclass(frozen=True)
class EngineDialect:
    """How one engine names, materialises and types things."""

    name: str
    sqlglot_dialect: str
    create_table: str  # format string with {name} and {sql}
    create_view: str
    drop_table: str  # frees an intermediate table once nothing downstream needs it


ENGINES: dict[str, EngineDialect] = {
    "duckdb": EngineDialect(
        name="duckdb",
        sqlglot_dialect="duckdb",
        create_table="CREATE OR REPLACE TABLE {name} AS {sql}",
        create_view="CREATE OR REPLACE VIEW {name} AS {sql}",
        drop_table="DROP TABLE IF EXISTS {name}",
    ),
    "spark": EngineDialect(
        name="spark",
        sqlglot_dialect="spark",
        create_table="CACHE TABLE {name} AS {sql}",
        create_view="CREATE OR REPLACE TEMPORARY VIEW {name} AS {sql}",
        drop_table="UNCACHE TABLE IF EXISTS {name}",
    ),
    "hive": EngineDialect(
        name="hive",
        sqlglot_dialect="hive",
        create_table="CREATE TABLE {name} AS {sql}",
        create_view="CREATE VIEW {name} AS {sql}",
        drop_table="DROP TABLE IF EXISTS {name}",
    ),
}


def engine_dialect(name: str) -> EngineDialect:
    """The :class:`EngineDialect` called ``name``; an unknown name suggests the closest."""
    if name not in ENGINES:
        raise ConfigError(
            f"unknown engine '{name}'.{did_you_mean(name, ENGINES)}",
            fix=f"use --engine with one of: {', '.join(ENGINES)}",
        )
    return ENGINES[name]


def transpile(sql: str, engine: str, *, where: str = "query") -> str:
    """One DuckDB statement rewritten for ``engine``; anything sqlglot cannot express is an error
    (not a silent approximation)."""
    dialect = engine_dialect(engine)
    if dialect.sqlglot_dialect == "duckdb":
        return sql
    try:
        out = sqlglot.transpile(
            sql, read="duckdb", write=dialect.sqlglot_dialect, unsupported_level=ErrorLevel.RAISE
        )
    except SqlglotError as error:
        raise EngineError(
            f"{where} cannot be transpiled from DuckDB to {engine}: {error}",
            fix="rewrite the construct in portable SQL (docs/features.md, 'Writing portable SQL')",
        ) from error
    if len(out) != 1:
        raise EngineError(f"{where} holds {len(out)} statements", fix="keep one query per model file")
    return out[0]

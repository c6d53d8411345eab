"""Export a fitted ``logit`` (or ``bn-logit``) model as a SQL scoring query.

This is the seed's "model script" that the warehouse runs each month: one ``SELECT`` over the
feature table computing the probability (and, optionally, each feature's contribution in
log-odds for reasons). The query is written once in DuckDB's dialect and transpiled with sqlglot
to Spark SQL and Hive, so the three stay the same expression.
"""

from __future__ import annotations

from typing import Any

import sqlglot

from cxradar.errors import ConfigError, ModelError, did_you_mean
from cxradar.models.logit import LogitModel
from cxradar.models.preprocess import MISSING_LEVEL

__all__ = ["DIALECTS", "contribution_aliases", "to_sql"]

DIALECTS = ("duckdb", "spark", "hive")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _num(x: float) -> str:
    return repr(float(x))


def _inner_logit(model: Any) -> LogitModel:
    inner = getattr(model, "logit_", model)
    if not isinstance(inner, LogitModel) or not hasattr(inner, "coef_"):
        raise ModelError(
            f"a {type(model).__name__} cannot be exported to SQL; only fitted logit and bn-logit models can",
            fix="fit with --kind logit or --kind bn-logit",
        )
    return inner


def _terms(model: LogitModel) -> list[tuple[str, str, float, float]]:
    """(source feature, SQL term, coefficient, reference) per encoded column."""
    out = []
    for col, coef, ref in zip(model.preprocessor_.columns_, model.coef_, model.reference_, strict=True):
        src = _q(col["source"])
        number = f"TRY_CAST({src} AS DOUBLE)"
        text = f"COALESCE(CAST({src} AS VARCHAR), {_lit(MISSING_LEVEL)})"
        rule = col["rule"]
        if rule == "numeric":
            term = (
                f"((COALESCE({number}, {_num(col['median'])}) - {_num(col['mean'])}) / {_num(col['scale'])})"
            )
        elif rule == "missing":
            term = f"(CASE WHEN {number} IS NULL THEN 1.0 ELSE 0.0 END)"
        elif rule == "level":
            term = f"(CASE WHEN {text} = {_lit(col['level'])} THEN 1.0 ELSE 0.0 END)"
        elif rule == "other":
            levels = ", ".join(_lit(v) for v in col["levels"]) or _lit("")
            term = f"(CASE WHEN {text} IN ({levels}) THEN 0.0 ELSE 1.0 END)"
        else:
            term = "0.0"
        out.append((col["source"], term, float(coef), float(ref)))
    return out


def contribution_aliases(model: Any) -> dict[str, str]:
    """Column alias -> feature name for the contribution columns of ``to_sql(..., reasons=True)``."""
    inner = _inner_logit(model)
    return {f"c_{i}": name for i, name in enumerate(inner.feature_names_in_)}


def to_sql(
    model: Any,
    table: str = "features",
    *,
    dialect: str = "duckdb",
    id_column: str | None = None,
    reasons: bool = False,
) -> str:
    """A ``SELECT`` scoring every row of ``table``: ``probability`` (and ``c_i`` contributions)."""
    if dialect not in DIALECTS:
        raise ConfigError(
            f"SQL dialect '{dialect}' is not supported.{did_you_mean(dialect, DIALECTS)}",
            fix="use --dialect duckdb, spark or hive",
        )
    inner = _inner_logit(model)
    terms = _terms(inner)
    linear = " + ".join([_num(inner.intercept_), *(f"{_num(c)} * {t}" for _, t, c, _ in terms)])
    columns = [] if id_column is None else [_q(id_column)]
    columns.append(f"1.0 / (1.0 + EXP(-({linear}))) AS probability")
    if reasons:
        for alias, feature in contribution_aliases(model).items():
            mine = [f"{_num(c)} * ({t} - {_num(r)})" for src, t, c, r in terms if src == feature]
            columns.append(f"({' + '.join(mine) if mine else '0.0'}) AS {alias}")
    sql = "SELECT\n  " + ",\n  ".join(columns) + f"\nFROM {table}"
    if dialect == "duckdb":
        return sql
    return sqlglot.transpile(sql, read="duckdb", write=dialect, pretty=True)[0]

"""Export a fitted ``logit`` (or ``bn-logit``) model as a SQL scoring query.

This is the seed's "model script" that the warehouse runs each month: one ``SELECT`` over the
feature table computing the probability (and, optionally, each feature's contribution in
log-odds for reasons). The query is written once in DuckDB's dialect and transpiled with sqlglot
to Spark SQL and Hive, so the three stay the same expression.

The query does not trust the engine's column types: engines that guess types (DuckDB's
``read_csv_auto``, Spark's ``inferSchema``) read a Yes/No column as BOOLEAN, whose text is
``true``/``false``, and a number column with blanks as text. So numbers go through ``TRY_CAST``
(blank or unreadable text = missing, imputed as in training; a boolean = 1/0), and a category
level spelled like a boolean (Yes/No, Y/N, True/False, T/F) also matches the engine's boolean text
``true``/``false`` - the same probabilities whether the column arrives as text or as BOOLEAN.
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


_BOOLEAN_TEXT = {
    **{t: "true" for t in ("yes", "y", "true", "t")},
    **{f: "false" for f in ("no", "n", "false", "f")},
}


def _spellings(level: str, known: set[str]) -> list[str]:
    """The texts that mean ``level``: itself, and the engine's boolean text for a Yes/No-like level
    (unless ``true``/``false`` is itself a level of the column)."""
    alias = _BOOLEAN_TEXT.get(level.strip().lower())
    if alias is None or alias == level or alias in {k.lower() for k in known}:
        return [level]
    return [level, alias]


def _known_levels(model: LogitModel) -> dict[str, set[str]]:
    levels: dict[str, set[str]] = {}
    for col in model.preprocessor_.columns_:
        if col["rule"] == "level":
            levels.setdefault(col["source"], set()).add(str(col["level"]))
        elif col["rule"] == "other":
            levels.setdefault(col["source"], set()).update(map(str, col["levels"]))
    return levels


def _terms(model: LogitModel) -> list[tuple[str, str, float, float]]:
    """(source feature, SQL term, coefficient, reference) per encoded column."""
    out = []
    known = _known_levels(model)
    for col, coef, ref in zip(model.preprocessor_.columns_, model.coef_, model.reference_, strict=True):
        src = _q(col["source"])
        number = f"TRY_CAST({src} AS DOUBLE)"
        text = f"COALESCE(CAST({src} AS VARCHAR), {_lit(MISSING_LEVEL)})"
        rule = col["rule"]
        levels_here = known.get(col["source"], set())
        if rule == "numeric":
            term = (
                f"((COALESCE({number}, {_num(col['median'])}) - {_num(col['mean'])}) / {_num(col['scale'])})"
            )
        elif rule == "missing":
            term = f"(CASE WHEN {number} IS NULL THEN 1.0 ELSE 0.0 END)"
        elif rule == "level":
            spelled = ", ".join(_lit(v) for v in _spellings(str(col["level"]), levels_here))
            term = f"(CASE WHEN {text} IN ({spelled}) THEN 1.0 ELSE 0.0 END)"
        elif rule == "other":
            others = [v for level in col["levels"] for v in _spellings(str(level), levels_here)]
            levels = ", ".join(_lit(v) for v in others) or _lit("")
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

"""Every feature SQL file transpiles from DuckDB to Spark SQL and Hive without error or warning."""

from __future__ import annotations

import logging

import pytest
import sqlglot
from sqlglot import exp

from cxradar.contract.schema import load_contracts
from cxradar.engine import ENGINES, compile_model, load_models, month_params, render, transpile
from cxradar.engine.inputs import conform_sql, empty_sql
from cxradar.errors import EngineError

MODELS = load_models()
PARAMS = month_params("2026-06")


@pytest.mark.parametrize("engine", ["spark", "hive"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_transpiles_without_unsupported_warnings(
    name: str, engine: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        statement = compile_model(MODELS[name], PARAMS, engine)
        # and the transpiled query parses again in the target dialect
        sqlglot.parse_one(
            transpile(render(MODELS[name], PARAMS), engine), read=ENGINES[engine].sqlglot_dialect
        )
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")], caplog.text
    assert statement.split(" AS ", 1)[0].endswith(name)
    assert "@" not in statement  # every placeholder was filled


def test_scope_explode_becomes_lateral_view_explode() -> None:
    spark = transpile(render(MODELS["incident_scope"], PARAMS), "spark")
    assert "EXPLODE(SPLIT(" in spark and "LATERAL VIEW" in spark


@pytest.mark.parametrize("engine", ["spark", "hive"])
def test_input_views_transpile(engine: str) -> None:
    dialect = ENGINES[engine].sqlglot_dialect
    for contract in load_contracts().values():
        for sql in (conform_sql(contract, "raw_t", contract.column_names, where="t"), empty_sql(contract)):
            out = transpile(sql, engine)
            # the rewritten query parses in the target dialect and still yields every contract column
            names = [e.alias_or_name for e in sqlglot.parse_one(out, read=dialect).expressions]
            assert names == contract.column_names, (contract.name, engine)


def test_untranslatable_sql_is_an_engine_error() -> None:
    # DuckDB's top-n ARG_MAX has no Spark form: an error, not a silently different query
    with pytest.raises(EngineError, match="cannot be transpiled"):
        transpile("SELECT ARG_MAX(a, b, 3) FROM t", "spark")


def test_depends_on_lists_exactly_the_tables_the_query_reads() -> None:
    """The header's depends_on is what the SQL reads (CTE names excluded), so the run order is right."""
    for model in MODELS.values():
        tree = sqlglot.parse_one(render(model, PARAMS), read="duckdb")
        ctes = {c.alias for c in tree.find_all(exp.CTE)}
        tables = {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}
        tables.discard("")
        assert tables == set(model.depends_on), model.name

"""Every feature SQL file transpiles from DuckDB to Spark SQL and Hive, and stays in the portable subset.

The portable subset is what gives the same numbers on DuckDB and Spark (ANSI mode) in every run;
each rule below names the pitfall it keeps out. A rule broken by a model fails naming the model.
"""

from __future__ import annotations

import logging

import pytest
import sqlglot
from sqlglot import exp

from cxradar.contract.schema import load_contracts
from cxradar.engine import ENGINES, compile_model, load_models, month_params, render, transpile
from cxradar.engine.inputs import conform_sql, empty_sql
from cxradar.engine.params import batch_params
from cxradar.errors import EngineError
from cxradar.features.exposure import exposure_params
from cxradar.features.plan import composed_features_sql, feature_model_set, months_sql
from cxradar.identify.config import load_identify_config

MODELS = load_models()
# every placeholder any model uses: as-of month, base batch, identification window
PARAMS = {
    **month_params("2026-06"),
    **batch_params("2026-01", "2026-06"),
    **exposure_params("2026-06", load_identify_config().potential),
}


def _tree(name: str) -> exp.Expression:
    return sqlglot.parse_one(render(MODELS[name], PARAMS), read="duckdb")


# Hive's SORT_ARRAY puts NULLs first and sqlglot refuses to translate LIST_SORT to it; the
# identification exposure (sorted cell list) runs on DuckDB and Spark only
NOT_ON_HIVE = {"incident_exposure"}


@pytest.mark.parametrize("engine", ["spark", "hive"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_transpiles_without_unsupported_warnings(
    name: str, engine: str, caplog: pytest.LogCaptureFixture
) -> None:
    if engine == "hive" and name in NOT_ON_HIVE:
        with pytest.raises(EngineError, match="SORT_ARRAY"):
            compile_model(MODELS[name], PARAMS, engine)
        return
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        statement = compile_model(MODELS[name], PARAMS, engine)
        # and the transpiled query parses again in the target dialect
        sqlglot.parse_one(
            transpile(render(MODELS[name], PARAMS), engine), read=ENGINES[engine].sqlglot_dialect
        )
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")], caplog.text
    assert statement.split(" AS ", 1)[0].endswith(name)
    assert "@" not in statement  # every placeholder was filled


def test_composed_features_and_calendar_transpile() -> None:
    for sql in (composed_features_sql(feature_model_set(), PARAMS), months_sql("2025-11", "2026-02")):
        for engine in ("spark", "hive"):
            sqlglot.parse_one(transpile(sql, engine), read=ENGINES[engine].sqlglot_dialect)


def test_scope_explode_becomes_explode_split() -> None:
    spark = transpile(render(MODELS["incident_scope"], PARAMS), "spark")
    assert "EXPLODE(SPLIT(i.scope" in spark


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
    for name in MODELS:
        tree = _tree(name)
        ctes = {c.alias for c in tree.find_all(exp.CTE)}
        tables = {t.name for t in tree.find_all(exp.Table) if t.name and t.name not in ctes}
        tables.discard("")
        assert tables == set(MODELS[name].depends_on), name


# ------------------------------------------------------------------------------ the portable subset

# aggregates whose float result depends on the order rows are added in, or that have no common form
FORBIDDEN = {
    exp.Avg: "AVG adds floats in the engine's order: sum integers and divide once",
    exp.RegrSlope: "REGR_SLOPE adds floats: use the exact sums (n, sum k, sum y, sum ky) and one division",
    exp.Stddev: "float aggregate",
    exp.StddevPop: "float aggregate",
    exp.StddevSamp: "float aggregate",
    exp.Variance: "float aggregate",
    exp.VariancePop: "float aggregate",
    exp.Corr: "float aggregate",
    exp.CovarPop: "float aggregate",
    exp.CovarSamp: "float aggregate",
    exp.Quantile: "no common form",
    exp.ApproxQuantile: "approximate",
    exp.Median: "no common form",
    exp.GroupConcat: "the order of the parts is the engine's: sort a LIST (LIST_SORT) instead",
    exp.Pivot: "PIVOT has no Spark/Hive form sqlglot keeps: write CASE WHEN inside aggregates",
    exp.Window: "window functions need a total order to agree across engines (ties): avoid them",
    exp.Filter: "FILTER (WHERE ...) has no Hive form: use CASE WHEN inside the aggregate",
    exp.Qualify: "no Spark form",
    exp.Interval: "month arithmetic goes through the placeholders",
    exp.ArgMax: "ties are broken differently: use COALESCE over months or MIN/MAX",
    exp.ArgMin: "ties are broken differently: use COALESCE over months or MIN/MAX",
    exp.TimeToUnix: "EPOCH becomes UNIX_TIMESTAMP (whole seconds, session time zone): use DATE_DIFF",
    exp.Order: "ORDER BY inside a model: outputs are unordered relations (sort where they are read)",
}


def _is_double(node: exp.Expression) -> bool:
    """An expression that is certainly DOUBLE on both engines (so '/' is float division)."""
    if isinstance(node, exp.Paren):
        return _is_double(node.this)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DOUBLE
    if isinstance(node, exp.Div):
        return _is_double(node.this)
    if isinstance(node, exp.Mul):
        return _is_double(node.this) or _is_double(node.expression)
    return False


def _safe_denominator(node: exp.Expression) -> bool:
    """Never zero (ANSI Spark raises on x / 0, doubles included): a non-zero literal or NULLIF(_, 0)."""
    if isinstance(node, exp.Paren | exp.Cast):
        return _safe_denominator(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        return float(node.this) != 0
    return isinstance(node, exp.Nullif)


def _problems(name: str) -> list[str]:
    tree = _tree(name)
    found = []
    for node in tree.walk():
        for kind, why in FORBIDDEN.items():
            if type(node) is kind:
                found.append(f"{kind.__name__}: {why}")
        if isinstance(node, exp.Literal) and not node.is_string and any(c in node.this for c in ".eE"):
            found.append(
                f"number {node.this}: DECIMAL in DuckDB and Spark with different arithmetic rules; "
                "use integers or CAST('x' AS DOUBLE)"
            )
        if isinstance(node, exp.Div):
            if not _is_double(node.this):
                found.append(
                    f"'{node.sql('duckdb')[:60]}': cast the numerator to DOUBLE (integer '/' differs)"
                )
            if not _safe_denominator(node.expression):
                found.append(f"'{node.sql('duckdb')[:60]}': the denominator may be 0 (NULLIF(x, 0))")
        if isinstance(node, exp.ArrayAgg) and not isinstance(node.parent, exp.ArraySort):
            found.append("LIST(...) keeps the engine's order: wrap it in LIST_SORT")
        if isinstance(node, exp.Sum | exp.Min | exp.Max) and any(
            isinstance(n, exp.Div) for n in node.this.walk()
        ):
            found.append(f"'{node.sql('duckdb')[:60]}': a float inside an aggregate (sum exact integers)")
        if isinstance(node, exp.Sum) and any(
            isinstance(n, exp.Cast) and n.to.this in (exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT)
            for n in node.this.walk()
        ):
            found.append(f"'{node.sql('duckdb')[:60]}': SUM of a DOUBLE depends on the order rows are added")
        if isinstance(node, exp.Star) and node.args.get("except"):
            found.append("SELECT * EXCLUDE has no Spark form")
    return found


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_keeps_to_the_portable_subset(name: str) -> None:
    assert _problems(name) == [], name


def test_the_portable_subset_check_catches_the_pitfalls(tmp_path: object) -> None:
    """The rules fire on the constructs they name (each line breaks one rule)."""
    bad = {
        "SELECT AVG(spend) AS a FROM t": "AVG",
        "SELECT REGR_SLOPE(y, x) AS s FROM t": "REGR_SLOPE",
        "SELECT SUM(x) / COUNT(*) AS r FROM t": "numerator",
        "SELECT CAST(a AS DOUBLE) / b AS r FROM t": "denominator",
        "SELECT 0.5 * a AS h FROM t": "DECIMAL",
        "SELECT LIST(a) AS l FROM t": "LIST_SORT",
        "SELECT SUM(CAST(a AS DOUBLE)) AS s FROM t": "SUM of a DOUBLE",
        "SELECT ROW_NUMBER() OVER (ORDER BY a) AS r FROM t": "window",
        "SELECT EPOCH(ts) AS e FROM t": "EPOCH",
    }
    for sql, rule in bad.items():
        MODELS["__probe"] = MODELS["population"].__class__(
            name="__probe", sql=sql, path=MODELS["population"].path
        )
        try:
            problems = _problems("__probe")
        finally:
            del MODELS["__probe"]
        assert any(rule in p for p in problems), (sql, problems)

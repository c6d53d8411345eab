"""logit against statsmodels; its SQL export against its Python predictions in DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
import statsmodels.api as sm

from cxradar.models import LogitModel, coerce_numeric_text, contribution_aliases, prepare_table, to_sql

from .conftest import make_table


def test_summary_matches_statsmodels_without_penalty() -> None:
    """Reference: statsmodels Logit (unpenalised MLE) on the same encoded design; with C=1e8 the
    L2 penalty is negligible. Tolerance rtol 1e-3 on coef and se (optimiser tolerances)."""
    X, y = make_table(3, 2000)
    model = LogitModel(C=1e8).fit(X, y)
    design = sm.add_constant(model.preprocessor_.transform(X))
    ref = sm.Logit(y, design).fit(disp=0)
    summary = model.summary
    np.testing.assert_allclose(summary["coef"], ref.params, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(summary["se"], ref.bse, rtol=1e-3)
    np.testing.assert_allclose(summary["p"], ref.pvalues, rtol=1e-2, atol=1e-6)
    assert {"term", "coef", "se", "p", "ci_low", "ci_high", "odds_ratio"} <= set(summary.columns)


def test_contributions_sum_to_the_log_odds_minus_reference(table: tuple) -> None:
    X, y = table
    model = LogitModel().fit(X, y)
    contrib = model.contributions(X)
    reference = model.intercept_ + model.reference_ @ model.coef_
    np.testing.assert_allclose(contrib.sum(axis=1) + reference, model.decision_function(X), atol=1e-10)


def test_sql_in_duckdb_equals_python_to_1e_9(table: tuple) -> None:
    X, y = table
    model = LogitModel().fit(X, y)
    scoring = X.copy()
    scoring.loc[0, "plan"] = "brand-new-plan"  # unseen level -> (other)
    scoring.loc[1, "plan"] = None  # missing category
    scoring.loc[2, "x1"] = np.nan  # missing number
    scoring.insert(0, "row_id", np.arange(len(scoring)))
    con = duckdb.connect()
    con.register("features", scoring)
    got = con.execute(to_sql(model, "features", id_column="row_id", reasons=True) + " ORDER BY row_id").df()
    expected = model.predict_proba(scoring.drop(columns="row_id"))[:, 1]
    np.testing.assert_allclose(got["probability"], expected, rtol=0, atol=1e-9)
    contrib = model.contributions(scoring.drop(columns="row_id"))
    for alias, feature in contribution_aliases(model).items():
        np.testing.assert_allclose(got[alias], contrib[feature], atol=1e-9)


@pytest.mark.parametrize("dialect", ["spark", "hive"])
def test_sql_transpiles_to_spark_and_hive(dialect: str, table: tuple) -> None:
    X, y = table
    sql = to_sql(LogitModel().fit(X, y), "dw.user_wide", dialect=dialect, id_column="msisdn", reasons=True)
    assert "`plan`" in sql and "dw.user_wide" in sql
    sqlglot.parse_one(sql, read=dialect)  # parses back without errors


def test_sql_handles_numeric_text_and_quotes() -> None:
    X = pd.DataFrame({"a b": [1.0, 2.0, 3.0, 4.0] * 10, "it's": ["x", "y'z", "x", "w"] * 10})
    y = np.array([0, 1, 0, 1] * 10)
    model = LogitModel().fit(X, y)
    con = duckdb.connect()
    con.register("features", X)
    got = con.execute(to_sql(model)).df()["probability"]
    np.testing.assert_allclose(got, model.predict_proba(X)[:, 1], atol=1e-9)


def _score_csv_in_duckdb(model: LogitModel, csv: Path, id_column: str) -> pd.DataFrame:
    sql = to_sql(model, f"read_csv_auto('{csv}')", id_column=id_column)
    return duckdb.connect().execute(sql).df()


def test_sql_over_auto_typed_csv_matches_python(tmp_path: Path) -> None:
    """Engines that guess types read Yes/No as BOOLEAN and a number column with blanks as text;
    the exported query must score such input exactly as Python scores the file's text."""
    rng = np.random.default_rng(8)
    n = 400
    frame = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "partner": rng.choice(["Yes", "No"], n),
            "paperless": rng.choice(["Yes", "No"], n, p=[0.7, 0.3]),
            "contract": rng.choice(["Month-to-month", "One year", "Two year"], n),
            "charges": np.round(rng.gamma(2.0, 40.0, n), 2).astype(str),
        }
    )
    frame.loc[rng.random(n) < 0.05, "charges"] = " "  # blanks, as in IBM's TotalCharges
    y = (
        (frame["partner"] == "No").to_numpy() * 1.2
        + rng.normal(0, 1, n)
        + (frame["contract"] == "Month-to-month")
        > 1.0
    ).astype(int)
    csv = tmp_path / "table.csv"
    frame.to_csv(csv, index=False)
    con = duckdb.connect()
    types = dict(
        con.execute(f"DESCRIBE SELECT * FROM read_csv_auto('{csv}')").fetchall()[i][:2] for i in range(5)
    )
    assert types["partner"] == "BOOLEAN" and types["charges"] == "VARCHAR"  # the engine guessed
    X = coerce_numeric_text(pd.read_csv(csv).drop(columns="id"))
    model = LogitModel().fit(X, y)
    got = _score_csv_in_duckdb(model, csv, "id")
    expected = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(got["probability"], expected, rtol=0, atol=1e-12)


def test_sql_over_ibm_telco_read_csv_auto_matches_python(data_dir: Path) -> None:
    """The case the issue measured: IBM Telco (7,043 rows, Yes/No columns typed BOOLEAN by
    read_csv_auto) scored by the exported query vs in Python: max |difference| was 0.124."""
    path = data_dir / "ibm-telco-churn" / "Telco-Customer-Churn.csv"
    frame = pd.read_csv(path)
    flat = prepare_table(frame, "Churn", positive="Yes", id_column="customerID", source=str(path))
    model = LogitModel().fit(flat.X, flat.y)
    got = _score_csv_in_duckdb(model, path, "customerID")
    np.testing.assert_array_equal(got["customerID"], frame["customerID"])
    expected = model.predict_proba(flat.X)[:, 1]
    assert np.abs(got["probability"].to_numpy() - expected).max() < 1e-12

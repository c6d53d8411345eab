"""The `cxradar model` commands end to end on a small CSV with blanks and text numbers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from click.testing import CliRunner

from cxradar.cli import cli

from .conftest import make_table


def _csv(tmp_path: Path) -> Path:
    X, y = make_table(31, 500)
    df = X.assign(customer=[f"c{i}" for i in range(len(X))], churn=np.where(y == 1, "Yes", "No"))
    df["x2"] = df["x2"].map(lambda v: " " if pd.isna(v) else f"{v:.6f}")  # numeric text with blanks
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    return path


def test_cv_json_has_the_headline_metrics(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "model",
            "cv",
            str(path),
            "--target",
            "churn",
            "--positive",
            "Yes",
            "--id",
            "customer",
            "--folds",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    for key in (
        "auc",
        "precision",
        "recall",
        "f1",
        "top_decile_lift",
        "lift_at_threshold",
        "threshold",
        "brier",
        "n",
        "positive_rate",
    ):
        assert key in out
    assert 0.6 < out["auc"] <= 1


def test_fit_score_export(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    model_file = tmp_path / "m.json"
    runner = CliRunner()
    fit = runner.invoke(
        cli,
        [
            "model",
            "fit",
            str(path),
            "--target",
            "churn",
            "--positive",
            "Yes",
            "--id",
            "customer",
            "--out",
            str(model_file),
        ],
    )
    assert fit.exit_code == 0, fit.output
    scores = tmp_path / "s.parquet"
    score = runner.invoke(
        cli, ["model", "score", str(model_file), str(path), "--id", "customer", "--out", str(scores)]
    )
    assert score.exit_code == 0, score.output
    table = pd.read_parquet(scores)
    assert list(table.columns) == ["id", "probability", "flag", "reasons_en", "reasons_zh"]
    assert table["reasons_zh"].str.contains("风险").all()
    sql = runner.invoke(cli, ["model", "export-sql", str(model_file), "--table", "t", "--id", "customer"])
    assert sql.exit_code == 0
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{path}', all_varchar=true)")
    got = con.execute(sql.output).df().set_index("customer")["probability"]
    np.testing.assert_allclose(got.loc[table["id"]].to_numpy(), table["probability"].to_numpy(), atol=1e-9)
    hive = runner.invoke(cli, ["model", "export-sql", str(model_file), "--dialect", "hive"])
    assert hive.exit_code == 0 and "`x1`" in hive.output


def test_bad_target_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["model", "cv", str(_csv(tmp_path)), "--target", "churm", "--positive", "Yes"]
    )
    assert result.exit_code != 0
    assert "Did you mean 'churn'" in str(result.exception)

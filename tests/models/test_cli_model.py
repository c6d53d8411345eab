"""The `cxradar model` commands end to end on a small CSV with blanks and text numbers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
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
    assert list(table.columns) == ["customer", "probability", "flag", "reasons_en", "reasons_zh"]
    assert table["reasons_zh"].str.contains("风险").all()
    assert not table["reasons_en"].str.contains("lowers").any()
    sql = runner.invoke(cli, ["model", "export-sql", str(model_file), "--table", "t", "--id", "customer"])
    assert sql.exit_code == 0
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{path}', all_varchar=true)")
    got = con.execute(sql.output).df().set_index("customer")["probability"]
    np.testing.assert_allclose(
        got.loc[table["customer"]].to_numpy(), table["probability"].to_numpy(), atol=1e-9
    )
    hive = runner.invoke(cli, ["model", "export-sql", str(model_file), "--dialect", "hive"])
    assert hive.exit_code == 0 and "`x1`" in hive.output


def test_bad_target_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["model", "cv", str(_csv(tmp_path)), "--target", "churm", "--positive", "Yes"]
    )
    assert result.exit_code != 0
    assert "Did you mean 'churn'" in str(result.exception)


def _fitted(tmp_path: Path) -> tuple[Path, Path]:
    path = _csv(tmp_path)
    model_file = tmp_path / "m.json"
    args = ["model", "fit", str(path), "--target", "churn", "--positive", "Yes", "--id", "customer"]
    fit = CliRunner().invoke(cli, [*args, "--out", str(model_file)])
    assert fit.exit_code == 0, fit.output
    return path, model_file


def test_score_sets_short_and_long_records_aside_and_says_so(tmp_path: Path) -> None:
    path, model_file = _fitted(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = len(lines[0].split(","))
    lines[3] = ",".join(lines[3].split(",")[:3])  # a short record: 3 of the fields
    lines[7] = lines[7] + ",extra"  # a long one
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    result = CliRunner().invoke(
        cli, ["model", "score", str(model_file), str(broken), "--id", "customer", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "2 record(s)" in result.output and "line 4 has 3 of" in result.output
    scored = pd.read_csv(out, encoding="utf-8-sig")
    assert len(scored) == len(lines) - 3  # header and the two broken records
    rejected = pd.read_csv(tmp_path / "s.rejected.csv", encoding="utf-8-sig")
    assert rejected["line"].tolist() == [4, 8]
    assert rejected["rule"].tolist() == ["too_few_fields", "too_many_fields"]
    assert rejected["fields_expected"].tolist() == [fields, fields]
    assert rejected["raw"].iloc[0] == lines[3]


def test_score_writes_real_excel_and_csv_with_bom_keeping_the_id_name(tmp_path: Path) -> None:
    import openpyxl

    path, model_file = _fitted(tmp_path)
    runner = CliRunner()
    for name in ("s.xlsx", "s.csv"):
        out = tmp_path / name
        done = runner.invoke(
            cli, ["model", "score", str(model_file), str(path), "--id", "customer", "--out", str(out)]
        )
        assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")  # a real workbook, not Parquet under that name
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["customer", "probability", "flag", "reasons_en", "reasons_zh"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "风险".encode() in raw
    bad = runner.invoke(
        cli, ["model", "score", str(model_file), str(path), "--out", str(tmp_path / "s.json")]
    )
    assert bad.exit_code != 0 and "end --out with .parquet, .csv or .xlsx" in str(bad.exception.fix)  # type: ignore[union-attr]
    plain = runner.invoke(
        cli, ["model", "score", str(model_file), str(path), "--out", str(tmp_path / "r.parquet")]
    )
    assert plain.exit_code == 0
    assert pd.read_parquet(tmp_path / "r.parquet").columns[0] == "row"


def test_a_labelled_table_gets_metrics(tmp_path: Path) -> None:
    from sklearn.metrics import precision_score, roc_auc_score

    path, model_file = _fitted(tmp_path)
    out = tmp_path / "s.parquet"
    result = CliRunner().invoke(
        cli, ["model", "score", str(model_file), str(path), "--id", "customer", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "s.metrics.json").read_text(encoding="utf-8"))
    scored = pd.read_parquet(out)
    y = (pd.read_csv(path)["churn"] == "Yes").to_numpy()
    # reference: scikit-learn on the written scores (exact)
    assert metrics["target"] == "churn"
    assert metrics["precision"] == pytest.approx(precision_score(y, scored["flag"]))
    assert metrics["auc"] == pytest.approx(roc_auc_score(y, scored["probability"]))
    assert "precision" in result.output

"""`cxradar csi` and csi_report: JSON keys, human output, help, errors, atomic --out."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cxradar.cli import cli, main
from cxradar.csi import csi_report

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ecsi-mobi"
MOBI = DATA / "mobi.csv"


@pytest.fixture(autouse=True)
def _reference_data_present() -> None:
    """Missing reference data is a failure, never a skip."""
    if not DATA.is_dir():
        pytest.fail(f"reference data {DATA} is missing - the tests read ../shared/data", pytrace=False)


def test_json_has_the_documented_keys_and_reference_values() -> None:
    result = CliRunner().invoke(cli, ["csi", str(MOBI), "--model", "ecsi", "--json", "--bootstrap", "200"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"paths", "r2", "weights", "loadings", "index", "reliability", "ipma", "bootstrap"} <= set(report)
    # SmartPLS 2.0 (path weighting) on mobi: Satisfaction -> Loyalty 0.48547762
    assert report["paths"]["Satisfaction->Loyalty"] == pytest.approx(0.48547762, abs=5e-8)
    assert report["weights"]["Value"]["PERV2"] == pytest.approx(0.60405602, abs=5e-8)
    interval = report["bootstrap"]["intervals"]["paths"]["Satisfaction->Loyalty"]
    assert interval["lower"] < report["paths"]["Satisfaction->Loyalty"] < interval["upper"]
    assert set(report["bootstrap"]["intervals"]) >= {"paths", "loadings", "htmt", "index"}


def test_human_output_shows_index_paths_and_priorities(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "csi.json"
    result = CliRunner().invoke(
        cli,
        [
            "csi",
            str(MOBI),
            "--model",
            str(DATA),
            "--scheme",
            "centroid",
            "--target",
            "Satisfaction",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    for text in ("Index 0-100", "Satisfaction->Loyalty", "Where to act first", "优先改进"):
        assert text in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["scheme"] == "centroid"
    assert [p.name for p in out.parent.iterdir()] == ["csi.json"]  # no temp files left behind


def test_help_teaches_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["csi", "--help"])
    assert result.exit_code == 0
    assert "cxradar csi surveys.parquet --model telecom" in result.output
    assert "--bootstrap" in result.output and "--weights" in result.output


def test_errors_are_one_line_with_a_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["csi", str(MOBI), "--model", "ecsj"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "Did you mean 'ecsi'" in err and "fix:" in err
    with pytest.raises(SystemExit):
        main(["csi", str(MOBI), "--model", "ecsi", "--weights", "wieght"])
    assert "no weight column 'wieght'" in capsys.readouterr().err
    bad = tmp_path / "survey.xlsx"
    bad.write_text("x")
    with pytest.raises(SystemExit):
        main(["csi", str(bad), "--model", "ecsi"])
    assert "neither CSV nor Parquet" in capsys.readouterr().err


def test_csi_report_reads_parquet_weights_and_drops_rows_without_answers(tmp_path: Path) -> None:
    frame = pd.read_csv(MOBI).astype(float)
    frame["weight"] = 1.0
    frame.loc[0, "weight"] = None
    blank = pd.DataFrame([{c: None for c in frame.columns}]).astype(float)
    frame = pd.concat([frame, blank], ignore_index=True)
    report = csi_report(frame, model="ecsi")
    assert report["weighted"] and report["n_responses"] == 250 and report["n_without_answers"] == 1
    assert report["paths"]["Image->Expectation"] == pytest.approx(0.50491393362921, abs=1e-10)
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    result = CliRunner().invoke(cli, ["csi", str(path), "--model", "ecsi", "--weights", "weight", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["index"] == report["index"]

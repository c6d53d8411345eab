"""The monthly survey report and `cxradar survey report` on a small simulated operator."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from cxradar.cli import cli
from cxradar.errors import DataError, UnreadableFileError
from cxradar.survey.html_page import bar_svg, render_survey_html
from cxradar.survey.report import build_survey_views, load_survey_tables, survey_report

pytestmark = pytest.mark.slow

MONTH = "2026-09"


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cxradar.simulate import simulate

    folder = tmp_path_factory.mktemp("operator")
    simulate(4000, 4, 1, folder, end_month="2026-09")
    return folder


@pytest.fixture(scope="module")
def built(operator: Path) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    return build_survey_views(load_survey_tables(operator), MONTH, with_csi=False)


def test_summary_is_json_ready_and_consistent_with_the_tables(operator: Path) -> None:
    summary = survey_report(operator, MONTH)
    json.dumps(summary)  # JSON-ready: no numpy or pandas values
    surveys = pd.read_parquet(operator / "surveys.parquet")
    in_month = surveys[pd.to_datetime(surveys["answered_at"]).dt.strftime("%Y-%m") == MONTH]
    assert summary["respondents"] == len(in_month)
    w = in_month["weight"].fillna(1.0)
    assert summary["overall"]["mean"] == pytest.approx((in_month["overall"] * w).sum() / w.sum(), abs=1e-6)
    high = ((in_month["overall"] >= 8) * w).sum() / w.sum()
    assert summary["overall"]["high_share"] == pytest.approx(high, abs=1e-6)
    assert summary["overall"]["mean_ci"][0] < summary["overall"]["mean"] < summary["overall"]["mean_ci"][1]
    assert {"touchpoint_priorities", "complaints", "trend"} <= set(summary)
    assert "csi" in summary or "csi_note" in summary


def test_views_cover_every_analysis(built: tuple[dict[str, pd.DataFrame], dict[str, object]]) -> None:
    views, _ = built
    expected = {
        "score_distribution",
        "survey_summary",
        "survey_tests",
        "survey_pairwise",
        "wave_trend",
        "wave_trend_test",
        "touchpoints",
        "complaints_by_type",
        "complaints_by_district",
        "complaint_resolution",
        "repeat_complainants",
        "behaviour",
    }
    assert expected <= set(views)
    assert set(views["survey_summary"]["dimension"]) >= {"all", "core", "segment", "district", "channel"}
    assert views["wave_trend"]["wave"].tolist() == sorted(views["wave_trend"]["wave"])
    assert {"core", "segment", "district", "channel", "wave"} <= set(views["survey_tests"]["by"])
    assert (
        views["survey_pairwise"]["p_adjusted"].dropna() >= views["survey_pairwise"]["p_value"].dropna()
    ).all()
    resolution = views["complaint_resolution"]
    va = resolution[(resolution["dimension"] == "product") & (resolution["value"] == "value_added")]
    if len(va):
        assert va["fcr_target"].iloc[0] == 0.85
    assert views["repeat_complainants"]["msisdn"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()


def test_html_is_self_contained(built: tuple[dict[str, pd.DataFrame], dict[str, object]]) -> None:
    views, summary = built
    html = render_survey_html(views, summary)
    assert html.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in html
    assert "<svg" in html and "高分段" in html and "high-score band" in html


def test_svg_escapes_labels() -> None:
    svg = str(bar_svg(["<b>x</b>"], [1.0]))
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_cli_writes_every_file_atomically_and_reruns(operator: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    args = ["survey", "report", str(operator), "--month", MONTH, "--out", str(out), "--no-csi"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "mean overall" in result.output
    names = {p.name for p in out.iterdir()}
    assert {
        "survey_report.html",
        "survey_report.xlsx",
        "survey_summary.json",
        "survey_summary.csv",
        "survey_summary.parquet",
        "touchpoints.parquet",
    } <= names
    assert not [n for n in names if n.startswith(".")]  # no staging folder left behind
    book = openpyxl.load_workbook(out / "survey_report.xlsx", read_only=True)
    assert "survey_summary" in book.sheetnames and "summary" in book.sheetnames
    sheet = book["survey_summary"]
    header_zh = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    header_en = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert header_zh[:3] == ["维度", "分组", "样本数"] and header_en[:3] == ["dimension", "group", "n"]
    first = (out / "survey_summary.json").read_text(encoding="utf-8")
    table = pd.read_parquet(out / "survey_summary.parquet")
    assert len(table) == len(pd.read_csv(out / "survey_summary.csv"))
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0
    assert (out / "survey_summary.json").read_text(encoding="utf-8") == first
    assert {p.name for p in out.iterdir()} == names


def test_errors_name_the_problem(operator: Path, tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="surveys"):
        load_survey_tables(tmp_path)
    with pytest.raises(DataError, match="no answers in 2020-01"):
        build_survey_views(load_survey_tables(operator), "2020-01", with_csi=False)


def test_every_touchpoint_column_is_named_and_labelled(
    built: tuple[dict[str, pd.DataFrame], dict[str, object]],
) -> None:
    from cxradar.survey.labels import COLUMN_LABELS

    columns = list(built[0]["touchpoints"].columns)
    assert not [c for c in columns if c.endswith(("_x", "_y"))]  # no merge leftovers such as n_x / n_y
    assert {"n", "n_importance"} <= set(columns)
    unlabelled = [c for c in columns if c not in COLUMN_LABELS]
    assert unlabelled == []


def test_a_tick_means_met_everywhere(
    built: tuple[dict[str, pd.DataFrame], dict[str, object]], operator: Path, tmp_path: Path
) -> None:
    views, summary = built
    html = render_survey_html(views, summary)
    assert "✔" not in html and "否 no" in html  # booleans such as "未达标 fcr_missed" are words
    out = tmp_path / "r"
    result = CliRunner().invoke(
        cli, ["survey", "report", str(operator), "--month", MONTH, "--out", str(out), "--no-csi"]
    )
    assert result.exit_code == 0, result.output
    missed = summary["complaints"]["fcr_missed"]  # type: ignore[index]
    assert ("✗ missed 未达标" if missed else "✓ met 达标") in result.output
    book = openpyxl.load_workbook(out / "survey_report.xlsx", read_only=True)
    sheet = book["complaint_resolution"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[1].index("fcr_missed")
    assert {r[column] for r in rows[2:]} <= {"是 yes", "否 no"}

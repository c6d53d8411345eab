"""``cxradar report``: writes the file and the tables, teaches in --help, and a wrong month is one
clear line with the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from cxradar.cli import cli, main

from .conftest import MONTHS, SmallRun


def test_report_command_writes_the_html_and_the_tables(small_run: SmallRun, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(small_run.run_dir, run_dir)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(run_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output and MONTHS[-1] in result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "default-src 'none'" in html
    assert "http://" not in html.replace("http://www.w3.org", "").replace(
        "http://www.apache.org/licenses", ""
    )
    assert (run_dir / "report" / "headline.csv").is_file()
    # an earlier month is rendered from its stored tables, without rebuilding them
    earlier = CliRunner().invoke(cli, ["report", str(run_dir), "--month", MONTHS[0]])
    assert earlier.exit_code == 0, earlier.output
    assert "reused" in earlier.output and (run_dir / "report" / f"report-{MONTHS[0]}.html").is_file()


def test_a_month_never_built_is_a_clear_error(small_run: SmallRun, capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["report", str(small_run.run_dir), "--month", "2026-03", "--out", "/tmp/never.html"])
    except SystemExit as stop:
        assert stop.code == 1
    err = capsys.readouterr().err
    assert "no report tables were stored for 2026-03" in err and "fix: pass --month 2026-10" in err
    assert "Traceback" not in err


def test_a_missing_run_folder_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["report", str(tmp_path / "nothing")])
    except SystemExit as stop:
        assert stop.code == 1
    assert "summary.json does not exist" in capsys.readouterr().err


def test_help_teaches_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "cxradar report demo-output/run" in result.output
    assert "UTF-8 with BOM" in result.output

"""``cxradar features``: writes the file, prints shape/time/path, one red line on errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cxradar.cli import cli, main

from .tables import random_tables, write_tables


def test_features_command_writes_and_reports(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "data", **random_tables(7, n=10))
    out = tmp_path / "f.parquet"
    result = CliRunner().invoke(cli, ["features", str(folder), "--month", "2026-06", "--out", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert f"{len(frame):,} subscribers x {frame.shape[1] - 1} features" in result.output
    assert str(out) in result.output


def test_features_help_teaches() -> None:
    result = CliRunner().invoke(cli, ["features", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "cxradar features" in result.output and "Writes" in result.output


def test_bad_month_is_one_red_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["features", str(tmp_path), "--month", "2026-13"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "is not a month" in err and "fix: write it as YYYY-MM" in err

"""Parameters are checked by name; the CLI teaches and writes what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cxradar.cli import cli
from cxradar.errors import ConfigError
from cxradar.simulate import load_params


def test_unknown_parameter_suggests_the_closest(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("segmnets: {mass: 0.5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Did you mean 'segments'"):
        load_params(bad)
    with pytest.raises(ConfigError, match=r"unknown setting 'voice\.means'"):
        load_params().with_overrides({"voice": {"means": {}}})


def test_override_file_changes_only_its_keys(tmp_path: Path) -> None:
    extra = tmp_path / "p.yaml"
    extra.write_text("churn: {base_hazard: 0.02}\n", encoding="utf-8")
    params = load_params(extra)
    assert params["churn"]["base_hazard"] == 0.02
    assert params["churn"]["competitor_multiplier"] == load_params()["churn"]["competitor_multiplier"]


def test_cli_help_teaches() -> None:
    result = CliRunner().invoke(cli, ["simulate", "--help"])
    assert result.exit_code == 0
    assert "cxradar simulate --subscribers" in result.output
    assert "truth/" in result.output


def test_cli_writes_tables_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    result = CliRunner().invoke(
        cli, ["simulate", "--subscribers", "500", "--months", "2", "--seed", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "usage_monthly" in result.output
    assert (out / "usage_monthly.parquet").exists() and (out / "truth" / "satisfaction.parquet").exists()
    assert not list(out.glob(".*tmp*"))


def test_cli_rejects_a_bad_end_month(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "simulate",
            "--subscribers",
            "500",
            "--months",
            "2",
            "--out",
            str(tmp_path / "x"),
            "--end-month",
            "2026-13",
        ],
    )
    assert result.exit_code != 0


def test_every_parameter_section_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "simulator.md").read_text(encoding="utf-8")
    for section in load_params().values:
        assert f"`{section}`" in docs, (
            f"document conf/simulator.yaml section '{section}' in docs/simulator.md"
        )

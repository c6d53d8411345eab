"""`cxradar validate` exit codes and output; identical re-runs; the committed contract doc equals its
render; the contract loader says "did you mean" for an unknown field."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from tests.contract.conftest import AS_OF

from cxradar.cli import cli
from cxradar.contract import load_contract, render_contract_markdown, validate_dir
from cxradar.errors import ConfigError, OutputError

ROOT = Path(__file__).resolve().parents[2]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_rerun_gives_identical_outputs(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["usage_monthly"].loc[[1, 4], "spend"] = ["-1", "x"]
        frames["subscribers"].loc[2, "gender"] = "男"

    data = make_data(edit)
    out = data.parent / "out"
    validate_dir(data, out, as_of=AS_OF)
    first = _files(out)
    validate_dir(data, out, as_of=AS_OF)
    assert _files(out) == first
    assert set(first) >= {
        "validation_report.json",
        "accepted/usage_monthly.parquet",
        "quarantine/subscribers.csv",
    }
    assert first["quarantine/subscribers.csv"].startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert sorted(p.name for p in data.parent.iterdir()) == ["data", "out"]  # no temporary folders left


def test_cli_exit_0_when_usable_and_prints_the_table(make_data: Callable[..., Path]) -> None:
    data = make_data()
    result = CliRunner().invoke(cli, ["validate", str(data), "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    assert "usage_monthly" in result.output and "Usable" in result.output
    assert (data / "_validated" / "validation_report.json").exists()  # default --out


def test_cli_exit_1_and_says_why(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["cells"].loc[0, "drop_rate"] = "2"

    data = make_data(edit)
    out = data.parent / "o"
    result = CliRunner().invoke(cli, ["validate", str(data), "--out", str(out), "--as-of", "2026-11-15"])
    assert result.exit_code == 1
    assert "Not usable" in result.output and "--max-quarantine-share" in result.output
    assert "drop_rate" in result.output  # the top problem with its example


def test_cli_unreadable_table_shows_no_row_counts(make_data: Callable[..., Path]) -> None:
    data = make_data()
    (data / "contacts.csv").write_bytes(b"PAR1 not really")
    result = CliRunner().invoke(
        cli,
        ["validate", str(data), "--out", str(data.parent / "o"), "--as-of", "2026-11-15"],
        terminal_width=200,
    )
    assert result.exit_code == 1
    row = next(line for line in result.output.splitlines() if "contacts" in line and "unreadable" in line)
    assert "—" in row and " 0 " not in row  # never "rows in 0" for a table that was not read
    assert "is a Parquet file" in result.output


def test_cli_json(make_data: Callable[..., Path]) -> None:
    data = make_data()
    result = CliRunner().invoke(
        cli, ["validate", str(data), "--json", "--as-of", "2026-11-15", "--encoding", "utf-8"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["usable"] is True and report["tables"]["subscribers"]["rows_in"] == 4


def test_cli_bad_as_of_and_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--as-of", "31/10/2026"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1


def test_cli_help_teaches() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    for needle in ("Example", "cxradar validate data/2026-10", "quarantine", "--wide-table", "Exit code"):
        assert needle in result.output


def test_committed_doc_matches_the_contracts() -> None:
    doc = ROOT / "docs" / "data-contract.md"
    assert doc.read_text(encoding="utf-8") == render_contract_markdown(), (
        "docs/data-contract.md is stale; regenerate it (see cxradar/contract/docs.py)"
    )


def test_doc_covers_every_table_and_column() -> None:
    text = render_contract_markdown()
    from cxradar.contract import load_contracts

    for contract in load_contracts().values():
        assert f"## {contract.name}" in text
        for column in contract.columns:
            assert f"`{column.name}`" in text


def test_contract_loader_suggests_the_closest_field(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("name: t\ncolumns:\n  - {name: a, type: string, nulable: true}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"t\.yaml.*unknown field 'nulable'.*Did you mean 'nullable'\?"):
        load_contract(path)


@pytest.mark.slow
def test_simulator_output_validates_without_quarantine(tmp_path: Path) -> None:
    from cxradar.simulate import simulate

    simulate(2000, 6, 1, tmp_path / "sim")
    report = validate_dir(tmp_path / "sim", tmp_path / "out")
    assert report.usable, report.reasons
    assert report.quarantined == 0, report.top_problems
    assert all(not t.warnings for t in report.tables.values()), {
        n: t.warnings for n, t in report.tables.items()
    }
    assert len(report.tables["usage_monthly"].months) == 6


def test_out_folder_may_not_contain_the_input(make_data: Callable[..., Path]) -> None:
    data = make_data()
    with pytest.raises(OutputError, match="contains the input"):
        validate_dir(data, data.parent)
    with pytest.raises(OutputError, match="is the input"):
        validate_dir(data, data)
    with pytest.raises(OutputError, match="keeps table 'subscribers'"):
        validate_dir(data, data / "subscribers")
    assert (data / "subscribers.csv").exists()

"""The CLI front door: help, unknown commands, and the one-red-line error shape."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cxradar.cli import COMMANDS, cli, main
from cxradar.errors import DataError


def test_help_lists_the_loop() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "cxradar validate" in result.output


def test_unknown_command_suggests_the_closest() -> None:
    result = CliRunner().invoke(cli, ["valdate"])
    assert result.exit_code == 2
    assert "Did you mean 'validate'?" in result.output


def test_every_registered_command_module_exposes_a_click_command() -> None:
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        assert isinstance(cli.get_command(ctx, name), click.Command), name
    assert set(cli.list_commands(ctx)) <= set(COMMANDS)


def test_domain_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    @click.command("boom")
    def boom() -> None:
        raise DataError("table 'x' is broken", fix="run cxradar validate")

    monkeypatch.setitem(cli.commands, "boom", boom)
    monkeypatch.setitem(COMMANDS, "boom", "cxradar.cli:cli")
    monkeypatch.setattr(type(cli), "get_command", lambda self, ctx, n: boom if n == "boom" else None)
    with pytest.raises(SystemExit) as exit_info:
        main(["boom"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "table 'x' is broken — fix: run cxradar validate" in err

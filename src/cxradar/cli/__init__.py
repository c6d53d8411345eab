"""The ``cxradar`` command.

Front ends parse, delegate and print: each command lives in its own module in this package
and calls pure functions elsewhere. Commands are imported lazily so that ``cxradar --help``
stays fast. A domain error (:class:`cxradar.errors.CxradarError`) - and an ``OSError`` about a
path the user gave (missing, a folder, no permission, disk full) - prints one red line and exits
with code 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from cxradar import __version__
from cxradar.errors import CxradarError, did_you_mean

__all__ = ["COMMANDS", "cli", "main"]

# command name -> "module:attribute", in the order of the monthly loop.
COMMANDS: dict[str, str] = {
    "demo": "cxradar.cli.demo:demo",
    "simulate": "cxradar.cli.simulate:simulate",
    "validate": "cxradar.cli.validate:validate",
    "features": "cxradar.cli.features:features",
    "run": "cxradar.cli.run:run",
    "evaluate": "cxradar.cli.evaluate:evaluate",
    "model": "cxradar.cli.model:model",
    "csi": "cxradar.cli.csi:csi",
    "survey": "cxradar.cli.survey:survey",
    "churn": "cxradar.cli.churn:churn",
    "care": "cxradar.cli.care:care",
    "campaign": "cxradar.cli.campaign:campaign",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in COMMANDS.items() if _module_exists(target.split(":")[0])]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target.split(":")[0]):
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            hint = did_you_mean(name, self.list_commands(ctx))
            raise click.UsageError(f"No such command '{name}'.{hint} See 'cxradar --help'.", ctx)
        return super().resolve_command(ctx, args)


def _module_exists(module_name: str) -> bool:
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:
        return False


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="cxradar")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """cxradar finds a mobile operator's dissatisfied-but-silent customers.

    \b
    The monthly loop, one command a step:
      cxradar simulate   make a synthetic operator (for trying things out)
      cxradar validate   check the input tables against the data contract
      cxradar features   build per-subscriber features as of a month (DuckDB SQL)
      cxradar run        the whole monthly cycle: pool, potential dissatisfied, care
      cxradar evaluate   score a run against the simulator's ground truth
    \b
    Analysis:
      cxradar model      cross-validate, fit, score or export a model on any flat table
      cxradar csi        Customer Satisfaction Index by PLS path modelling
      cxradar survey     1–10 survey, touchpoint and complaint reports
      cxradar churn      churn training, scoring and group alerts
      cxradar care       assign care strategies, channel lists, pending care
      cxradar campaign   design campaigns with control groups; evaluate them
    \b
    Start with:  cxradar demo --out demo-output
    Every command explains itself:  cxradar COMMAND --help
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI, turning domain errors into one red line and exit code 1."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="cxradar", standalone_mode=False)
    except CxradarError as error:
        if debug:
            raise
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(1)
    except OSError as error:  # a path the user gave: missing, a folder, no permission, disk full
        if debug:
            raise
        from cxradar.io import filesystem_error

        click.secho(f"Error: {filesystem_error(error)}", fg="red", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)

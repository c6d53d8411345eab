"""The ``cxradar`` command.

Front ends parse, delegate and print: each command lives in its own module in this package
and calls pure functions elsewhere. Commands are imported lazily so that ``cxradar --help``
stays fast. A domain error (:class:`cxradar.errors.CxradarError`) - and an ``OSError`` about a
path the user gave (missing, a folder, no permission, disk full) - prints one red line and exits
with code 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NoReturn

import click

from cxradar import __version__
from cxradar.errors import CxradarError, did_you_mean

__all__ = ["COMMANDS", "cli", "main"]

# command name -> ("module:attribute", one-line help), in the order of the monthly loop. The help
# is written here so that 'cxradar --help' imports no command module (tests/test_cli.py checks it
# matches each command's own first line).
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("cxradar.cli.demo:demo", "Simulate an operator and run two months of the closed loop on it."),
    "simulate": (
        "cxradar.cli.simulate:simulate",
        "Simulate a mobile operator: every contract table plus the hidden ground truth.",
    ),
    "validate": (
        "cxradar.cli.validate:validate",
        "Check every input table in DATA_DIR against the data contract (docs/data-contract.md).",
    ),
    "features": (
        "cxradar.cli.features:features",
        "Build per-subscriber features as of a month by running the feature SQL (cxradar/sql).",
    ),
    "run": (
        "cxradar.cli.run:run",
        "Run the monthly cycle on DATA_DIR for one month and write the results to RUN_DIR.",
    ),
    "evaluate": (
        "cxradar.cli.evaluate:evaluate",
        "Score a monthly run against the simulator's ground truth (only possible on simulated data).",
    ),
    "model": (
        "cxradar.cli.model:model",
        "Cross-validate, fit, score or export a model on any flat table (CSV or Parquet).",
    ),
    "csi": (
        "cxradar.cli.csi:csi",
        "Customer Satisfaction Index (0-100) by PLS path modelling, with drivers and IPMA.",
    ),
    "survey": (
        "cxradar.cli.survey:survey",
        "1–10 survey, 4S touchpoint, complaint and behaviour-vs-satisfaction reports.",
    ),
    "staff": (
        "cxradar.cli.staff:staff",
        "Service halls and first-touchpoint staff: internal satisfaction, role targets, follow-ups.",
    ),
    "churn": (
        "cxradar.cli.churn:churn",
        "Churn: definitions, exclusions, models, likely churners with factors, group alerts.",
    ),
    "care": (
        "cxradar.cli.care:care",
        "Care for flagged customers: strategies by rules, policies, channel lists, pending care.",
    ),
    "campaign": (
        "cxradar.cli.campaign:campaign",
        "Care campaigns with randomised control groups: design one, then measure what it did.",
    ),
    "config": (
        "cxradar.cli.config:config",
        "Settings: what a run will use, and where each value comes from.",
    ),
    "report": (
        "cxradar.cli.report:report",
        "Write the monthly report (不满意客户分析专题): one HTML file a CX manager opens in a browser.",
    ),
    "publish": (
        "cxradar.cli.publish:publish",
        "Turn RUN_DIR/cards/MONTH.parquet into the lookup file and swap it in atomically.",
    ),
    "serve": (
        "cxradar.cli.serve:serve",
        "Answer channels: is this caller on a care list, why, what to say - and take deliveries back.",
    ),
    "keys": (
        "cxradar.cli.keys:keys",
        "API keys for the lookup service, one per channel system (hotline, hall CRM, app, ...).",
    ),
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported only when used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute = entry[0].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`COMMANDS` (no command module is imported for it)."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in COMMANDS.items()])

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            hint = did_you_mean(name, self.list_commands(ctx))
            raise click.UsageError(f"No such command '{name}'.{hint} See 'cxradar --help'.", ctx)
        return super().resolve_command(ctx, args)


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
      cxradar staff      service halls and staff: internal satisfaction, targets, follow-ups
      cxradar churn      churn training, scoring and group alerts
      cxradar care       assign care strategies, channel lists, pending care
      cxradar campaign   design campaigns with control groups; evaluate them
      cxradar config     the effective settings and where each value came from
      cxradar report     the monthly HTML report (不满意客户分析专题) and its BI tables
    \b
    Channels:
      cxradar publish    make a month's care cards the ones the lookup service answers with
      cxradar serve      the lookup service: care cards by msisdn, deliveries back
      cxradar keys       API keys for channel systems (create, list, rotate, revoke)
    \b
    Start with:  cxradar demo --out demo-output
    Every command explains itself:  cxradar COMMAND --help
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


_interrupted = False  # set by the signal handlers below: a stop the user (or a scheduler) asked for


def _terminate_as_interrupt() -> None:
    """SIGTERM (a scheduler stopping the job, ``kill``) unwinds like Ctrl-C: the staged outputs are
    discarded and the shard workers stopped, instead of the process vanishing with its worker
    processes left running. ``cxradar serve`` hands the signal to uvicorn, which sets its own.
    Both signals are also remembered: DuckDB turns the interrupt of a running statement into a
    ``RuntimeError('Query interrupted')``, which :func:`main` then reports as the stop it is."""
    import signal
    import threading

    def interrupted(signum: int, frame: Any) -> None:
        global _interrupted
        _interrupted = True
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupted)
        signal.signal(signal.SIGINT, interrupted)


def _aborted() -> NoReturn:
    """The one line a stopped command prints (Ctrl-C, SIGTERM), and exit code 1."""
    click.echo("Aborted.", err=True)
    sys.exit(1)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI, turning domain errors into one red line and exit code 1."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    _terminate_as_interrupt()
    try:
        return cli.main(args=argv, prog_name="cxradar", standalone_mode=False)
    except CxradarError as error:
        if debug:
            raise
        if _interrupted:  # e.g. "DuckDB failed: Query interrupted": the stop, not a data problem
            _aborted()
        click.secho(f"Error: {error}", fg="red", err=True)
        sys.exit(1)
    except OSError as error:  # a path the user gave: missing, a folder, no permission, disk full
        if debug:
            raise
        from cxradar.io import filesystem_error

        click.secho(f"Error: {filesystem_error(error)}", fg="red", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        _aborted()
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except Exception:
        if not _interrupted or debug:
            raise
        _aborted()  # what the interrupt became inside a library call

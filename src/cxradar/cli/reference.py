"""Render the command reference (``docs/cli.md``) from the commands' own help texts.

``tests/test_docs.py`` fails when the committed file differs from this render, so a new command or
option cannot ship undocumented. Regenerate with ``python -m cxradar.cli.reference > docs/cli.md``.
"""

from __future__ import annotations

import click

from cxradar.cli import cli

__all__ = ["render_cli_reference"]


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                found.extend(_walk(sub, [*path, name]))
    return found


def render_cli_reference() -> str:
    """Markdown with the ``--help`` of every command and sub-command, in registry order."""
    parts = [
        "# Command reference",
        "",
        "Generated from the commands' own `--help` by `python -m cxradar.cli.reference`;",
        "`tests/test_docs.py` keeps it in step with the code.",
        "",
    ]
    for path, command in _walk(cli, ["cxradar"]):
        name = " ".join(path)
        # make_context applies the command's context_settings (e.g. -h/--help) the way a real
        # invocation does; a bare Context would render a different help option.
        ctx = command.make_context(
            name, [], resilient_parsing=True, terminal_width=100, max_content_width=100
        )
        parts += [f"## `{name}`", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render_cli_reference(), nl=False)

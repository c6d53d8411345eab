"""Render the command reference (``docs/cli.md``) from the commands' own help texts.

``tests/test_docs.py`` fails when the committed file differs from this render, so a new command or
option cannot ship undocumented. Regenerate with ``python -m cxradar.cli.reference > docs/cli.md``.
"""

from __future__ import annotations

import click

from cxradar.cli import cli

__all__ = ["render_cli_reference"]


def _walk(
    command: click.Command, name: str, parent: click.Context | None
) -> list[tuple[str, click.Command, click.Context]]:
    # make_context with the parent applies context_settings (e.g. -h/--help) and their inheritance
    # exactly as a real invocation does; a bare Context would render a different help option.
    ctx = command.make_context(
        name, [], parent=parent, resilient_parsing=True, terminal_width=100, max_content_width=100
    )
    found = [(ctx.command_path, command, ctx)]
    if isinstance(command, click.Group):
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is not None:
                found.extend(_walk(sub, sub_name, ctx))
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
    for path, command, ctx in _walk(cli, "cxradar", None):
        parts += [f"## `{path}`", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(render_cli_reference(), nl=False)

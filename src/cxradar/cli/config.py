"""``cxradar config show``: the effective settings and the file:line each value came from."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cxradar.config import SECTIONS

__all__ = ["config"]

_SECTIONS = tuple(SECTIONS)  # every settings section, in the order of cxradar.config.SECTIONS


@click.group("config")
def config() -> None:
    """Settings: what a run will use, and where each value comes from.

    \b
    Every default lives in the shipped YAML under conf/ (docs/configuration.md). A run
    configuration file names only what it changes, a section per step:
      identify:                       # conf/identify.yaml
        pool: {warmup_months: 3}
      care: {policies: {campaign_days: 10}}   # conf/care/policies.yaml
      churn: {horizon_months: 2}      # conf/churn.yaml
    \b
    Example:
      cxradar config show --config my-run.yaml
      cxradar run DATA_DIR --month 2026-10 --out RUN_DIR --config my-run.yaml
    """


@config.command("show")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A run configuration file (as for 'cxradar run --config'); default: the shipped settings.",
)
@click.option(
    "--section",
    "sections",
    type=click.Choice(_SECTIONS),
    multiple=True,
    help="Show only these sections (repeatable; default: every section of a run).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {setting, value, origin}.")
def show(config_path: Path | None, sections: tuple[str, ...], as_json: bool) -> None:
    """Print every effective setting with the shipped or user file:line it came from.

    \b
    Example:
      cxradar config show --config my-run.yaml --section identify
    Each line reads:  SETTING = VALUE    FILE:LINE
    The file is checked as 'cxradar run' would check it: unknown keys and wrong types fail here.
    """
    from cxradar.run_config import RUN_SECTIONS, effective_settings

    rows = [
        (name, value, str(origin))
        for name, value, origin in effective_settings(config_path, sections=sections or RUN_SECTIONS)
    ]
    if as_json:
        records = [{"setting": n, "value": v, "origin": o} for n, v, o in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    width = min(
        70, max((len(n) + len(json.dumps(v, ensure_ascii=False, default=str)) for n, v, _ in rows), default=0)
    )
    for name, value, origin in rows:
        text = f"{name} = {json.dumps(value, ensure_ascii=False, default=str)}"
        click.echo(f"{text.ljust(width + 3)}  {origin}")

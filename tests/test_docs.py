"""Documentation cannot drift: the CLI reference is the commands' own help, and every doc the
README links to exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from cxradar.cli.reference import render_cli_reference

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    # A fresh interpreter, as the regeneration command runs: click caches each command's help
    # option on first use, so other tests' invocations in this process could change the render.
    rendered = subprocess.run(
        [sys.executable, "-m", "cxradar.cli.reference"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    ).stdout
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == rendered, "run: python -m cxradar.cli.reference > docs/cli.md"
    assert rendered.startswith(render_cli_reference()[:200])


def test_every_command_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in (
        "validate",
        "simulate",
        "features",
        "run",
        "evaluate",
        "demo",
        "model cv",
        "csi",
        "survey report",
        "care assign",
        "campaign evaluate",
        "report",
    ):
        assert f"## `cxradar {command}`" in text, command


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```")[1]
    commands = [
        line.split("#")[0].strip()
        for line in block.splitlines()
        if line.strip() and not line.startswith("sh")
    ]
    assert commands == ["make demo", "make test"]


def test_readme_links_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for link in re.findall(r"`(docs/[\w./-]+\.md)`", readme):
        assert (ROOT / link).is_file(), link

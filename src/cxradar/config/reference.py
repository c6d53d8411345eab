"""The settings reference (docs/configuration.md), generated from the shipped YAML and its comments.

Each setting's meaning is the comment written beside it in ``conf/`` (on its line, or the comment
lines just above it); a key without one takes its parent's or grandparent's (``districts.chaoyang``
from ``districts``, ``expectation.network.mass`` from ``expectation``). :func:`undocumented` lists the settings that have neither - the docs test fails on
any, so a new setting cannot ship without a sentence. Regenerate with::

    python -m cxradar.config.reference > docs/configuration.md
"""

from __future__ import annotations

import json
from typing import Any

from cxradar.config import SECTIONS, Tree, conf_path, shipped_tree

__all__ = ["MAPPING", "describe_section", "render_settings_reference", "undocumented"]

MAPPING = object()  # the "value" of a row that is a mapping of further settings

_INTRO = """# Configuration

Every default of cxradar lives in the shipped YAML under `conf/` - the only place defaults live.
A user file names only the keys it changes; `cxradar config show [--config FILE]` prints every
effective setting with the file and line it came from.

## How a user file is merged

- **A run configuration** (`cxradar run --config FILE`) holds one section per step, each with the
  layout of its shipped file: `identify:` (conf/identify.yaml), `care:` with `rules:`,
  `policies:` and `plans:` (conf/care/rules.yaml, conf/care/policies.yaml, conf/care/plans.yaml),
  `campaign:` (conf/care/campaign.yaml),
  `churn:` (conf/churn.yaml), `survey:` (conf/survey.yaml) and `models:` (conf/models.yaml).
  The commands of one step take that step's file directly (`cxradar churn train --config`,
  `cxradar care assign --rules/--policies/--plans`, `cxradar campaign design --config`,
  `cxradar survey report --config`, `cxradar staff report --config`, `cxradar simulate --params`).
- A mapping merges key by key; a list or a plain value replaces the shipped one (a user's
  `rules:` list replaces all the shipped care rules).
- A key the shipped file does not have is an error that names the file and line and suggests the
  closest key, so a typo never leaves a default silently in place. The exceptions are the *open*
  mappings listed under each section below, which take new entries; there an entry set to `null`
  is removed.
- Every value is checked for its type and range when loaded; errors name file:line.

Example (`my-run.yaml`):

```yaml
identify:
  pool: {warmup_months: 3}
care:
  policies: {campaign_days: 10}
churn:
  horizon_months: 2
```

"""


def _comment(line: str) -> str:
    """The ``# ...`` part of a YAML line, outside quotes ('' when there is none)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[index + 1 :].strip()
    return ""


def _own_description(lines: list[str], line: int) -> str:
    """The comment on the key's line, else the comment lines right above it."""
    trailing = _comment(lines[line - 1]) if not lines[line - 1].lstrip().startswith("#") else ""
    if trailing:
        return trailing
    above: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].lstrip().startswith("#"):
        above.insert(0, lines[index].lstrip()[1:].strip())
        index -= 1
    return " ".join(part for part in above if part)


def describe_section(name: str) -> list[tuple[str, Any, str]]:
    """``(setting, shipped value, description)`` for every setting of section ``name``."""
    tree = shipped_tree(name)
    lines = conf_path(SECTIONS[name].file).read_text(encoding="utf-8").splitlines()
    rows: list[tuple[str, Any, str]] = []

    def walk(node: Tree, prefix: str, inherited: tuple[str, str]) -> None:
        for key, item in node.items():
            line = node.origin_of(key).line
            own = _own_description(lines, line) if line else ""
            text = own or inherited[0] or inherited[1]
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(item, Tree) and item:
                rows.append((dotted, MAPPING, text))
                walk(item, dotted, (own, inherited[0]))
            else:
                rows.append((dotted, item, text))

    walk(tree, "", ("", ""))
    return rows


def undocumented() -> list[str]:
    """Every setting of every section without a description (the docs test wants none)."""
    return [
        f"{name}: {setting}"
        for name in SECTIONS
        for setting, value, text in describe_section(name)
        if not text
    ]


def _shown(value: Any) -> str:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return f"{len(value)} entries"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def render_settings_reference() -> str:
    """The whole of docs/configuration.md."""
    parts = [_INTRO]
    for name, spec in SECTIONS.items():
        parts.append(f"## `{name}` - conf/{spec.file}\n\n")
        parts.append(f"Documented in more depth in {spec.doc}.")
        if spec.open_paths:
            parts.append(
                " Open mappings (take new entries): " + ", ".join(f"`{p}`" for p in spec.open_paths) + "."
            )
        parts.append("\n\n| setting | shipped value | meaning |\n|---|---|---|\n")
        for setting, value, text in describe_section(name):
            shown = "" if value is MAPPING else f"`{_shown(value)}`".replace("|", "\\|")
            parts.append(f"| `{name}.{setting}` | {shown} | {text.replace('|', '/')} |\n")
        parts.append("\n")
    return "".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(render_settings_reference(), end="")

"""A YAML loader that remembers line numbers, so rule and policy errors can name the line.

PyYAML's ``SafeLoader`` drops positions after parsing; this subclass returns mappings as
:class:`LineDict` objects that keep the line of the mapping and of each key. Written here (20
lines) instead of adding ``ruamel.yaml`` as a dependency for one feature.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cxradar.errors import ConfigError, did_you_mean

__all__ = ["LineDict", "check_fields", "load_yaml"]


class LineDict(dict[str, Any]):
    """A dict that knows the line it started on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> LineDict:
    """Read a YAML file whose top level is a mapping; errors name the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"cannot read {path}: {error}", fix="check the path passed on the command line"
        ) from error
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        raise ConfigError(
            f"{path}: not valid YAML: {error}", fix="fix the YAML syntax at that line"
        ) from error
    if not isinstance(data, LineDict):
        raise ConfigError(f"{path}: the top level must be a mapping", fix="see docs/care.md for the layout")
    return data


def check_fields(data: Any, allowed: set[str], path: Path, where: str, doc: str = "docs/care.md") -> None:
    """Raise a ConfigError naming file:line for the first key not in ``allowed``."""
    if not isinstance(data, dict):
        line = getattr(data, "line", 0)
        raise ConfigError(f"{path}:{line}: {where} must be a mapping, got {data!r}", fix=f"see {doc}")
    for key in data:
        if key not in allowed:
            line = data.line_of(key) if isinstance(data, LineDict) else 0
            raise ConfigError(
                f"{path}:{line}: {where}: unknown field '{key}'.{did_you_mean(str(key), allowed)}",
                fix=f"use one of: {', '.join(sorted(allowed))} ({doc})",
            )

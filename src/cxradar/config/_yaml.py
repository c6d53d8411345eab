"""YAML that remembers where each value was written, so every configuration error names file:line.

PyYAML's ``SafeLoader`` drops positions after parsing; this loader returns every mapping as a
:class:`Tree` (a ``dict``) that keeps the :class:`Origin` (file and line) of the mapping and of
each of its keys, and the dotted path of the mapping inside its section (``pool``,
``definitions.port_out``). Written here (a constructor of a dozen lines) instead of adding
``ruamel.yaml`` as a dependency for one feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxradar.errors import ConfigError

__all__ = ["Origin", "Tree", "as_tree", "read_yaml", "shown_path"]


def shown_path(path: Path | str) -> str:
    """``path`` relative to the working folder when it lies below it (shorter messages)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a file and a 1-based line (0 = the file as a whole)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Tree(dict[str, Any]):
    """A mapping read from YAML that knows its own origin and the origin of each key."""

    origin: Origin
    key_origins: dict[str, Origin]
    path: str
    prefix: str = ""  # the section's name in messages when it was read from a run file, e.g. "identify."

    def __init__(self, items: Any = (), *, origin: Origin, path: str = "") -> None:
        super().__init__(items)
        self.origin = origin
        self.key_origins = {}
        self.path = path

    def origin_of(self, key: str) -> Origin:
        """Where ``key`` was written (the mapping's own origin when it was not)."""
        return self.key_origins.get(key, self.origin)

    def name_of(self, key: str) -> str:
        """The dotted name of ``key`` inside its section, e.g. ``pool.warmup_months``."""
        return f"{self.prefix}{self.path}.{key}" if self.path else f"{self.prefix}{key}"

    def where(self, key: str | None = None) -> str:
        """``file:line: name`` - the start of every message about this mapping or one of its keys."""
        if key is None:
            return (
                f"{self.origin}: {self.prefix}{self.path}"
                if self.path or self.prefix
                else f"{self.origin}: top level"
            )
        return f"{self.origin_of(key)}: {self.name_of(key)}"

    # ``line`` / ``line_of`` keep the older LineDict interface of the care rule loaders.
    @property
    def line(self) -> int:
        return self.origin.line

    def line_of(self, key: str) -> int:
        return self.origin_of(key).line


def _with_paths(value: Any, path: str) -> Any:
    """Set each nested mapping's dotted path (lists keep their parent's path plus ``[i]``)."""
    if isinstance(value, Tree):
        value.path = path
        for key, child in value.items():
            _with_paths(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _with_paths(child, f"{path}[{index}]")
    return value


def as_tree(data: Any, origin: Origin) -> Any:
    """Plain (nested) dicts as :class:`Tree` objects of one ``origin`` (settings given in code)."""
    if isinstance(data, dict):
        tree = Tree({str(k): as_tree(v, origin) for k, v in data.items()}, origin=origin)
        return _with_paths(tree, "")
    if isinstance(data, list):
        return [as_tree(item, origin) for item in data]
    return data


def read_yaml(path: Path | str, *, doc: str = "docs/configuration.md") -> Tree:
    """Read a YAML file whose top level is a mapping; every error names the file and the line."""
    shown = shown_path(path)

    class _Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Tree:
        tree = Tree(origin=Origin(shown, node.start_mark.line + 1))
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node, deep=True))
            if key in tree:
                raise ConfigError(
                    f"{shown}:{key_node.start_mark.line + 1}: '{key}' is written twice in one mapping",
                    fix="keep one of the two",
                )
            tree[key] = loader.construct_object(value_node, deep=True)
            tree.key_origins[key] = Origin(shown, key_node.start_mark.line + 1)
        return tree

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"cannot read {shown}: {error}", fix="check the path and that it is UTF-8 text"
        ) from error
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(
            f"{shown}{line}: not valid YAML: {error.problem or error}", fix="fix the YAML syntax at that line"
        ) from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{shown}: not valid YAML: {error}", fix="fix the YAML syntax") from error
    if data is None:
        data = Tree(origin=Origin(shown, 1))
    if not isinstance(data, Tree):
        raise ConfigError(f"{shown}:1: the top level must be a mapping of settings", fix=f"see {doc}")
    return _with_paths(data, "")

"""The one deep merge: a user's settings laid over the shipped ones, key by key.

Rules (docs/configuration.md, "How a user file is merged"):

- a mapping merges key by key, recursively; a list or a plain value replaces the shipped one;
- a key the shipped file does not have is an error with "did you mean", so a typo never leaves
  a default silently in place - except under the *open* mappings a section declares (churn
  definitions, per-kind model parameters, labels ...), where new entries are welcome and an entry
  set to ``null`` is removed;
- every value keeps the :class:`~cxradar.config._yaml.Origin` of the file and line it came from.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any

from cxradar.config._yaml import Tree
from cxradar.errors import ConfigError, did_you_mean

__all__ = ["is_open", "merge"]


def is_open(path: str, open_paths: Sequence[str]) -> bool:
    """True when the mapping at dotted ``path`` takes new keys (``*`` matches one name)."""
    return any(fnmatchcase(path, pattern) and path.count(".") == pattern.count(".") for pattern in open_paths)


def merge(
    base: Tree, extra: Tree, *, open_paths: Sequence[str] = (), doc: str = "docs/configuration.md"
) -> Tree:
    """``extra`` over a copy of ``base``; ``base`` and ``extra`` are left as they were."""
    out = copy.deepcopy(base)
    _merge_into(out, extra, open_paths, doc)
    return out


def _merge_into(out: Tree, extra: Tree, open_paths: Sequence[str], doc: str) -> None:
    takes_new = is_open(out.path, open_paths)
    for key, value in extra.items():
        if key not in out:
            if not takes_new:
                raise ConfigError(
                    f"{extra.origin_of(key)}: unknown setting '{extra.name_of(key)}'.{did_you_mean(key, list(out))}",
                    fix=f"use one of: {', '.join(sorted(out))} ({doc})",
                )
            if value is None:
                continue
        elif value is None and takes_new:
            del out[key]
            out.key_origins.pop(key, None)
            continue
        current = out.get(key)
        if isinstance(current, Tree) and isinstance(value, Tree):
            _merge_into(current, value, open_paths, doc)
            continue
        if isinstance(current, Tree) and value is not None and not is_open(current.path, open_paths):
            raise ConfigError(
                f"{extra.where(key)}: must be a mapping of settings ({', '.join(sorted(current))}), "
                f"got {value!r}",
                fix=f"write '{key}:' followed by the keys to change ({doc})",
            )
        out[key] = _reparent(copy.deepcopy(value), out.name_of(key))
        out.key_origins[key] = extra.origin_of(key)


def _reparent(value: Any, path: str) -> Any:
    if isinstance(value, Tree):
        value.path = path
        for key, child in value.items():
            _reparent(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _reparent(child, f"{path}[{index}]")
    return value

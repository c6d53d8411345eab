"""Typed reads from a settings :class:`~cxradar.config._yaml.Tree`: each value is checked against the
type the code needs and, where asked, a range or a set of choices; a wrong value is a
:class:`~cxradar.errors.ConfigError` naming the file, line and setting, what was expected and what
was found.

Types are Python annotations: ``int``, ``float``, ``str``, ``bool``, ``X | None``, ``list[T]``,
``tuple[T, ...]``, ``dict[K, V]`` and ``Any``. A whole number is accepted for ``float``; ``bool`` is
never taken for a number; mapping keys written as numbers (``{1: 0.5}``) convert to ``int`` keys.
Written here rather than with a validation library because every message must carry the YAML
origin the loader kept, and the types in play are these few.
"""

from __future__ import annotations

import types
from collections.abc import Collection
from typing import Any, Union, get_args, get_origin

from cxradar.config._yaml import Tree
from cxradar.errors import ConfigError, did_you_mean

__all__ = ["check_keys", "convert", "section", "value"]

_NAMES = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}


def _describe(kind: Any) -> str:
    origin = get_origin(kind)
    if kind in _NAMES:
        return _NAMES[kind]
    if origin in (Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _describe(a) for a in get_args(kind))
    if origin in (list, tuple):
        return f"a list of {_describe(get_args(kind)[0])}"
    if origin is dict:
        return f"a mapping of {_describe(get_args(kind)[1])}"
    return str(kind)


class _Mismatch(Exception):
    pass


def convert(raw: Any, kind: Any) -> Any:
    """``raw`` as ``kind`` (see the module docstring); raises ``_Mismatch`` when it is not one."""
    if kind is Any:
        return raw
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        if raw is None and type(None) in get_args(kind):
            return None
        for option in get_args(kind):
            if option is type(None):
                continue
            try:
                return convert(raw, option)
            except _Mismatch:
                pass
        raise _Mismatch
    if origin in (list, tuple):
        if not isinstance(raw, list | tuple):
            raise _Mismatch
        items = [convert(item, get_args(kind)[0]) for item in raw]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(raw, dict):
            raise _Mismatch
        key_kind, value_kind = get_args(kind)
        out = {}
        for key, item in raw.items():
            if key_kind is int:
                if not str(key).lstrip("-").isdigit():
                    raise _Mismatch
                key = int(key)
            out[key_kind(key) if key_kind in (str, int) else key] = convert(item, value_kind)
        return out
    if kind is bool:
        if not isinstance(raw, bool):
            raise _Mismatch
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _Mismatch
        return raw
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise _Mismatch
        return float(raw)
    if kind is str:
        if not isinstance(raw, str):
            raise _Mismatch
        return raw
    raise TypeError(f"unsupported settings type {kind!r}")  # a programming error, not a user one


def value(
    tree: Tree,
    key: str,
    kind: Any,
    *,
    choices: Collection[Any] | None = None,
    low: float | None = None,
    high: float | None = None,
    fix: str = "see docs/configuration.md",
) -> Any:
    """``tree[key]`` checked to be ``kind`` (and among ``choices`` / within ``[low, high]``)."""
    if key not in tree:
        raise ConfigError(
            f"{tree.where()}: the setting '{tree.name_of(key)}' is missing",
            fix="restore it in the shipped file under conf/ (it is the only place defaults live)",
        )
    raw = tree[key]
    try:
        out = convert(raw, kind)
    except _Mismatch:
        raise ConfigError(f"{tree.where(key)} must be {_describe(kind)}, got {raw!r}", fix=fix) from None
    if choices is not None:
        for item in out if isinstance(out, list | tuple) else [out]:
            if item not in choices:
                raise ConfigError(
                    f"{tree.where(key)}: '{item}' is not allowed.{did_you_mean(str(item), map(str, choices))}",
                    fix=f"use one of: {', '.join(map(str, choices))}",
                )
    if out is not None and (low is not None or high is not None):
        numbers = out.values() if isinstance(out, dict) else out if isinstance(out, list | tuple) else [out]
        for number in numbers:
            if (low is not None and number < low) or (high is not None and number > high):
                bounds = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
                raise ConfigError(f"{tree.where(key)} = {number} is outside {bounds}", fix=fix)
    return out


def section(tree: Tree, key: str) -> Tree:
    """The nested mapping ``tree[key]`` (an error naming file:line when it is not a mapping)."""
    raw = tree.get(key)
    if not isinstance(raw, Tree):
        raise ConfigError(
            f"{tree.where(key)} must be a mapping of settings, got {raw!r}",
            fix="see docs/configuration.md for its keys",
        )
    return raw


def check_keys(tree: Any, allowed: Collection[str], *, what: str, fix: str) -> None:
    """Every key of the mapping ``tree`` is one of ``allowed`` (for free-form entries such as a
    churn definition or a touchpoint, whose keys the merge cannot check against the shipped file)."""
    if not isinstance(tree, Tree):
        raise ConfigError(f"{what} must be a mapping, got {tree!r}", fix=fix)
    for key in tree:
        if key not in allowed:
            raise ConfigError(
                f"{tree.where(key)}: unknown field '{key}' of {what}.{did_you_mean(key, allowed)}",
                fix=f"use one of: {', '.join(sorted(allowed))} ({fix})",
            )

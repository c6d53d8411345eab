"""Model settings: a view over the ``models`` section (``conf/models.yaml``: defaults per model kind,
the threshold rule and the reason-sentence templates), returned as plain dicts.

A monthly run configured with a ``models:`` section makes its settings the ones every
:func:`~cxradar.models.make_model` and reason sentence uses inside the run
(:func:`using_settings`); everywhere else the shipped file (or the file passed) applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from cxradar.config import Tree, load_section, section, value
from cxradar.models.thresholds import THRESHOLD_RULES

__all__ = ["THRESHOLD_RULES", "load_settings", "settings_from_tree", "using_settings"]

_FIX = "see docs/models.md, section 'Settings'"
_ACTIVE: ContextVar[dict[str, Any] | None] = ContextVar("cxradar_model_settings", default=None)


def _plain(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {str(k): _plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_plain(v) for v in tree]
    return tree


def settings_from_tree(tree: Tree) -> dict[str, Any]:
    """The checked model settings as plain dicts (kinds, threshold, preprocess, reasons)."""
    threshold = section(tree, "threshold")
    value(threshold, "rule", str, choices=THRESHOLD_RULES, fix=_FIX)
    value(threshold, "target_precision", float, low=0, high=1, fix=_FIX)
    value(threshold, "capacity", float, low=0, high=1, fix=_FIX)
    preprocess = section(tree, "preprocess")
    value(preprocess, "rare_share", float, low=0, high=1, fix=_FIX)
    value(preprocess, "max_levels", int, low=1, fix=_FIX)
    kinds = section(tree, "kinds")
    for kind in kinds:
        section(kinds, kind)
    reasons = section(tree, "reasons")
    value(reasons, "top", int, low=0, fix=_FIX)
    for language in ("en", "zh"):
        for key in ("up", "down", "missing", "separator", "none"):
            value(section(reasons, language), key, str, fix=_FIX)
    plain: dict[str, Any] = _plain(tree)
    return plain


@lru_cache(maxsize=8)
def _load(path: str | None) -> dict[str, Any]:
    return settings_from_tree(load_section("models", path))


def load_settings(path: str | Path | None = None) -> dict[str, Any]:
    """The model settings: those of the run in progress (:func:`using_settings`), else the shipped
    ``conf/models.yaml`` with the user file ``path`` laid over it."""
    active = _ACTIVE.get()
    if path is None and active is not None:
        return active
    return _load(None if path is None else str(path))


@contextmanager
def using_settings(settings: dict[str, Any]) -> Iterator[None]:
    """Within the block, :func:`load_settings` (and so ``make_model``) returns ``settings``."""
    token = _ACTIVE.set(settings)
    try:
        yield
    finally:
        _ACTIVE.reset(token)

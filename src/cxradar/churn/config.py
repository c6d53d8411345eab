"""Typed churn settings: a view over the ``churn`` section (``conf/churn.yaml``: definitions,
exclusions, training, scoring, corporate-group alerts, multi-SIM), checked when loaded.

A user file overrides any subset of keys (:func:`cxradar.config.load_section`); an unknown key is a
:class:`~cxradar.errors.ConfigError` naming the user's file:line with "did you mean", so a typo
never leaves a default in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxradar.config import Tree, check_keys, load_section, override, section, value
from cxradar.errors import ConfigError, did_you_mean

__all__ = [
    "DEFINITION_KINDS",
    "EXCLUSIONS",
    "ChurnConfig",
    "Definition",
    "churn_from_tree",
    "load_churn_config",
]

DEFINITION_KINDS = ("status", "brand_downgrade", "arpu_drop")
EXCLUSIONS = ("short_tenure", "passive_churn", "group_paid", "non_local")
_FIX = "see conf/churn.yaml and docs/churn.md"


@dataclass(frozen=True)
class Definition:
    """One churn definition: its ``kind`` and the kind's parameters."""

    name: str
    kind: str
    en: str
    zh: str
    params: dict[str, Any]


@dataclass(frozen=True)
class ChurnConfig:
    """All churn settings; sections are plain dicts, definitions are :class:`Definition`."""

    horizon_months: int
    definition: str
    definitions: dict[str, Definition]
    exclusions: dict[str, dict[str, Any]]
    training: dict[str, Any]
    scoring: dict[str, Any]
    groups: dict[str, Any]
    multi_sim: dict[str, Any]

    @property
    def main(self) -> Definition:
        """The definition the model is trained and scored on."""
        return self.definitions[self.definition]

    def excluded(self, name: str) -> bool:
        return bool(self.exclusions.get(name, {}).get("enabled", False))


_DEFINITION_FIELDS = {
    "status": {"churn_types", "reasons"},
    "brand_downgrade": {"from_brands", "to_brands"},
    "arpu_drop": {"baseline_months", "drop_share", "min_baseline", "count_leavers"},
}


def _definition(name: str, raw: Any, where: Tree) -> Definition:
    if not isinstance(raw, Tree):
        raise ConfigError(f"{where.where(name)} must be a mapping with 'kind'", fix=_FIX)
    kind = value(raw, "kind", str, choices=DEFINITION_KINDS, fix=f"use one of {', '.join(DEFINITION_KINDS)}")
    check_keys(
        raw, {"kind", "en", "zh", *_DEFINITION_FIELDS[kind]}, what=f"churn definition '{name}'", fix=_FIX
    )
    params = {k: v for k, v in raw.items() if k not in ("kind", "en", "zh")}
    return Definition(name, kind, str(raw.get("en", name)), str(raw.get("zh", name)), params)


def churn_from_tree(data: Tree) -> ChurnConfig:
    """Typed churn settings from the effective ``churn`` section."""
    horizon = value(data, "horizon_months", int, low=1, high=6, fix="e.g. horizon_months: 3")
    raw_definitions = section(data, "definitions")
    definitions = {name: _definition(name, raw, raw_definitions) for name, raw in raw_definitions.items()}
    main = value(data, "definition", str, choices=list(definitions), fix="or pass --definition")
    exclusions = section(data, "exclusions")
    unknown = [k for k in exclusions if k not in EXCLUSIONS]
    if unknown:
        raise ConfigError(
            f"{exclusions.where(unknown[0])}: exclusion '{unknown[0]}' is unknown."
            f"{did_you_mean(unknown[0], EXCLUSIONS)}",
            fix=f"exclusions are {', '.join(EXCLUSIONS)}",
        )
    for name in exclusions:
        value(section(exclusions, name), "enabled", bool, fix=_FIX)
    training = section(data, "training")
    value(training, "train_months", int, low=1, fix=_FIX)
    value(training, "kinds", list[str], fix=_FIX)
    for key in ("satisfaction_signals", "validate_in_step"):
        value(training, key, bool, fix=_FIX)
    value(training, "max_train_rows", int, low=1, fix=_FIX)
    value(training, "max_churner_share", float, low=0.01, high=1, fix=_FIX)
    scoring = section(data, "scoring")
    value(scoring, "list_share", float, low=0, high=1, fix=_FIX)
    value(scoring, "top_factors", int, low=0, fix=_FIX)
    return ChurnConfig(
        horizon_months=horizon,
        definition=main,
        definitions=definitions,
        exclusions={k: dict(v) for k, v in exclusions.items()},
        training=dict(training),
        scoring=dict(scoring),
        groups=dict(section(data, "groups")),
        multi_sim=dict(section(data, "multi_sim")),
    )


def load_churn_config(path: Path | str | None = None, **overrides: Any) -> ChurnConfig:
    """The shipped settings, overridden by the keys of a user YAML file, then by ``overrides``
    (top-level keys, e.g. ``horizon_months=2``)."""
    tree = load_section("churn", path)
    if overrides:
        tree = override("churn", tree, overrides)
    return churn_from_tree(tree)

"""Typed churn settings read from ``conf/churn.yaml`` (definitions, exclusions, training,
scoring, corporate-group alerts, multi-SIM), checked when loaded.

A user file overrides any subset of keys (deep merge); an unknown key is a
:class:`~cxradar.errors.ConfigError` with "did you mean", so a typo never leaves a default in place.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError, did_you_mean

__all__ = ["DEFINITION_KINDS", "EXCLUSIONS", "ChurnConfig", "Definition", "load_churn_config"]

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


def _merge(base: dict[str, Any], extra: dict[str, Any], source: str, path: str = "") -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in out and path != "definitions" and not path.startswith("training.model_params"):
            raise ConfigError(
                f"{source}: unknown churn setting '{where}'.{did_you_mean(key, list(out))}", fix=_FIX
            )
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value, source, where)
        else:
            out[key] = value
    return out


def _definition(name: str, raw: dict[str, Any]) -> Definition:
    kind = raw.get("kind")
    if kind not in DEFINITION_KINDS:
        raise ConfigError(
            f"conf/churn.yaml: definitions.{name}.kind '{kind}' is unknown.{did_you_mean(str(kind), DEFINITION_KINDS)}",
            fix=f"use one of {', '.join(DEFINITION_KINDS)}",
        )
    params = {k: v for k, v in raw.items() if k not in ("kind", "en", "zh")}
    return Definition(name, str(kind), str(raw.get("en", name)), str(raw.get("zh", name)), params)


def _from_dict(data: dict[str, Any]) -> ChurnConfig:
    horizon = int(data["horizon_months"])
    if not 1 <= horizon <= 6:
        raise ConfigError(
            f"conf/churn.yaml: horizon_months {horizon} is not in 1..6", fix="e.g. horizon_months: 3"
        )
    definitions = {name: _definition(name, raw) for name, raw in data["definitions"].items()}
    if data["definition"] not in definitions:
        raise ConfigError(
            f"conf/churn.yaml: definition '{data['definition']}' is not defined."
            f"{did_you_mean(str(data['definition']), definitions)}",
            fix=f"use one of {', '.join(definitions)} (or --definition)",
        )
    unknown = [k for k in data["exclusions"] if k not in EXCLUSIONS]
    if unknown:
        raise ConfigError(
            f"conf/churn.yaml: exclusion '{unknown[0]}' is unknown.{did_you_mean(unknown[0], EXCLUSIONS)}",
            fix=f"exclusions are {', '.join(EXCLUSIONS)}",
        )
    return ChurnConfig(
        horizon_months=horizon,
        definition=str(data["definition"]),
        definitions=definitions,
        exclusions=dict(data["exclusions"]),
        training=dict(data["training"]),
        scoring=dict(data["scoring"]),
        groups=dict(data["groups"]),
        multi_sim=dict(data["multi_sim"]),
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read churn settings {path}: {error}", fix=_FIX) from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of churn settings", fix=_FIX)
    return data


def load_churn_config(path: Path | str | None = None, **overrides: Any) -> ChurnConfig:
    """The shipped settings, overridden by the keys of a user YAML file, then by ``overrides``
    (top-level keys, e.g. ``horizon_months=2``)."""
    base = _read(conf_path("churn.yaml"))
    base.pop("version", None)
    if path is not None:
        extra = _read(Path(path))
        extra.pop("version", None)
        base = _merge(base, extra, str(path))
    if overrides:
        base = _merge(base, overrides, "overrides")
    return _from_dict(base)

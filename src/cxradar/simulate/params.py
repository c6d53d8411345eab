"""The simulator's parameters: base rates and magnitudes read from ``conf/simulator.yaml``.

The file is the single place where the synthetic operator's numbers live; a user file can
override any subset of keys (deep merge). Unknown keys are a :class:`ConfigError` with a
did-you-mean, so a typo never silently leaves a default in place.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError, did_you_mean

__all__ = ["DIMENSIONS", "SEGMENTS", "SimulatorParams", "load_params"]

SEGMENTS = ("high_end", "data", "enterprise", "mass")
DIMENSIONS = ("network", "value", "service", "billing")


def _merge(base: dict[str, Any], extra: dict[str, Any], where: str) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if key not in out:
            raise ConfigError(
                f"{where}: unknown simulator parameter '{key}'.{did_you_mean(key, list(out))}",
                fix="see conf/simulator.yaml for the parameters and docs/simulator.md for their meaning",
            )
        if isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value, f"{where}.{key}")
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class SimulatorParams:
    """All simulator parameters as a nested mapping (sections of ``conf/simulator.yaml``)."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, section: str) -> Any:
        try:
            return self.values[section]
        except KeyError:
            raise ConfigError(
                f"simulator parameters have no section '{section}'.{did_you_mean(section, self.values)}",
                fix="see conf/simulator.yaml",
            ) from None

    def by_segment(self, section: str, key: str) -> dict[str, float]:
        """A per-segment mapping such as ``arpu`` or ``voice.mean``, checked to cover every segment."""
        raw = self[section] if key == "" else self[section][key]
        missing = [s for s in SEGMENTS if s not in raw]
        if missing:
            raise ConfigError(
                f"simulator parameter {section}.{key} lacks segment(s) {missing}",
                fix=f"give a value for each of {', '.join(SEGMENTS)} in conf/simulator.yaml",
            )
        return {s: float(raw[s]) for s in SEGMENTS}

    def with_overrides(self, overrides: dict[str, Any]) -> SimulatorParams:
        """A copy with some keys replaced (nested mappings merge)."""
        return SimulatorParams(_merge(self.values, overrides, "overrides"))


def load_params(path: Path | None = None) -> SimulatorParams:
    """The shipped parameters, optionally overridden by the keys of a user YAML file."""
    base_path = conf_path("simulator.yaml")
    try:
        base = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read {base_path}: {error}", fix="restore conf/simulator.yaml") from error
    params = SimulatorParams(base)
    if path is None:
        return params
    try:
        extra = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(
            f"cannot read simulator parameters {path}: {error}", fix="fix the YAML file"
        ) from error
    if not isinstance(extra, dict):
        raise ConfigError(f"{path}: expected a mapping of parameters", fix="see conf/simulator.yaml")
    return SimulatorParams(_merge(base, extra, str(path)))

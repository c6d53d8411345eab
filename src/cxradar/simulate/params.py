"""The simulator's parameters: base rates and magnitudes read from ``conf/simulator.yaml``.

The file is the single place where the synthetic operator's numbers live; a user file can
override any subset of keys (:func:`cxradar.config.load_section`). Unknown keys are a
:class:`ConfigError` naming the file and line with a did-you-mean, so a typo never silently leaves
a default in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxradar.config import Origin, Tree, as_tree, load_section, override
from cxradar.errors import ConfigError, did_you_mean

__all__ = ["DIMENSIONS", "SEGMENTS", "SimulatorParams", "load_params"]

SEGMENTS = ("high_end", "data", "enterprise", "mass")
DIMENSIONS = ("network", "value", "service", "billing")


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
        base = self.values if isinstance(self.values, Tree) else as_tree(self.values, Origin("parameters"))
        return SimulatorParams(override("simulator", base, overrides))


def load_params(path: Path | None = None) -> SimulatorParams:
    """The shipped parameters, optionally overridden by the keys of a user YAML file."""
    return SimulatorParams(load_section("simulator", path))

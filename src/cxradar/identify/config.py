"""Typed settings of identification, read from ``conf/identify.yaml`` and checked at load time.

An unknown key is a :class:`~cxradar.errors.ConfigError` with "did you mean"; thresholds left
``null`` fall back to the data contract (the post-contact rating scale of ``contacts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.contract import load_contracts
from cxradar.errors import ConfigError, did_you_mean

__all__ = ["IdentifyConfig", "PoolConfig", "PotentialConfig", "load_identify_config"]


@dataclass(frozen=True)
class PoolConfig:
    """Entry and exit rules of the explicit pool."""

    low_rating_at_or_below: int = 2
    good_rating_at_or_above: int = 4
    low_survey_at_or_below: int = 6
    good_survey_at_or_above: int = 8
    complaint_types: tuple[str, ...] = ("network", "billing", "marketing", "service", "other")
    quiet_days_after_care: int = 60
    warmup_months: int = 2


@dataclass(frozen=True)
class PotentialConfig:
    """Rules of the three kinds of potentially dissatisfied customers."""

    silent_window_months: int = 3
    silent_min_probability: float | None = None
    severity_weights: dict[int, float] = field(default_factory=lambda: {1: 0.5, 2: 1.0, 3: 2.0})
    incident_type_weights: dict[str, float] = field(
        default_factory=lambda: {
            "network_outage": 1.0,
            "network_degradation": 0.5,
            "billing_error": 1.0,
            "system_failure": 0.5,
        }
    )
    account_incident_hours: float = 4.0
    incident_window_months: int = 1
    incident_min_exposure: float = 2.0
    incident_min_share: float = 0.2
    incident_max_hours: float = 72.0
    incident_min_probability: float = 0.0
    label_at_or_below: int = 6
    train_window_months: int = 3
    holdout_share: float = 0.3
    holdout_seed: int = 20260
    causes: tuple[str, ...] = ("network", "billing", "service", "value", "unknown")
    exclude_features: tuple[str, ...] = ("survey",)
    threshold_rule: str = "balanced"
    target_precision: float = 0.6
    capacity: float = 0.1
    seed_floors: dict[str, float] = field(
        default_factory=lambda: {"precision": 0.60, "recall": 0.60, "lift": 3.0}
    )
    calibration: str = "none"
    cross_validate_below: int = 0
    cause_keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    model_params: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class IdentifyConfig:
    """All identification settings; ``source`` names the file they came from."""

    pool: PoolConfig = field(default_factory=PoolConfig)
    potential: PotentialConfig = field(default_factory=PotentialConfig)
    source: str = "defaults"


def _section(cls: type, raw: dict[str, Any], where: str, defaults: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    values: dict[str, Any] = dict(defaults)
    for key, value in (raw or {}).items():
        if key not in names:
            raise ConfigError(
                f"{where}: unknown setting '{key}'.{did_you_mean(key, names)}",
                fix=f"use one of: {', '.join(sorted(names))} (docs/identify.md)",
            )
        if value is None and key != "silent_min_probability":
            continue
        if isinstance(value, list):
            value = tuple(value)
        if key == "severity_weights":
            value = {int(k): float(v) for k, v in value.items()}
        if key == "cause_keywords":
            value = {str(k): tuple(str(x) for x in v) for k, v in value.items()}
        if key == "model_params":
            value = {str(k): dict(v or {}) for k, v in value.items()}
        if key in ("incident_type_weights", "seed_floors"):
            value = {str(k): float(v) for k, v in value.items()}
        values[key] = value
    try:
        return cls(**values)
    except TypeError as error:  # pragma: no cover - guarded by the name check above
        raise ConfigError(f"{where}: {error}", fix="see docs/identify.md") from error


def load_identify_config(path: Path | None = None) -> IdentifyConfig:
    """Read identification settings (default: the shipped ``conf/identify.yaml``)."""
    source = path or conf_path("identify.yaml")
    try:
        raw = yaml.safe_load(Path(source).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(
            f"cannot read {source}: {error}", fix="fix the YAML or pass another --config"
        ) from error
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping at the top", fix="see docs/identify.md")
    for key in raw:
        if key not in ("pool", "potential"):
            raise ConfigError(
                f"{source}: unknown section '{key}'.{did_you_mean(key, ['pool', 'potential'])}",
                fix="use the sections 'pool' and 'potential' (docs/identify.md)",
            )
    scale = load_contracts()["contacts"].rating_scale
    pool_defaults = {
        "low_rating_at_or_below": scale.get("low_at_or_below", 2),
        "good_rating_at_or_above": scale.get("good_at_or_above", 4),
    }
    pool = _section(PoolConfig, raw.get("pool") or {}, f"{source} [pool]", pool_defaults)
    potential = _section(PotentialConfig, raw.get("potential") or {}, f"{source} [potential]", {})
    if not 0 < potential.holdout_share < 1:
        raise ConfigError(
            f"{source} [potential]: holdout_share {potential.holdout_share} is outside (0, 1)",
            fix="set potential.holdout_share to e.g. 0.3",
        )
    rules = ("balanced", "seed_floors", "max_f1", "target_precision", "capacity")
    if potential.threshold_rule not in rules:
        raise ConfigError(
            f"{source} [potential]: threshold_rule '{potential.threshold_rule}' is unknown."
            f"{did_you_mean(potential.threshold_rule, rules)}",
            fix=f"use one of: {', '.join(rules)} (docs/identify.md)",
        )
    if potential.calibration not in ("none", "sigmoid", "isotonic"):
        raise ConfigError(
            f"{source} [potential]: calibration '{potential.calibration}' is unknown."
            f"{did_you_mean(potential.calibration, ('none', 'sigmoid', 'isotonic'))}",
            fix="use none, sigmoid or isotonic (docs/identify.md)",
        )
    unknown_floors = set(potential.seed_floors) - {"precision", "recall", "lift"}
    if unknown_floors:
        raise ConfigError(
            f"{source} [potential]: seed_floors has unknown key(s) {sorted(unknown_floors)}",
            fix="use precision, recall and lift (docs/identify.md)",
        )
    return IdentifyConfig(pool=pool, potential=potential, source=str(source))

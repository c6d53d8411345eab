"""Campaign settings from ``conf/care/campaign.yaml``: control-group power, costs, index scale."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError, reject_unknown_keys

__all__ = ["CampaignConfig", "load_campaign_config"]

_TOP = {
    "version", "control", "cost_per_action", "remedy_cost", "value_horizon_months",
    "index_points_per_scale_point", "resolved_at_or_above", "confidence",
}  # fmt: skip
_CONTROL = {"min_share", "max_share", "effect_to_detect", "outcome_sd", "alpha", "power"}


@dataclass(frozen=True)
class CampaignConfig:
    """Validated campaign settings (defaults equal the shipped file)."""

    min_control_share: float = 0.05
    max_control_share: float = 0.5
    effect_to_detect: float = 0.3
    outcome_sd: float = 1.8
    alpha: float = 0.05
    power: float = 0.8
    cost_per_action: dict[str, float] = field(
        default_factory=lambda: {"outbound": 3.0, "sms": 0.05, "app": 0.01, "hall": 5.0, "hotline": 4.0}
    )
    remedy_cost: dict[str, float] = field(
        default_factory=lambda: {"network": 10.0, "billing": 20.0, "value": 15.0, "service": 8.0}
    )
    value_horizon_months: float = 12.0
    index_points_per_scale_point: float = 10.0
    resolved_at_or_above: float = 8.0
    confidence: float = 0.95


def _check(data: dict[str, Any], allowed: set[str], path: Path, where: str) -> None:
    reject_unknown_keys(
        data, allowed, where=f"{path}: {where}",
        fix=f"use one of: {', '.join(sorted(allowed))} (docs/care.md#campaigns)",
    )  # fmt: skip


def load_campaign_config(path: Path | None = None) -> CampaignConfig:
    """Load and validate the campaign settings (default ``conf/care/campaign.yaml``)."""
    path = Path(path) if path is not None else conf_path("care", "campaign.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(
            f"cannot read {path}: {error}", fix="pass a valid YAML file (docs/care.md#campaigns)"
        ) from error
    _check(data, _TOP, path, "top level")
    control = data.get("control") or {}
    _check(control, _CONTROL, path, "control")
    d = CampaignConfig()
    cfg = CampaignConfig(
        min_control_share=float(control.get("min_share", d.min_control_share)),
        max_control_share=float(control.get("max_share", d.max_control_share)),
        effect_to_detect=float(control.get("effect_to_detect", d.effect_to_detect)),
        outcome_sd=float(control.get("outcome_sd", d.outcome_sd)),
        alpha=float(control.get("alpha", d.alpha)),
        power=float(control.get("power", d.power)),
        cost_per_action={
            **d.cost_per_action,
            **{k: float(v) for k, v in (data.get("cost_per_action") or {}).items()},
        },
        remedy_cost={**d.remedy_cost, **{k: float(v) for k, v in (data.get("remedy_cost") or {}).items()}},
        value_horizon_months=float(data.get("value_horizon_months", d.value_horizon_months)),
        index_points_per_scale_point=float(
            data.get("index_points_per_scale_point", d.index_points_per_scale_point)
        ),
        resolved_at_or_above=float(data.get("resolved_at_or_above", d.resolved_at_or_above)),
        confidence=float(data.get("confidence", d.confidence)),
    )
    if not 0 < cfg.min_control_share <= cfg.max_control_share < 1:
        raise ConfigError(
            f"{path}: control shares must satisfy 0 < min_share <= max_share < 1", fix="e.g. 0.05 and 0.5"
        )
    if not 0 < cfg.alpha < 1 or not 0 < cfg.power < 1 or not 0 < cfg.confidence < 1:
        raise ConfigError(
            f"{path}: alpha, power and confidence must lie in (0, 1)", fix="e.g. alpha 0.05, power 0.8"
        )
    return cfg

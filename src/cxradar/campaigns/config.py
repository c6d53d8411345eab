"""Campaign settings: a view over the ``campaign`` section (``conf/care/campaign.yaml``: control-group
power, costs, index scale). The shipped file is the only source of values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxradar.config import Tree, load_section, section, value
from cxradar.errors import ConfigError

__all__ = ["CampaignConfig", "campaign_from_tree", "load_campaign_config"]

_FIX = "see docs/care.md#campaigns"


@dataclass(frozen=True)
class CampaignConfig:
    """Validated campaign settings."""

    min_control_share: float
    max_control_share: float
    effect_to_detect: float
    outcome_sd: float
    alpha: float
    power: float
    cost_per_action: dict[str, float]
    remedy_cost: dict[str, float]
    value_horizon_months: float
    index_points_per_scale_point: float
    resolved_at_or_above: float
    confidence: float


def campaign_from_tree(data: Tree) -> CampaignConfig:
    """Typed campaign settings from the effective ``campaign`` section."""
    control = section(data, "control")
    share = {k: value(control, k, float, low=0, high=1, fix=_FIX) for k in ("min_share", "max_share")}
    if not 0 < share["min_share"] <= share["max_share"] < 1:
        raise ConfigError(
            f"{control.where()}: control shares must satisfy 0 < min_share <= max_share < 1",
            fix="e.g. 0.05 and 0.5",
        )
    unit = {k: value(control, k, float, fix=_FIX) for k in ("alpha", "power")}
    unit["confidence"] = value(data, "confidence", float, fix=_FIX)
    for key, number in unit.items():
        if not 0 < number < 1:
            owner = data if key == "confidence" else control
            raise ConfigError(
                f"{owner.where(key)} = {number} must lie in (0, 1)", fix="e.g. alpha 0.05, power 0.8"
            )
    return CampaignConfig(
        min_control_share=share["min_share"],
        max_control_share=share["max_share"],
        effect_to_detect=value(control, "effect_to_detect", float, low=0, fix=_FIX),
        outcome_sd=value(control, "outcome_sd", float, low=0, fix=_FIX),
        alpha=unit["alpha"],
        power=unit["power"],
        cost_per_action=value(data, "cost_per_action", dict[str, float], low=0, fix=_FIX),
        remedy_cost=value(data, "remedy_cost", dict[str, float], low=0, fix=_FIX),
        value_horizon_months=value(data, "value_horizon_months", float, low=0, fix=_FIX),
        index_points_per_scale_point=value(data, "index_points_per_scale_point", float, fix=_FIX),
        resolved_at_or_above=value(data, "resolved_at_or_above", float, fix=_FIX),
        confidence=unit["confidence"],
    )


def load_campaign_config(path: Path | None = None) -> CampaignConfig:
    """The shipped ``conf/care/campaign.yaml`` with the keys of the user file ``path`` laid over it."""
    return campaign_from_tree(load_section("campaign", path))

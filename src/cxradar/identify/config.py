"""Typed settings of identification: a view over the ``identify`` section (``conf/identify.yaml``).

The shipped file is the only source of values (these dataclasses have no defaults); a user file
names only the keys it changes (:func:`cxradar.config.load_section`). Two thresholds left ``null``
fall back to the data contract (the post-contact rating scale of ``contacts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxradar.config import Tree, load_section, section, value
from cxradar.contract import load_contracts
from cxradar.errors import ConfigError
from cxradar.models.thresholds import THRESHOLD_RULES

__all__ = ["IdentifyConfig", "PoolConfig", "PotentialConfig", "identify_from_tree", "load_identify_config"]

_FIX = "see docs/identify.md"
CALIBRATIONS = ("none", "sigmoid", "isotonic")
# the rules of cxradar.identify.operating.RULES (spelled here: loading settings imports no sklearn)
RULES = ("balanced", "seed_floors", *[r for r in THRESHOLD_RULES if r != "balanced"])
SEED_FLOOR_KEYS = ("precision", "recall", "lift")


@dataclass(frozen=True)
class PoolConfig:
    """Entry and exit rules of the explicit pool."""

    low_rating_at_or_below: int
    good_rating_at_or_above: int
    low_survey_at_or_below: int
    good_survey_at_or_above: int
    complaint_types: tuple[str, ...]
    quiet_days_after_care: int
    warmup_months: int


@dataclass(frozen=True)
class PotentialConfig:
    """Rules of the three kinds of potentially dissatisfied customers."""

    silent_window_months: int
    silent_min_probability: float | None
    severity_weights: dict[int, float]
    incident_type_weights: dict[str, float]
    account_incident_hours: float
    incident_window_months: int
    incident_min_exposure: float
    incident_min_share: float
    incident_max_hours: float
    incident_min_probability: float
    label_at_or_below: int
    train_window_months: int  # the shortest training window (the last N survey months)
    train_max_window_months: int  # ... reached back to, while respondents are fewer than:
    train_min_respondents: int
    holdout_share: float
    holdout_seed: int
    causes: tuple[str, ...]
    exclude_features: tuple[str, ...]
    threshold_rule: str
    target_precision: float
    capacity: float
    seed_floors: dict[str, float]  # precision, recall, lift: the seed's figures (threshold_rule seed_floors)
    calibration: str  # none | sigmoid | isotonic, on out-of-fold predictions with the survey weights
    cross_validate_below: int  # fewer training respondents: none held out, the report is cross-validated
    train_max_respondents: int  # more held-in respondents: a seeded subset of this many is fitted (0: all)
    cause_keywords: dict[str, tuple[str, ...]]
    model_params: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class IdentifyConfig:
    """All identification settings; ``source`` names the user file they came from (or the shipped one)."""

    pool: PoolConfig
    potential: PotentialConfig
    source: str


def _pool(tree: Tree) -> PoolConfig:
    scale = load_contracts()["contacts"].rating_scale
    low = value(tree, "low_rating_at_or_below", int | None, low=0, fix=_FIX)
    good = value(tree, "good_rating_at_or_above", int | None, low=0, fix=_FIX)
    return PoolConfig(
        low_rating_at_or_below=int(scale["low_at_or_below"]) if low is None else low,
        good_rating_at_or_above=int(scale["good_at_or_above"]) if good is None else good,
        low_survey_at_or_below=value(tree, "low_survey_at_or_below", int, low=1, high=10, fix=_FIX),
        good_survey_at_or_above=value(tree, "good_survey_at_or_above", int, low=1, high=10, fix=_FIX),
        complaint_types=value(tree, "complaint_types", tuple[str, ...], fix=_FIX),
        quiet_days_after_care=value(tree, "quiet_days_after_care", int, low=0, fix=_FIX),
        warmup_months=value(tree, "warmup_months", int, low=0, fix=_FIX),
    )


def _potential(tree: Tree) -> PotentialConfig:
    share = value(tree, "holdout_share", float, fix=_FIX)
    if not 0 < share < 1:
        raise ConfigError(f"{tree.where('holdout_share')} = {share} is outside (0, 1)", fix="e.g. 0.3")
    params = value(tree, "model_params", dict[str, dict[str, Any] | None], fix=_FIX)
    floors = value(tree, "seed_floors", dict[str, float], low=0, fix=_FIX)
    if set(floors) != set(SEED_FLOOR_KEYS):
        raise ConfigError(
            f"{tree.where('seed_floors')} must name exactly {', '.join(SEED_FLOOR_KEYS)}, got {', '.join(floors)}",
            fix="e.g. seed_floors: {precision: 0.60, recall: 0.60, lift: 3.0} (docs/identify.md)",
        )
    shortest = value(tree, "train_window_months", int, low=1, fix=_FIX)
    longest = value(tree, "train_max_window_months", int, low=1, fix=_FIX)
    if longest < shortest:
        raise ConfigError(
            f"{tree.where('train_max_window_months')} = {longest} is shorter than train_window_months = {shortest}",
            fix=f"set train_max_window_months to at least {shortest} (docs/identify.md)",
        )
    return PotentialConfig(
        silent_window_months=value(tree, "silent_window_months", int, low=1, fix=_FIX),
        silent_min_probability=value(tree, "silent_min_probability", float | None, low=0, high=1, fix=_FIX),
        severity_weights=value(tree, "severity_weights", dict[int, float], low=0, fix=_FIX),
        incident_type_weights=value(tree, "incident_type_weights", dict[str, float], low=0, fix=_FIX),
        account_incident_hours=value(tree, "account_incident_hours", float, low=0, fix=_FIX),
        incident_window_months=value(tree, "incident_window_months", int, low=1, fix=_FIX),
        incident_min_exposure=value(tree, "incident_min_exposure", float, low=0, fix=_FIX),
        incident_min_share=value(tree, "incident_min_share", float, low=0, high=1, fix=_FIX),
        incident_max_hours=value(tree, "incident_max_hours", float, low=0, fix=_FIX),
        incident_min_probability=value(tree, "incident_min_probability", float, low=0, high=1, fix=_FIX),
        label_at_or_below=value(tree, "label_at_or_below", int, low=1, high=10, fix=_FIX),
        train_window_months=shortest,
        train_max_window_months=longest,
        train_min_respondents=value(tree, "train_min_respondents", int, low=0, fix=_FIX),
        holdout_share=share,
        holdout_seed=value(tree, "holdout_seed", int, fix=_FIX),
        causes=value(tree, "causes", tuple[str, ...], fix=_FIX),
        exclude_features=value(tree, "exclude_features", tuple[str, ...], fix=_FIX),
        threshold_rule=value(tree, "threshold_rule", str, choices=RULES, fix=_FIX),
        target_precision=value(tree, "target_precision", float, low=0, high=1, fix=_FIX),
        capacity=value(tree, "capacity", float, low=0, high=1, fix=_FIX),
        seed_floors=floors,
        calibration=value(tree, "calibration", str, choices=CALIBRATIONS, fix=_FIX),
        cross_validate_below=value(tree, "cross_validate_below", int, low=0, fix=_FIX),
        train_max_respondents=value(tree, "train_max_respondents", int, low=0, fix=_FIX),
        cause_keywords=value(tree, "cause_keywords", dict[str, tuple[str, ...]], fix=_FIX),
        model_params={kind: dict(p or {}) for kind, p in params.items()},
    )


def identify_from_tree(tree: Tree, source: str) -> IdentifyConfig:
    """Typed identification settings from the effective ``identify`` section."""
    return IdentifyConfig(
        pool=_pool(section(tree, "pool")), potential=_potential(section(tree, "potential")), source=source
    )


def load_identify_config(path: Path | None = None) -> IdentifyConfig:
    """The shipped ``conf/identify.yaml`` with the keys of the user file ``path`` laid over it."""
    tree = load_section("identify", path)
    return identify_from_tree(tree, str(path) if path is not None else str(tree.origin.file))

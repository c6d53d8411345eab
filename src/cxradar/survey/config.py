"""Settings of the survey, touchpoint, complaint and behaviour analytics, read from ``conf/survey.yaml``.

Thresholds are data: score bands, the core segments, touchpoint targets, complaint targets
(first-contact resolution 80 % / 85 % for value-added services in the seed) and labels all come
from that file. :func:`load_survey_config` checks the keys and values and names the file, key
and value of anything wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxradar.config import Tree, check_keys, load_section, section, value
from cxradar.errors import ConfigError

__all__ = ["Band", "ComplaintTargets", "SurveyConfig", "Touchpoint", "load_survey_config", "survey_from_tree"]

_DOC = "docs/survey.md#configuration"


@dataclass(frozen=True)
class Band:
    """An inclusive range of the 1-10 score with its labels."""

    name: str
    min: int
    max: int
    zh: str
    en: str


@dataclass(frozen=True)
class Touchpoint:
    """One 4S touchpoint item with its target mean score."""

    column: str
    target: float
    zh: str
    en: str


@dataclass(frozen=True)
class ComplaintTargets:
    """Targets for complaint handling."""

    fcr_target: float
    fcr_target_by_product: dict[str, float]
    resolve_hours_target: float
    resolve_share_target: float
    repeat_windows_days: tuple[int, ...]
    repeat_min: int
    pareto_share: float
    trend_months: int


@dataclass(frozen=True)
class SurveyConfig:
    """Everything the survey analytics read from ``conf/survey.yaml``."""

    high: Band
    low: Band
    core_segments: tuple[str, ...]
    alpha: float
    multiple_comparisons: str
    min_group_size: int
    touchpoints: tuple[Touchpoint, ...]
    touchpoint_bootstrap: int
    random_state: int
    complaints: ComplaintTargets
    behaviour_scores: tuple[str, ...]
    fdr_alpha: float
    min_respondents: int
    derived_labels: dict[str, tuple[str, str]]
    labels: dict[str, dict[str, tuple[str, str]]]

    def label(self, kind: str, value: str) -> tuple[str, str]:
        """``(zh, en)`` for a value of ``kind`` (segment, core...), falling back to the value itself."""
        pair = self.labels.get(kind, {}).get(str(value))
        return pair if pair is not None else (str(value), str(value))


def _share(tree: Tree, key: str) -> float:
    number = value(tree, key, float, fix=f"see {_DOC}")
    if not 0.0 < number <= 1.0:
        raise ConfigError(f"{tree.where(key)} must be a share in (0, 1]; got {number!r}", fix=f"see {_DOC}")
    return float(number)


def _band(bands: Tree, name: str) -> Band:
    spec = section(bands, name)
    check_keys(spec, {"min", "max", "zh", "en"}, what=f"bands.{name}", fix=_DOC)
    lo = value(spec, "min", int, fix=_DOC)
    hi = value(spec, "max", int, fix=_DOC)
    if not 1 <= lo <= hi <= 10:
        raise ConfigError(f"{spec.where()} = {lo}-{hi} is not inside 1-10", fix=f"see {_DOC}")
    return Band(name, lo, hi, value(spec, "zh", str, fix=_DOC), value(spec, "en", str, fix=_DOC))


def survey_from_tree(raw: Tree) -> SurveyConfig:
    """Typed survey settings from the effective ``survey`` section; errors name file:line."""
    bands = section(raw, "bands")
    high, low = _band(bands, "high"), _band(bands, "low")
    if low.max >= high.min:
        raise ConfigError(
            f"{bands.where()}: low ({low.max}) overlaps high ({high.min})",
            fix="make low.max smaller than high.min",
        )
    touchpoints = []
    for col, spec in section(raw, "touchpoints").items():
        check_keys(spec, {"target", "zh", "en"}, what=f"touchpoint '{col}'", fix=_DOC)
        touchpoints.append(
            Touchpoint(
                col,
                value(spec, "target", float, fix=_DOC),
                str(spec.get("zh", col)),
                str(spec.get("en", col)),
            )
        )
    comp = section(raw, "complaints")
    by_product = section(comp, "fcr_target_by_product")
    complaints = ComplaintTargets(
        fcr_target=_share(comp, "fcr_target"),
        fcr_target_by_product={str(k): _share(by_product, k) for k in by_product},
        resolve_hours_target=value(comp, "resolve_hours_target", float, low=0, fix=_DOC),
        resolve_share_target=_share(comp, "resolve_share_target"),
        repeat_windows_days=value(comp, "repeat_windows_days", tuple[int, ...], low=1, fix=_DOC),
        repeat_min=value(comp, "repeat_min", int, low=1, fix=_DOC),
        pareto_share=_share(comp, "pareto_share"),
        trend_months=value(comp, "trend_months", int, low=1, fix=_DOC),
    )
    beh = section(raw, "behaviour")
    derived = section(beh, "derived")
    for name, spec in derived.items():
        check_keys(spec, {"zh", "en"}, what=f"behaviour.derived.{name}", fix=_DOC)
    labels = {
        kind: {
            str(k): (str(v[0]), str(v[1]))
            for k, v in value(section(raw, "labels"), kind, dict[str, list[str]], fix=_DOC).items()
        }
        for kind in section(raw, "labels")
    }
    return SurveyConfig(
        high=high,
        low=low,
        core_segments=value(raw, "core_segments", tuple[str, ...], fix=_DOC),
        alpha=_share(raw, "alpha"),
        multiple_comparisons=value(raw, "multiple_comparisons", str, fix=_DOC),
        min_group_size=value(raw, "min_group_size", int, low=1, fix=_DOC),
        touchpoints=tuple(touchpoints),
        touchpoint_bootstrap=value(raw, "touchpoint_bootstrap", int, low=0, fix=_DOC),
        random_state=value(raw, "random_state", int, fix=_DOC),
        complaints=complaints,
        behaviour_scores=value(beh, "scores", tuple[str, ...], fix=_DOC),
        fdr_alpha=_share(beh, "fdr_alpha"),
        min_respondents=value(beh, "min_respondents", int, low=1, fix=_DOC),
        derived_labels={str(k): (str(v["zh"]), str(v["en"])) for k, v in derived.items()},
        labels=labels,
    )


def load_survey_config(path: Path | None = None) -> SurveyConfig:
    """The shipped ``conf/survey.yaml`` with the keys of the user file ``path`` laid over it."""
    return survey_from_tree(load_section("survey", path))

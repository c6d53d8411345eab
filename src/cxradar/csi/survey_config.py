"""Settings of the survey, touchpoint, complaint and behaviour analytics, read from ``conf/survey.yaml``.

Thresholds are data: score bands, the core segments, touchpoint targets, complaint targets
(first-contact resolution 80 % / 85 % for value-added services in the seed) and labels all come
from that file. :func:`load_survey_config` checks the keys and values and names the file, key
and value of anything wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError, reject_unknown_keys

__all__ = ["Band", "ComplaintTargets", "SurveyConfig", "Touchpoint", "load_survey_config"]

_TOP_KEYS = {
    "bands",
    "core_segments",
    "alpha",
    "multiple_comparisons",
    "min_group_size",
    "touchpoints",
    "touchpoint_bootstrap",
    "random_state",
    "complaints",
    "behaviour",
    "labels",
}
_COMPLAINT_KEYS = {
    "fcr_target",
    "fcr_target_by_product",
    "resolve_hours_target",
    "resolve_share_target",
    "repeat_windows_days",
    "repeat_min",
    "pareto_share",
    "trend_months",
}
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

    fcr_target: float = 0.80
    fcr_target_by_product: dict[str, float] = field(default_factory=lambda: {"value_added": 0.85})
    resolve_hours_target: float = 48.0
    resolve_share_target: float = 0.90
    repeat_windows_days: tuple[int, ...] = (30, 90)
    repeat_min: int = 2
    pareto_share: float = 0.80
    trend_months: int = 6


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


def _check_keys(found: dict[str, Any], allowed: set[str], where: str, path: Path) -> None:
    reject_unknown_keys(
        found, allowed, where=f"{path}: {where}", fix=f"use one of {sorted(allowed)} (see {_DOC})"
    )


def _fraction(value: Any, key: str, path: Path) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0.0 < number <= 1.0:
        raise ConfigError(f"{path}: {key} must be a share in (0, 1]; got {value!r}", fix=f"see {_DOC}")
    return number


def load_survey_config(path: Path | None = None) -> SurveyConfig:
    """Read and check the survey settings (default ``conf/survey.yaml``)."""
    path = path or conf_path("survey.yaml")
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise ConfigError(
            f"cannot read survey config {path}: {error}", fix="pass an existing --config file"
        ) from error
    _check_keys(raw, _TOP_KEYS, "the top level", path)
    bands = {}
    for name in ("high", "low"):
        spec = raw.get("bands", {}).get(name)
        if spec is None:
            raise ConfigError(
                f"{path}: bands.{name} is missing", fix=f"declare bands.{name}: {{min, max}} ({_DOC})"
            )
        lo, hi = int(spec["min"]), int(spec["max"])
        if not 1 <= lo <= hi <= 10:
            raise ConfigError(f"{path}: bands.{name} = {lo}-{hi} is not inside 1-10", fix=f"see {_DOC}")
        bands[name] = Band(name, lo, hi, str(spec.get("zh", name)), str(spec.get("en", name)))
    if bands["low"].max >= bands["high"].min:
        raise ConfigError(
            f"{path}: bands.low ({bands['low'].max}) overlaps bands.high ({bands['high'].min})",
            fix="make low.max smaller than high.min",
        )
    tps = tuple(
        Touchpoint(col, float(spec.get("target", 8.5)), str(spec.get("zh", col)), str(spec.get("en", col)))
        for col, spec in (raw.get("touchpoints") or {}).items()
    )
    comp_raw = raw.get("complaints") or {}
    _check_keys(comp_raw, _COMPLAINT_KEYS, "complaints", path)
    complaints = ComplaintTargets(
        fcr_target=_fraction(comp_raw.get("fcr_target", 0.80), "complaints.fcr_target", path),
        fcr_target_by_product={
            str(k): _fraction(v, f"complaints.fcr_target_by_product.{k}", path)
            for k, v in (comp_raw.get("fcr_target_by_product") or {}).items()
        },
        resolve_hours_target=float(comp_raw.get("resolve_hours_target", 48)),
        resolve_share_target=_fraction(
            comp_raw.get("resolve_share_target", 0.9), "resolve_share_target", path
        ),
        repeat_windows_days=tuple(int(d) for d in comp_raw.get("repeat_windows_days", (30, 90))),
        repeat_min=int(comp_raw.get("repeat_min", 2)),
        pareto_share=_fraction(comp_raw.get("pareto_share", 0.8), "complaints.pareto_share", path),
        trend_months=int(comp_raw.get("trend_months", 6)),
    )
    beh = raw.get("behaviour") or {}
    labels = {
        kind: {str(k): (str(v[0]), str(v[1])) for k, v in (values or {}).items()}
        for kind, values in (raw.get("labels") or {}).items()
    }
    return SurveyConfig(
        high=bands["high"],
        low=bands["low"],
        core_segments=tuple(str(s) for s in raw.get("core_segments", ("high_end", "data", "enterprise"))),
        alpha=_fraction(raw.get("alpha", 0.05), "alpha", path),
        multiple_comparisons=str(raw.get("multiple_comparisons", "holm")),
        min_group_size=int(raw.get("min_group_size", 10)),
        touchpoints=tps,
        touchpoint_bootstrap=int(raw.get("touchpoint_bootstrap", 200)),
        random_state=int(raw.get("random_state", 0)),
        complaints=complaints,
        behaviour_scores=tuple(str(s) for s in beh.get("scores", ("overall",))),
        fdr_alpha=_fraction(beh.get("fdr_alpha", 0.05), "behaviour.fdr_alpha", path),
        min_respondents=int(beh.get("min_respondents", 20)),
        derived_labels={str(k): (str(v["zh"]), str(v["en"])) for k, v in (beh.get("derived") or {}).items()},
        labels=labels,
    )

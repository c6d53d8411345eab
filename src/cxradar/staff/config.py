"""Settings of the staff and service-hall analytics, read from ``conf/staff.yaml``.

Targets are data: each role's internal-satisfaction target, the hall target, the follow-up items
with their weights and the external survey items each reflects, the survey items' targets, the
window, the follow-up deadline and the enough-data rules all come from that file through the one
configuration layer (:func:`cxradar.config.load_section`). A wrong key or value is a
:class:`~cxradar.errors.ConfigError` naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cxradar.config import Tree, check_keys, load_section, section, value
from cxradar.errors import ConfigError

__all__ = ["Item", "Role", "StaffConfig", "SurveyItem", "load_staff_config", "staff_from_tree"]

_DOC = "docs/staff.md#configuration"


@dataclass(frozen=True)
class Item:
    """One follow-up questionnaire item (column ``score_<name>`` of followups)."""

    name: str
    weight: float
    survey_items: tuple[str, ...]
    zh: str
    en: str

    @property
    def column(self) -> str:
        return f"score_{self.name}"


@dataclass(frozen=True)
class Role:
    """A first-touchpoint role with its target and the follow-up items it owns."""

    name: str
    target: float
    items: tuple[str, ...]
    zh: str
    en: str


@dataclass(frozen=True)
class SurveyItem:
    """An external survey item the staff own, with its target mean."""

    column: str
    target: float
    zh: str
    en: str


@dataclass(frozen=True)
class StaffConfig:
    """Everything the staff analytics read from ``conf/staff.yaml``."""

    window_months: int
    followup_days: float
    followup_weight: float
    rating_weight: float
    items: tuple[Item, ...]
    roles: tuple[Role, ...]
    hall_target: float
    survey_items: tuple[SurveyItem, ...]
    level: float
    min_contacts: int
    min_survey_answers: int
    bottom_share: float
    trend_months: int

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)

    def owners(self, survey_item: str) -> list[Role]:
        """Roles owning a follow-up item that reflects ``survey_item``."""
        reflecting = {i.name for i in self.items if survey_item in i.survey_items}
        return [r for r in self.roles if reflecting & set(r.items)]


def _labels(spec: Tree) -> tuple[str, str]:
    return value(spec, "zh", str, fix=_DOC), value(spec, "en", str, fix=_DOC)


def staff_from_tree(raw: Tree) -> StaffConfig:
    """Typed staff settings from the effective ``staff`` section; errors name file:line."""
    items = []
    for name, spec in section(raw, "items").items():
        check_keys(spec, {"weight", "survey_items", "zh", "en"}, what=f"items.{name}", fix=_DOC)
        items.append(
            Item(
                name,
                value(spec, "weight", float, low=0.0, fix=_DOC),
                value(spec, "survey_items", tuple[str, ...], fix=_DOC),
                *_labels(spec),
            )
        )
    if not items or sum(i.weight for i in items) <= 0:
        raise ConfigError(f"{raw.where('items')}: the item weights must add up to more than 0", fix=_DOC)
    names = {i.name for i in items}
    roles = []
    for name, spec in section(raw, "roles").items():
        check_keys(spec, {"target", "items", "zh", "en"}, what=f"roles.{name}", fix=_DOC)
        owned = value(spec, "items", tuple[str, ...], choices=names, fix=_DOC)
        roles.append(
            Role(name, value(spec, "target", float, low=1, high=10, fix=_DOC), owned, *_labels(spec))
        )
    survey_items = []
    for column, spec in section(raw, "survey_items").items():
        check_keys(spec, {"target", "zh", "en"}, what=f"survey_items.{column}", fix=_DOC)
        survey_items.append(
            SurveyItem(column, value(spec, "target", float, low=1, high=10, fix=_DOC), *_labels(spec))
        )
    sources = section(raw, "sources")
    followup = value(sources, "followup", float, low=0.0, fix=_DOC)
    rating = value(sources, "sms_rating", float, low=0.0, fix=_DOC)
    if followup + rating <= 0:
        raise ConfigError(f"{raw.where('sources')}: one source weight must be above 0", fix=_DOC)
    return StaffConfig(
        window_months=value(raw, "window_months", int, low=1, high=36, fix=_DOC),
        followup_days=value(raw, "followup_days", float, low=0.0, fix=_DOC),
        followup_weight=followup,
        rating_weight=rating,
        items=tuple(items),
        roles=tuple(roles),
        hall_target=value(raw, "hall_target", float, low=1, high=10, fix=_DOC),
        survey_items=tuple(survey_items),
        level=value(raw, "level", float, low=0.5, high=0.999, fix=_DOC),
        min_contacts=value(raw, "min_contacts", int, low=1, fix=_DOC),
        min_survey_answers=value(raw, "min_survey_answers", int, low=2, fix=_DOC),
        bottom_share=value(raw, "bottom_share", float, low=0.01, high=0.5, fix=_DOC),
        trend_months=value(raw, "trend_months", int, low=1, high=36, fix=_DOC),
    )


def load_staff_config(path: Path | None = None) -> StaffConfig:
    """The shipped ``conf/staff.yaml`` with the keys of the user file ``path`` laid over it."""
    return staff_from_tree(load_section("staff", path))

"""The configuration layer: where the shipped settings live and the one way every setting is read.

The shipped YAML under ``conf/`` is the only source of defaults. A user's file names only the
keys it changes; :func:`load_section` lays it over the shipped file (:mod:`~cxradar.config._merge`),
rejecting unknown keys with "did you mean", and returns a :class:`Tree` whose every value knows
the file and line it came from. Each capability turns its section into typed settings with
:func:`value` (type, range and choices checked, errors at file:line) - ``load_identify_config``,
``load_churn_config``, ``load_rules`` ... are thin views over this layer, and
:func:`cxradar.run_config.load_run_config` gathers every section of a monthly run.

In a source checkout the shipped files are ``conf/`` at the repository root; in an installed
wheel they are ``cxradar/_conf``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxradar.config._merge import is_open, merge
from cxradar.config._values import check_keys, section, value
from cxradar.config._yaml import Origin, Tree, as_tree, read_yaml, shown_path
from cxradar.errors import ConfigError, did_you_mean

__all__ = [
    "SECTIONS",
    "Origin",
    "Section",
    "Tree",
    "as_tree",
    "check_keys",
    "conf_dir",
    "conf_path",
    "flatten",
    "is_open",
    "load_section",
    "merge",
    "override",
    "read_yaml",
    "section",
    "shipped_tree",
    "shown_path",
    "value",
]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def conf_dir() -> Path:
    """The folder holding the default configuration."""
    packaged = _PACKAGE_DIR / "_conf"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent.parent / "conf"


def conf_path(*parts: str) -> Path:
    """A path inside the default configuration folder, e.g. ``conf_path("contract")``."""
    return conf_dir().joinpath(*parts)


@dataclass(frozen=True)
class Section:
    """One settings file: where it is shipped, which mappings take new keys, where it is documented."""

    file: str
    open_paths: tuple[str, ...] = ()
    doc: str = "docs/configuration.md"


# Section name (as in a run configuration file) -> its shipped file. ``care.rules`` is the
# ``rules`` key of the run file's ``care`` mapping.
SECTIONS: dict[str, Section] = {
    "identify": Section(
        "identify.yaml",
        ("potential.model_params", "potential.model_params.*", "potential.cause_keywords"),
        "docs/identify.md",
    ),
    "care.rules": Section("care/rules.yaml", (), "docs/care.md#rules"),
    "care.policies": Section(
        "care/policies.yaml", ("fatigue.windows", "quiet_hours"), "docs/care.md#policies"
    ),
    "care.plans": Section("care/plans.yaml", ("families", "families.*"), "docs/care.md#plans"),
    "campaign": Section("care/campaign.yaml", ("cost_per_action", "remedy_cost"), "docs/care.md#campaigns"),
    "churn": Section(
        "churn.yaml",
        ("definitions", "definitions.*", "training.model_params", "training.model_params.*"),
        "docs/churn.md",
    ),
    "survey": Section(
        "survey.yaml",
        ("touchpoints", "labels", "labels.*", "complaints.fcr_target_by_product", "behaviour.derived"),
        "docs/survey.md#configuration",
    ),
    "models": Section("models.yaml", ("kinds.*",), "docs/models.md"),
    "staff": Section("staff.yaml", ("items", "roles", "survey_items"), "docs/staff.md#configuration"),
    "simulator": Section("simulator.yaml", (), "docs/simulator.md"),
}


def shipped_tree(name: str) -> Tree:
    """The shipped settings of section ``name`` (read each time: the files are small)."""
    if name not in SECTIONS:
        raise ConfigError(
            f"no settings section '{name}'.{did_you_mean(name, SECTIONS)}",
            fix=f"use one of {', '.join(SECTIONS)}",
        )
    return read_yaml(conf_path(SECTIONS[name].file), doc=SECTIONS[name].doc)


def load_section(name: str, user: Path | str | Tree | None = None, *, prefix: str = "") -> Tree:
    """The effective settings of section ``name``: the shipped file with ``user`` (a file or an
    already-read mapping) merged over it. Unknown keys are errors naming the user's file:line.
    ``prefix`` starts every setting's name in messages (``"identify."`` for a run file's section)."""
    base = shipped_tree(name)
    if user is not None:
        spec = SECTIONS[name]
        extra = user if isinstance(user, Tree) else read_yaml(user, doc=spec.doc)
        base = merge(base, extra, open_paths=spec.open_paths, doc=spec.doc)
    return _prefixed(base, prefix) if prefix else base


def _prefixed(value: Any, prefix: str) -> Any:
    if isinstance(value, Tree):
        value.prefix = prefix
        for child in value.values():
            _prefixed(child, prefix)
    elif isinstance(value, list):
        for child in value:
            _prefixed(child, prefix)
    return value


def override(name: str, tree: Tree, changes: dict[str, Any], origin: str = "overrides") -> Tree:
    """``tree`` (section ``name``) with ``changes`` given in code (nested dicts) merged over it."""
    spec = SECTIONS[name]
    return merge(tree, as_tree(changes, Origin(origin)), open_paths=spec.open_paths, doc=spec.doc)


def flatten(tree: Tree, prefix: str = "") -> Iterator[tuple[str, Any, Origin]]:
    """``(dotted name, value, origin)`` for every leaf setting; lists of mappings are numbered."""
    for key, item in tree.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(item, Tree) and item:
            yield from flatten(item, name)
        elif isinstance(item, list) and item and all(isinstance(x, Tree) for x in item):
            for index, entry in enumerate(item):
                yield from flatten(entry, f"{name}[{index}]")
        else:
            yield name, item, tree.origin_of(key)

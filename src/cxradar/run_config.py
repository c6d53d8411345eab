"""One typed configuration for a monthly run: a section per step, each a view over its shipped file.

A run configuration file (``cxradar run --config FILE``) names only what it changes, under one key
per step; each section has the layout of its shipped file::

    identify:               # conf/identify.yaml
      pool: {warmup_months: 3}
    care:
      rules: {...}          # conf/care/rules.yaml
      policies: {...}       # conf/care/policies.yaml
      plans: {...}          # conf/care/plans.yaml
    campaign: {...}         # conf/care/campaign.yaml
    churn: {...}            # conf/churn.yaml
    survey: {...}           # conf/survey.yaml
    models: {...}           # conf/models.yaml

Every section is merged over its shipped file (:func:`cxradar.config.load_section`), so keys not
named keep their shipped values; unknown keys anywhere are errors naming file:line with "did you
mean". :func:`effective_settings` lists every value with where it came from (``cxradar config show``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxradar.campaigns.config import CampaignConfig, campaign_from_tree
from cxradar.care.plans import PlanCatalogue, plans_from_tree
from cxradar.care.policies import Policies, policies_from_tree
from cxradar.care.rules import RuleSet, rules_from_tree
from cxradar.churn.config import ChurnConfig, churn_from_tree
from cxradar.config import Origin, Tree, flatten, load_section, read_yaml
from cxradar.errors import ConfigError, did_you_mean
from cxradar.identify.config import IdentifyConfig, identify_from_tree
from cxradar.models.settings import settings_from_tree
from cxradar.survey.config import SurveyConfig, survey_from_tree

__all__ = ["RUN_SECTIONS", "RunConfig", "effective_settings", "load_run_config", "run_trees"]

# the sections a run configuration file may hold (simulator settings belong to `cxradar simulate`)
RUN_SECTIONS = (
    "identify",
    "care.rules",
    "care.policies",
    "care.plans",
    "campaign",
    "churn",
    "survey",
    "models",
)
_CARE = ("rules", "policies", "plans")
_DOC = "docs/configuration.md"


@dataclass(frozen=True)
class RunConfig:
    """Typed settings of every step of the monthly run, and the effective trees they came from."""

    identify: IdentifyConfig
    rules: RuleSet
    policies: Policies
    plans: PlanCatalogue
    campaign: CampaignConfig
    churn: ChurnConfig
    survey: SurveyConfig
    models: dict[str, Any]
    source: str | None = None
    trees: dict[str, Tree] = field(default_factory=dict, repr=False, compare=False)


def _split(user: Tree) -> dict[str, Tree]:
    """The user's run file cut into its sections (``care`` holds ``rules``, ``policies`` and ``plans``)."""
    tops = {name.split(".")[0] for name in RUN_SECTIONS}
    parts: dict[str, Tree] = {}
    for key, body in user.items():
        if key not in tops:
            hint = did_you_mean(key, tops)
            if not hint and key in ("pool", "potential"):
                hint = f" Identification settings go under 'identify:' (identify.{key})."
            raise ConfigError(
                f"{user.origin_of(key)}: unknown section '{key}'.{hint}",
                fix=f"use the sections {', '.join(sorted(tops))} ({_DOC})",
            )
        if not isinstance(body, Tree):
            raise ConfigError(f"{user.origin_of(key)}: section '{key}' must be a mapping", fix=f"see {_DOC}")
        if key == "care":
            for sub, inner in body.items():
                if sub not in _CARE:
                    raise ConfigError(
                        f"{body.origin_of(sub)}: unknown section 'care.{sub}'.{did_you_mean(sub, _CARE)}",
                        fix="care holds 'rules' (conf/care/rules.yaml), 'policies' (conf/care/policies.yaml) "
                        "and 'plans' (conf/care/plans.yaml)",
                    )
                if not isinstance(inner, Tree):
                    raise ConfigError(
                        f"{body.origin_of(sub)}: 'care.{sub}' must be a mapping", fix=f"see {_DOC}"
                    )
                parts[f"care.{sub}"] = _rooted(inner, f"care.{sub}.")
        else:
            parts[key] = _rooted(body, f"{key}.")
    return parts


def _rooted(tree: Tree, prefix: str) -> Tree:
    """A section of the run file as if it were a file of its own (paths start at the section;
    messages still name it, e.g. ``identify.pool.warmup_months``)."""
    out = Tree(tree, origin=tree.origin, path="")
    out.key_origins = dict(tree.key_origins)
    out.prefix = prefix
    for key, child in out.items():
        _repath(child, key, prefix)
    return out


def _repath(value: Any, path: str, prefix: str) -> None:
    if isinstance(value, Tree):
        value.path, value.prefix = path, prefix
        for key, child in value.items():
            _repath(child, f"{path}.{key}", prefix)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _repath(child, f"{path}[{index}]", prefix)


def run_trees(path: Path | str | None = None) -> dict[str, Tree]:
    """The effective settings tree of every run section: shipped, with the run file's keys over it."""
    parts = _split(read_yaml(path, doc=_DOC)) if path is not None else {}
    return {
        name: load_section(name, parts.get(name), prefix=f"{name}." if path else "") for name in RUN_SECTIONS
    }


def load_run_config(path: Path | str | None = None) -> RunConfig:
    """Read, merge and check the whole run configuration (the shipped files when ``path`` is None)."""
    trees = run_trees(path)
    rules_source = trees["care.rules"].origin.file
    policies_source = trees["care.policies"].origin.file
    plans_source = trees["care.plans"].origin.file
    return RunConfig(
        identify=identify_from_tree(trees["identify"], str(path) if path else trees["identify"].origin.file),
        rules=rules_from_tree(trees["care.rules"], Path(rules_source)),
        policies=policies_from_tree(trees["care.policies"], Path(policies_source)),
        plans=plans_from_tree(trees["care.plans"], Path(plans_source)),
        campaign=campaign_from_tree(trees["campaign"]),
        churn=churn_from_tree(trees["churn"]),
        survey=survey_from_tree(trees["survey"]),
        models=settings_from_tree(trees["models"]),
        source=str(path) if path is not None else None,
        trees=trees,
    )


def effective_settings(
    path: Path | str | None = None, *, sections: tuple[str, ...] = RUN_SECTIONS
) -> Iterator[tuple[str, Any, Origin]]:
    """``(section.setting, value, origin)`` of every effective setting of ``sections``. The whole
    run configuration is checked first, so a bad file fails here as it would in a run."""
    trees = dict(load_run_config(path).trees)
    for name in sections:
        tree = trees[name] if name in trees else load_section(name)
        for key, value, origin in flatten(tree):
            yield f"{name}.{key}", value, origin

"""The configuration layer: one loader, one merge, the shipped YAML as the only source of defaults.

For every settings file: a user file naming one key changes that key and nothing else, both in the
effective tree and in the typed settings; unknown keys and wrong types name file:line; every
setting is described in docs/configuration.md (generated from the shipped files' comments).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from cxradar.campaigns.config import load_campaign_config
from cxradar.care.plans import load_plans
from cxradar.care.policies import load_policies
from cxradar.care.rules import load_rules
from cxradar.churn.config import load_churn_config
from cxradar.config import SECTIONS, Tree, flatten, is_open, load_section
from cxradar.config.reference import render_settings_reference, undocumented
from cxradar.errors import ConfigError
from cxradar.identify.config import load_identify_config
from cxradar.models.settings import load_settings
from cxradar.run_config import RUN_SECTIONS, effective_settings, load_run_config
from cxradar.simulate.params import load_params
from cxradar.staff import load_staff_config
from cxradar.survey.config import load_survey_config

ROOT = Path(__file__).resolve().parents[1]

# section -> the typed view of one settings file (the entry points the steps call)
VIEWS: dict[str, Any] = {
    "identify": load_identify_config,
    "care.rules": load_rules,
    "care.policies": load_policies,
    "care.plans": load_plans,
    "campaign": load_campaign_config,
    "churn": load_churn_config,
    "survey": load_survey_config,
    "models": load_settings,
    "simulator": lambda path=None: load_params(path).values,
    "staff": load_staff_config,
}


def _leaf_changes(name: str) -> list[tuple[list[str], Any, Any]]:
    """(key path, shipped value, a different value of the same type) for each scalar setting."""
    out = []
    for dotted, value, _ in flatten(load_section(name)):
        if "[" in dotted or value is None or isinstance(value, list | dict):
            continue
        if isinstance(value, bool):
            new: Any = not value
        elif isinstance(value, int):
            new = value + 1
        elif isinstance(value, float):
            new = value * 0.5 if value else 0.5
        else:
            continue
        out.append((dotted.split("."), value, new))
    return out


def _nested(path: list[str], leaf: Any) -> dict[str, Any]:
    body: Any = leaf
    for key in reversed(path):
        body = {key: body}
    return dict(body)


def _plain(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_plain(v) for v in tree]
    return tree


@pytest.mark.parametrize("name", list(SECTIONS))
def test_a_partial_user_file_changes_only_the_keys_it_names(name: str, tmp_path: Path) -> None:
    shipped = dict((k, v) for k, v, _ in flatten(load_section(name)))
    changes = _leaf_changes(name)
    assert changes, f"{name}: no scalar setting to try"
    for path, _old, new in changes[:: max(1, len(changes) // 12)]:  # a spread of keys per file
        user = tmp_path / f"{name}.yaml"
        user.write_text(yaml.safe_dump(_nested(path, new)), encoding="utf-8")
        effective = {k: (v, o) for k, v, o in flatten(load_section(name, user))}
        dotted = ".".join(path)
        assert effective[dotted][0] == new and effective[dotted][1].file == str(user), dotted
        differ = {k for k, (v, _) in effective.items() if shipped.get(k, object()) != v}
        assert differ == {dotted}, f"{name}: setting {dotted} alone changed {sorted(differ)}"


@pytest.mark.parametrize("name", list(SECTIONS))
def test_a_user_file_repeating_shipped_values_changes_no_typed_setting(name: str, tmp_path: Path) -> None:
    """The typed view is built from the merged tree alone - no dataclass default can creep in."""
    view = VIEWS[name]
    first_key = next(iter(k for k in load_section(name) if k != "version"))
    user = tmp_path / "same.yaml"
    user.write_text(yaml.safe_dump({first_key: _plain(load_section(name)[first_key])}), encoding="utf-8")
    shipped, same = view(), view(user)
    for obj in (shipped, same):  # the file each came from differs, nothing else
        if dataclasses.is_dataclass(obj) and hasattr(obj, "source"):
            object.__setattr__(obj, "source", None)
    assert _plain(same) == _plain(shipped) if isinstance(shipped, dict) else same == shipped


def test_identify_file_with_only_warmup_keeps_every_other_shipped_value(tmp_path: Path) -> None:
    """The bug of issue 11: a user file setting pool.warmup_months used to reset the incident
    thresholds, the gbm depth and the cause keywords to dataclass defaults."""
    user = tmp_path / "identify.yaml"
    user.write_text("pool:\n  warmup_months: 5\n", encoding="utf-8")
    shipped, cfg = load_identify_config(), load_identify_config(user)
    assert cfg.pool.warmup_months == 5
    assert cfg.potential == shipped.potential
    # 0.10 on the calibrated risk (0.15 was on the respondent scale: conf/identify.yaml)
    assert cfg.potential.incident_min_exposure == 3.0 and cfg.potential.incident_min_probability == 0.10
    assert cfg.potential.model_params["gbm"] == {"num_leaves": 7, "max_depth": 3}
    assert cfg.potential.model_params["logit"] == {"penalty": "l1", "Cs": [0.03, 0.1, 0.3, 1.0]}
    assert cfg.potential.calibration == "sigmoid" and cfg.potential.cross_validate_below == 3000
    assert cfg.potential.threshold_rule == "seed_floors"
    assert cfg.potential.seed_floors == {"precision": 0.60, "recall": 0.60, "lift": 3.0}
    assert cfg.potential.cause_keywords["network"][0] == "dropped"
    assert dataclasses.replace(cfg.pool, warmup_months=shipped.pool.warmup_months) == shipped.pool


def test_unknown_keys_and_wrong_types_name_the_users_file_and_line(tmp_path: Path) -> None:
    user = tmp_path / "churn.yaml"
    user.write_text("version: 1\ngroups:\n  min_member: 5\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"churn\.yaml:3: unknown setting 'groups\.min_member'\. Did you mean 'min_members'"
    ):
        load_churn_config(user)
    user.write_text("horizon_months: soon\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"churn\.yaml:1: horizon_months must be a whole number, got 'soon'"
    ):
        load_churn_config(user)
    user.write_text("definitions:\n  port_out:\n    kind: statuss\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"churn\.yaml:3: definitions\.port_out\.kind: 'statuss'.*Did you mean 'status'"
    ):
        load_churn_config(user)
    user.write_text("horizon_months: [3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"churn\.yaml:\d+: not valid YAML"):
        load_churn_config(user)


def test_open_mappings_take_new_entries_and_null_removes_one(tmp_path: Path) -> None:
    user = tmp_path / "identify.yaml"
    user.write_text(
        "potential:\n  cause_keywords:\n    billing: null\n    roaming: [roam]\n", encoding="utf-8"
    )
    keywords = load_identify_config(user).potential.cause_keywords
    assert "billing" not in keywords and keywords["roaming"] == ("roam",) and "network" in keywords
    assert is_open("potential.model_params.gbm", SECTIONS["identify"].open_paths)
    assert not is_open("potential", SECTIONS["identify"].open_paths)


def test_run_file_configures_every_step_and_names_its_sections(tmp_path: Path) -> None:
    run = tmp_path / "run.yaml"
    run.write_text(
        "identify:\n  pool: {warmup_months: 4}\n"
        "care:\n  rules: {value_tiers: {high: 300, medium: 100}}\n  policies: {campaign_days: 7}\n"
        "campaign: {confidence: 0.9}\nchurn: {horizon_months: 2}\nsurvey: {alpha: 0.1}\n"
        "models: {threshold: {rule: capacity}}\n",
        encoding="utf-8",
    )
    cfg, shipped = load_run_config(run), load_run_config()
    assert cfg.identify.pool.warmup_months == 4 and cfg.identify.potential == shipped.identify.potential
    assert (
        cfg.rules.value_tiers == {"high": 300.0, "medium": 100.0} and cfg.rules.rules == shipped.rules.rules
    )
    assert cfg.policies.campaign_days == 7 and cfg.policies.capacity == shipped.policies.capacity
    assert cfg.campaign.confidence == 0.9 and cfg.churn.horizon_months == 2 and cfg.survey.alpha == 0.1
    assert cfg.models["threshold"]["rule"] == "capacity"
    origins = {name: str(origin) for name, _, origin in effective_settings(run)}
    assert origins["identify.pool.warmup_months"] == f"{run}:2"
    assert origins["churn.horizon_months"] == f"{run}:7"
    assert origins["identify.pool.quiet_days_after_care"].startswith("conf/identify.yaml:")
    run.write_text("pool:\n  warmup_months: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"run\.yaml:1: unknown section 'pool'.*under 'identify:'"):
        load_run_config(run)
    run.write_text("identify:\n  pool:\n    warmup_month: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"run\.yaml:3: unknown setting 'identify\.pool\.warmup_month'"):
        load_run_config(run)
    assert set(RUN_SECTIONS) <= set(SECTIONS)


def test_config_show_prints_each_value_with_its_origin(tmp_path: Path) -> None:
    run = tmp_path / "run.yaml"
    run.write_text("churn:\n  horizon_months: 2\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "cxradar", "config", "show", "--config", str(run), "--section", "churn"],
        capture_output=True, text=True, check=True, cwd=ROOT, encoding="utf-8",
    ).stdout  # fmt: skip
    line = next(x for x in out.splitlines() if x.startswith("churn.horizon_months "))
    assert line.split()[2] == "2" and line.endswith(f"{run}:2")
    shipped = (ROOT / "conf" / "churn.yaml").read_text(encoding="utf-8").splitlines()
    number = next(i for i, x in enumerate(shipped, start=1) if x.strip().startswith("list_share:"))
    assert any(
        x.startswith("churn.scoring.list_share = 0.1") and x.endswith(f"conf/churn.yaml:{number}")
        for x in out.splitlines()
    )


def test_every_setting_is_documented() -> None:
    """Datasette-style: a setting without a sentence in conf/ (and so in the docs) fails here."""
    assert undocumented() == [], "describe these settings with a comment in their conf/ file"
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == render_settings_reference(), (
        "run: python -m cxradar.config.reference > docs/configuration.md"
    )


def test_trees_remember_where_each_key_was_written() -> None:
    tree = load_section("identify")
    assert isinstance(tree["pool"], Tree)
    text = (ROOT / "conf" / "identify.yaml").read_text(encoding="utf-8").splitlines()
    line = tree["pool"].origin_of("warmup_months").line
    assert text[line - 1].strip().startswith("warmup_months:")

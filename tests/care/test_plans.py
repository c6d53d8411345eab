"""Better-fitting plans: the suggestion worked by hand, and the catalogue as a settings section."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.care.plans import PLAN_COLUMNS, load_plans, suggest_plans
from cxradar.errors import ConfigError
from cxradar.run_config import load_run_config


def test_suggestion_is_the_cheapest_plan_of_the_family_covering_the_paid_usage() -> None:
    plans = load_plans()
    frame = pd.DataFrame(
        {
            "plan": ["GT58", "GT58", "MZ98", "XX1", None],
            "value": [150.0, 50.0, 120.0, 80.0, 80.0],
        }
    )
    out = suggest_plans(frame, plans)
    assert list(out.columns) == PLAN_COLUMNS
    # GT58 spending 150: usage worth 58 + (150 - 58) / 1.5 = 119.33 in a bundle -> GT128 (128),
    # saving 150 - 128 = 22 a month (docs/care.md#plans)
    assert out.loc[0, "suggested_plan"] == "GT128" and out.loc[0, "suggested_fee"] == 128.0
    assert out.loc[0, "monthly_saving"] == 22.0 and "GT128" in out.loc[0, "plan_advice_zh"]
    # spending under the fee: no cheaper plan of the family covers it better than GT58 itself
    assert pd.isna(out.loc[1, "suggested_plan"]) and "no cheaper plan" in out.loc[1, "plan_advice_en"]
    # MZ98 spending 120: worth 98 + 22 / 1.5 = 112.67, above the family's top fee -> none
    assert pd.isna(out.loc[2, "suggested_plan"])
    for row in (3, 4):  # not in the catalogue
        assert (
            np.isnan(out.loc[row, "current_fee"]) and "not in the catalogue" in out.loc[row, "plan_advice_en"]
        )


def test_a_user_catalogue_is_laid_over_the_shipped_one(tmp_path: Path) -> None:
    user = tmp_path / "plans.yaml"
    user.write_text(
        "overage_premium: 2\nfamilies:\n  mzone: {MZ128: 128}\n  easyown: null\n  campus: {C10: 10}\n",
        encoding="utf-8",
    )
    shipped, plans = load_plans(), load_plans(user)
    assert plans.overage_premium == 2.0 and plans.source == user
    assert plans.fees["MZ128"] == 128.0 and plans.fees["MZ18"] == 18.0 and plans.families["C10"] == "campus"
    assert "EO8" in shipped.fees and "EO8" not in plans.fees
    assert plans.fees["GT58"] == shipped.fees["GT58"]


def test_bad_catalogues_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "plans.yaml"
    bad.write_text("families:\n  gotone:\n    GT58: cheap\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"plans\.yaml:3: families\.gotone\.GT58 must be a number"):
        load_plans(bad)
    bad.write_text("overage_premium: 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"plans\.yaml:1: overage_premium = 0\.5 is outside"):
        load_plans(bad)
    bad.write_text("overage_premum: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Did you mean 'overage_premium'"):
        load_plans(bad)
    bad.write_text("families:\n  mzone: {GT58: 60}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="plan 'GT58' is in two families"):
        load_plans(bad)


def test_a_run_configuration_sets_the_plans_under_care(tmp_path: Path) -> None:
    run = tmp_path / "run.yaml"
    run.write_text("care:\n  plans:\n    families: {gotone: {GT999: 999}}\n", encoding="utf-8")
    cfg = load_run_config(run)
    assert cfg.plans.fees["GT999"] == 999.0 and cfg.plans.fees["GT58"] == 58.0
    assert load_run_config().plans == load_plans()
    run.write_text("care:\n  plan: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown section 'care\.plan'\. Did you mean 'plans'"):
        load_run_config(run)

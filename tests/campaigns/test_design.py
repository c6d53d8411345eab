"""Campaign design: power-sized control group, stratified randomisation, care_actions rows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxradar.campaigns.config import CampaignConfig, load_campaign_config
from cxradar.campaigns.design import CARE_ACTION_COLUMNS, control_size, design_campaign, primary_kind
from cxradar.contract import load_contracts


def _selected(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "msisdn": [f"138{i:08d}" for i in range(n)],
            "kinds": rng.choice(["silent", "incident_hit;model_predicted", "model_predicted", "explicit"], n),
            "segment": rng.choice(["high_end", "data", "enterprise", "mass"], n),
            "strategy": rng.choice(["proactive_outreach", "wait_for_contact", "targeted_remedy"], n),
            "channel": "sms",
            "remedy": pd.NA,
        }
    )


def _normal_power(n_t: int, n_c: int, cfg: CampaignConfig) -> float:
    """Independent check: the normal approximation of the two-sample test's power."""
    z = cfg.effect_to_detect / (cfg.outcome_sd * np.sqrt(1 / n_t + 1 / n_c))
    return float(stats.norm.sf(stats.norm.ppf(1 - cfg.alpha / 2) - z))


def test_control_size_is_the_smallest_reaching_the_power() -> None:
    cfg = load_campaign_config()
    sizing = control_size(5000, cfg)
    n_c = sizing["n_control"]
    assert sizing["power_reached"] and sizing["power"] >= cfg.power
    # the normal approximation agrees with the t-test power to 0.01 at these sizes
    assert _normal_power(5000 - n_c, n_c, cfg) == pytest.approx(sizing["power"], abs=0.01)
    assert _normal_power(5000 - n_c + 1, n_c - 1, cfg) < cfg.power + 0.01
    assert cfg.min_control_share * 5000 <= n_c <= 0.5 * 5000


def test_control_size_clamps_to_the_configured_shares() -> None:
    cfg = load_campaign_config()
    assert control_size(100_000, cfg)["share"] == pytest.approx(cfg.min_control_share, abs=1e-4)
    small = control_size(200, cfg)
    assert small["n_control"] == 100 and not small["power_reached"]


def test_primary_kind_precedence() -> None:
    kinds = pd.Series(["silent;model_predicted", "incident_hit;silent", "explicit;silent", "model_predicted"])
    assert primary_kind(kinds).tolist() == ["model_predicted", "incident_hit", "explicit", "model_predicted"]


def test_stratified_shares_and_reproducibility() -> None:
    selected = _selected(4000)
    actions, plan, report = design_campaign(
        selected, campaign="c1", assigned_at=pd.Timestamp("2026-11-01 09:00"), seed=5, control_share=0.2
    )
    shares = plan.groupby("stratum")["group"].apply(lambda g: (g == "control").mean())
    sizes = plan.groupby("stratum").size()
    # randomised rounding: each stratum's control count is floor or ceil of 20 %
    counts = plan.groupby("stratum")["group"].apply(lambda g: int((g == "control").sum()))
    assert all(np.floor(0.2 * sizes) <= counts) and all(counts <= np.ceil(0.2 * sizes))
    assert shares.between(0.15, 0.25).all()
    again, _, _ = design_campaign(
        selected, campaign="c1", assigned_at=pd.Timestamp("2026-11-01 09:00"), seed=5, control_share=0.2
    )
    assert actions.equals(again)
    other, _, _ = design_campaign(
        selected, campaign="c1", assigned_at=pd.Timestamp("2026-11-01 09:00"), seed=6, control_share=0.2
    )
    assert not actions["group"].equals(other["group"])
    assert report["n_control"] + report["n_treatment"] == 4000
    assert sum(v["control"] for v in report["strata"].values()) == report["n_control"]


def test_care_actions_follow_the_contract() -> None:
    actions, _, _ = design_campaign(
        _selected(300), campaign="c2", assigned_at=pd.Timestamp("2026-11-01 09:00"),
        cfg=replace(load_campaign_config(), min_control_share=0.1),
    )  # fmt: skip
    contract = load_contracts()["care_actions"]
    assert list(actions.columns) == [*contract.column_names, "remedy"] == CARE_ACTION_COLUMNS
    for name in ("strategy", "channel", "group"):
        allowed = set(contract.column(name).allowed or ())
        assert set(actions[name].dropna()) <= allowed
    assert actions["id"].is_unique
    assert str(actions["assigned_at"].dtype) == "datetime64[us]"
    assert actions["delivered_at"].isna().all()

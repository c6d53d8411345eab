"""respond_to_care: the campaign outcome follows the ground-truth care effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxradar.errors import DataError, MissingColumnError
from cxradar.simulate import respond_to_care


def _campaign(sim, month: str, strategy: str, seed: int, remedy: str | None = None) -> pd.DataFrame:
    truth = sim["truth/satisfaction"]
    pool = truth[(pd.to_datetime(truth["month"]).dt.strftime("%Y-%m") == month) & truth["dissatisfied"]]
    rng = np.random.default_rng(seed)
    chosen = pool.sample(n=min(2000, len(pool)), random_state=seed)
    frame = pd.DataFrame(
        {
            "id": [f"CA{i:06d}" for i in range(len(chosen))],
            "msisdn": chosen["msisdn"].to_numpy(),
            "campaign": "test",
            "strategy": strategy,
            "channel": "outbound",
            "assigned_at": pd.Timestamp(f"{month}-15"),
            "group": np.where(rng.random(len(chosen)) < 0.5, "treatment", "control"),
            "delivered_at": pd.NaT,
            "outcome": "delivered",
        }
    )
    if remedy is not None:
        frame["remedy"] = np.where(chosen["primary_cause"].to_numpy() == remedy, remedy, "value")
    return frame


def test_treatment_minus_control_estimates_the_mean_true_effect(sim) -> None:
    actions = _campaign(sim, "2026-08", "proactive_outreach", seed=3)
    out = respond_to_care(sim.root, actions, "2026-08", seed=3)
    assert list(out["msisdn"]) == list(actions["msisdn"])
    assert list(out.columns[:6]) == [
        "msisdn",
        "group",
        "post_satisfaction",
        "survey_answer",
        "churned_next_month",
        "true_effect",
    ]
    treated = out[out["group"] == "treatment"]
    control = out[out["group"] == "control"]
    assert (control["true_effect"] == 0).all()
    true_mean = treated["true_effect"].mean()
    diff = treated["post_satisfaction"].mean() - control["post_satisfaction"].mean()
    # standard error of a difference of means with ~1000 per arm and sd ~0.8: ~0.04; allow 4 se
    assert abs(diff - true_mean) < 0.16, (diff, true_mean)
    assert 0.4 < true_mean < 1.2
    assert out["survey_answer"].between(1, 10).all()
    assert out["post_satisfaction"].between(1, 10).all()


def test_matching_remedy_beats_mismatching(sim) -> None:
    actions = _campaign(sim, "2026-07", "targeted_remedy", seed=4, remedy="network")
    actions["group"] = "treatment"
    out = respond_to_care(sim.root, actions, "2026-07", seed=4)
    matched = out["true_effect"][actions["remedy"].to_numpy() == "network"]
    truth = sim["truth/satisfaction"]
    month = truth[pd.to_datetime(truth["month"]).dt.strftime("%Y-%m") == "2026-07"].set_index("msisdn")
    value_cause = month.loc[actions["msisdn"], "causes"].str.contains("value").to_numpy()
    mismatched = out["true_effect"][(actions["remedy"].to_numpy() == "value") & ~value_cause]
    assert matched.mean() > 3 * mismatched.mean()


def test_same_seed_same_response_and_refusals_get_nothing(sim) -> None:
    actions = _campaign(sim, "2026-09", "wait_for_contact", seed=5)
    a = respond_to_care(sim.root, actions, "2026-09", seed=9)
    b = respond_to_care(sim.root, actions, "2026-09", seed=9)
    pd.testing.assert_frame_equal(a, b)
    refused = actions.assign(outcome="refused")
    c = respond_to_care(sim.root, refused, "2026-09", seed=9)
    assert (c["true_effect"] == 0).all()


def test_clear_errors(sim) -> None:
    actions = _campaign(sim, "2026-09", "proactive_outreach", seed=6)
    with pytest.raises(MissingColumnError, match="group"):
        respond_to_care(sim.root, actions.drop(columns=["group"]), "2026-09", seed=1)
    with pytest.raises(DataError, match="not active"):
        broken = actions.copy()
        broken.loc[0, "msisdn"] = "13800000000"
        respond_to_care(sim.root, broken, "2026-09", seed=1)

"""The issue's floors on the simulator (ground truth from cxradar.simulate.respond_to_care).

1. Coverage: 150 repeated simulated campaigns of 600 customers each (own random sample, own
   stratified randomisation with the power-sized control group, own response noise); the 95 %
   interval of the satisfaction effect must cover the campaign's true mean effect on its treated
   customers in at least 90 % of them. 150 repetitions make a false failure unlikely: at a true
   coverage of 95 % the chance of seeing under 90 % is about 0.3 % (the interval is slightly
   conservative here, so less).
2. Uplift vs risk: a campaign on half the customers (50 % control) trains an X-learner; on the
   other half, the top 30 % by predicted uplift must carry more true incremental effect than the
   top 30 % by risk (and by risk x value x expected effect), at equal list size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxradar.campaigns.design import design_campaign
from cxradar.campaigns.evaluate import evaluate_campaign
from cxradar.campaigns.stats import effect_on_treated
from cxradar.campaigns.uplift import XLearner, qini_coefficient, uplift_features
from cxradar.care.policies import expected_value, load_policies
from cxradar.simulate import respond_to_care

from .conftest import MONTH, SimWorld

ASSIGNED = pd.Timestamp("2026-11-01 09:00")
REPS = 150


def _as_given(plan: pd.DataFrame) -> pd.DataFrame:
    given = plan[["msisdn", "group", "strategy", "remedy"]].copy()
    given["remedy"] = given["remedy"].astype(object).where(given["remedy"].notna(), "")
    return given


@pytest.mark.slow
def test_interval_covers_the_true_effect_in_repeated_campaigns(sim_world: SimWorld) -> None:
    rng = np.random.default_rng(2026)
    columns = ["msisdn", "kinds", "segment", "strategy", "channel", "remedy", "probability", "value"]
    pool = sim_world.decided[columns]
    plans = []
    for r in range(REPS):
        sample = pool.sample(600, random_state=int(rng.integers(1 << 31)))
        _, plan, _ = design_campaign(sample, campaign=f"c{r}", assigned_at=ASSIGNED, seed=r)
        plans.append(plan.assign(rep=r))
    stacked = pd.concat(plans, ignore_index=True)
    # respond_to_care in batches of 5 campaigns (its msisdn check is slow on very long inputs)
    response = pd.concat(
        [
            respond_to_care(
                sim_world.data_dir, _as_given(stacked.loc[stacked["rep"] // 5 == b]), MONTH, seed=b
            )
            for b in range(REPS // 5)
        ],
        ignore_index=True,
    )
    treated = stacked["group"].eq("treatment").to_numpy()
    answer = response["survey_answer"].to_numpy(dtype=float)
    true_effect = response["true_effect"].to_numpy()
    rep = stacked["rep"].to_numpy()
    covered, estimates, truths = [], [], []
    for r in range(REPS):
        mine = rep == r
        est = effect_on_treated(
            answer[mine & treated], answer[mine & ~treated]
        )  # the interval evaluate reports
        truth = float(true_effect[mine & treated].mean())
        covered.append(est["ci_low"] <= truth <= est["ci_high"])
        estimates.append(est["diff"])
        truths.append(truth)
    # the full evaluation reports the same interval and its coverage flag
    first = evaluate_campaign(stacked.loc[rep == 0], response.loc[rep == 0])
    assert first["satisfaction_itt"]["diff"] == pytest.approx(estimates[0])
    assert first["truth"]["covered"] == covered[0]
    coverage = float(np.mean(covered))
    print(
        f"coverage {coverage:.3f} over {REPS} campaigns; "
        f"mean estimate {np.mean(estimates):.3f} vs true {np.mean(truths):.3f}"
    )
    assert coverage >= 0.90
    assert np.mean(estimates) == pytest.approx(np.mean(truths), abs=0.05)


@pytest.mark.slow
def test_uplift_selection_beats_risk_selection(sim_world: SimWorld) -> None:
    rng = np.random.default_rng(11)
    decided = sim_world.decided
    in_a = rng.random(len(decided)) < 0.5
    train, nxt = decided.loc[in_a], decided.loc[~in_a].reset_index(drop=True)
    _, plan, _ = design_campaign(train, campaign="train", assigned_at=ASSIGNED, seed=1, control_share=0.5)
    response = respond_to_care(sim_world.data_dir, _as_given(plan), MONTH, seed=3)
    treat = plan["group"].eq("treatment").to_numpy()
    X = uplift_features(plan)
    model = XLearner().fit(X, response["survey_answer"].astype(float), treat)

    k = int(0.3 * len(nxt))
    truth = sim_world.expected_effect(nxt)
    by_uplift = truth[np.argsort(-model.predict(uplift_features(nxt)), kind="stable")[:k]].sum()
    by_risk = truth[np.argsort(-nxt["probability"].to_numpy(), kind="stable")[:k]].sum()
    ev = expected_value(nxt, load_policies()).to_numpy()
    by_ev = truth[np.argsort(-ev, kind="stable")[:k]].sum()
    random_pick = truth.mean() * k
    print(f"true incremental effect, top {k}: uplift {by_uplift:.0f}, risk {by_risk:.0f}, "
          f"risk x value x effect {by_ev:.0f}, random {random_pick:.0f}")  # fmt: skip
    assert by_uplift > by_risk and by_uplift > by_ev and by_uplift > random_pick

    # Qini on the campaign's own control-group data, two-fold cross-fitted
    fold = rng.integers(0, 2, len(plan))
    score = np.zeros(len(plan))
    for f in (0, 1):
        fitted = XLearner().fit(
            X[fold != f], response["survey_answer"][fold != f].astype(float), treat[fold != f]
        )
        score[fold == f] = fitted.predict(X[fold == f])
    q_uplift = qini_coefficient(response["survey_answer"], treat, score)
    q_risk = qini_coefficient(response["survey_answer"], treat, plan["probability"])
    print(f"Qini: uplift {q_uplift:.4f}, risk {q_risk:.4f}")
    assert q_uplift > 0

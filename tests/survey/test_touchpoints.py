"""4S touchpoints: scores, standardised betas and LMG relative importance against references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression

from cxradar.survey.config import load_survey_config
from cxradar.survey.scores import prepare_responses
from cxradar.survey.touchpoints import (
    lmg_importance,
    touchpoint_importance,
    touchpoint_priorities,
    touchpoint_scores,
)

CONFIG = load_survey_config()
TPS = ["tp_search", "tp_site", "tp_shopping", "tp_satisfaction"]


def _responses(seed: int, n: int = 600, weights: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 1, n)
    tp = {
        c: np.clip(np.round(7 + 1.2 * (0.5 * base + rng.normal(0, 1, n)) + shift), 1, 10)
        for c, shift in zip(TPS, [0.8, 0.0, 1.2, -0.5], strict=True)
    }
    overall = np.clip(
        np.round(
            1
            + 0.1 * tp["tp_search"]
            + 0.2 * tp["tp_site"]
            + 0.05 * tp["tp_shopping"]
            + 0.5 * tp["tp_satisfaction"]
            + rng.normal(0, 0.8, n)
        ),
        1,
        10,
    )
    frame = pd.DataFrame(
        {"response_id": range(n), "msisdn": [f"139{i:08d}" for i in range(n)], "overall": overall, **tp}
    )
    if weights:
        frame["weight"] = rng.uniform(1, 8, n)
    return prepare_responses(frame, None, CONFIG)


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    return float(LinearRegression().fit(x, y).score(x, y)) if x.shape[1] else 0.0


def test_lmg_two_predictors_hand_formula_against_sklearn_r2() -> None:
    # LMG for 2 predictors: lmg_1 = (R²(x1) + R²(x1,x2) - R²(x2)) / 2 (Grömping 2006, eq. 4);
    # R² from sklearn LinearRegression; tolerance 1e-10.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 2))
    x[:, 1] += 0.6 * x[:, 0]
    y = x @ [1.0, 0.5] + rng.normal(size=500)
    lmg = lmg_importance(np.corrcoef(np.c_[y, x], rowvar=False))
    full, r1, r2 = _r2(x, y), _r2(x[:, :1], y), _r2(x[:, 1:], y)
    assert lmg[0] == pytest.approx((r1 + full - r2) / 2, abs=1e-10)
    assert lmg[1] == pytest.approx((r2 + full - r1) / 2, abs=1e-10)


def test_lmg_sums_to_full_r2_and_is_order_free() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 4)) @ rng.normal(size=(4, 4))
    y = x @ [0.3, -0.2, 0.8, 0.1] + rng.normal(size=400)
    data = np.c_[y, x]
    lmg = lmg_importance(np.corrcoef(data, rowvar=False))
    assert lmg.sum() == pytest.approx(_r2(x, y), abs=1e-10)
    perm = [0, 3, 1, 4, 2]
    assert lmg_importance(np.corrcoef(data[:, perm], rowvar=False)) == pytest.approx(
        lmg[[2, 0, 3, 1]], abs=1e-12
    )


def test_standardised_betas_match_statsmodels_on_z_scores() -> None:
    # Reference: statsmodels OLS (HC1) on columns z-scored with population SD; tolerance 1e-10 / 1e-9.
    responses = _responses(2)
    imp = touchpoint_importance(responses, CONFIG).set_index("touchpoint")
    data = responses[["overall", *TPS]].to_numpy(float)
    z = (data - data.mean(0)) / data.std(0)
    ref = sm.OLS(z[:, 0], sm.add_constant(z[:, 1:])).fit(cov_type="HC1")
    assert imp.loc[TPS, "beta"].to_numpy() == pytest.approx(ref.params[1:], abs=1e-10)
    assert imp.loc[TPS, "beta_lo"].to_numpy() == pytest.approx(ref.conf_int()[1:, 0], abs=1e-9)
    assert imp["r2"].iloc[0] == pytest.approx(ref.rsquared, abs=1e-10)
    assert (imp["lmg_lo"] <= imp["lmg"]).all() and (imp["lmg"] <= imp["lmg_hi"]).all()
    # tp_satisfaction drives overall most in this construction
    assert imp["lmg"].idxmax() == "tp_satisfaction"


def test_weighted_importance_matches_wls_r2() -> None:
    responses = _responses(3, weights=True)
    imp = touchpoint_importance(responses, CONFIG)
    fit = sm.WLS(responses["overall"], sm.add_constant(responses[TPS]), weights=responses["w"]).fit()
    assert imp["r2"].iloc[0] == pytest.approx(fit.rsquared, abs=1e-10)


def test_priorities_rank_important_touchpoints_below_target_first() -> None:
    responses = _responses(4)
    scores = touchpoint_scores(responses, CONFIG)
    pri = touchpoint_priorities(scores, touchpoint_importance(responses, CONFIG))
    assert pri["rank"].tolist() == [1, 2, 3, 4]
    top = pri.iloc[0]
    assert top["touchpoint"] == "tp_satisfaction"  # most important and furthest below target
    assert top["gap"] > 0 and "低于目标" in top["sentence_zh"] and "below its target" in top["sentence_en"]
    met = pri[pri["gap"] <= 0]
    assert (met["priority"] == 0).all()
    assert scores.set_index("touchpoint").loc["tp_shopping", "mean"] == pytest.approx(
        responses["tp_shopping"].mean()
    )

"""Behaviour vs satisfaction: the usage join, correlations against scipy, Benjamini-Hochberg control."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxradar.survey.behaviour import behaviour_correlations, feature_labels, respondent_features
from cxradar.survey.config import load_survey_config
from cxradar.survey.scores import prepare_responses

CONFIG = load_survey_config()


def _data(seed: int, n: int = 300) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    msisdn = [f"137{i:08d}" for i in range(n)]
    dropped = rng.poisson(3, n)
    data_mb = rng.lognormal(7, 1, n)
    overall = np.clip(np.round(8 - 0.6 * dropped + 0.8 * (np.log(data_mb) - 7) + rng.normal(0, 1, n)), 1, 10)
    surveys = pd.DataFrame(
        {
            "response_id": range(n),
            "msisdn": msisdn,
            "overall": overall.astype(int),
            "answered_at": pd.Timestamp("2026-09-15 10:00"),
        }
    )
    rows = []
    for month, factor in ((pd.Timestamp("2026-08-01"), 0.0), (pd.Timestamp("2026-09-01"), 1.0)):
        rows.append(
            pd.DataFrame(
                {
                    "msisdn": msisdn,
                    "month": month,
                    "dropped_calls": dropped * factor,
                    "data_mb": data_mb * factor + 1,
                    "spend": rng.gamma(2, 40, n),
                    "voice_minutes": rng.gamma(2, 100, n),
                    "onnet_minutes": rng.gamma(2, 50, n),
                    "offnet_minutes": rng.gamma(2, 30, n),
                    "roaming_days": rng.integers(0, 3, n),
                }
            )
        )
    return surveys, pd.concat(rows, ignore_index=True)


def test_join_takes_the_answer_month_and_derives_ratios() -> None:
    surveys, usage = _data(0)
    joined = respondent_features(prepare_responses(surveys, None, CONFIG), usage)
    assert len(joined) == len(surveys)
    sep = usage[usage["month"] == pd.Timestamp("2026-09-01")].reset_index(drop=True)
    assert joined["dropped_calls"].to_numpy() == pytest.approx(sep["dropped_calls"].to_numpy())
    ratio = sep["offnet_minutes"] / (sep["onnet_minutes"] + sep["offnet_minutes"])
    assert joined["offnet_ratio"].to_numpy() == pytest.approx(ratio.to_numpy())


def test_correlations_match_scipy_and_bh_finds_the_real_drivers() -> None:
    # References: scipy.stats.spearmanr / pearsonr (tol 1e-12); statsmodels multipletests fdr_bh (tol 1e-12).
    from statsmodels.stats.multitest import multipletests

    surveys, usage = _data(1)
    joined = respondent_features(prepare_responses(surveys, None, CONFIG), usage)
    table = behaviour_correlations(joined, CONFIG)
    row = table.set_index("feature").loc["dropped_calls"]
    rho, p = stats.spearmanr(joined["dropped_calls"], joined["overall"])
    assert row["spearman"] == pytest.approx(rho, abs=1e-12)
    assert row["spearman_p"] == pytest.approx(p, rel=1e-9)
    assert row["pearson"] == pytest.approx(
        stats.pearsonr(joined["dropped_calls"], joined["overall"])[0], abs=1e-12
    )
    assert table["spearman_q"].to_numpy() == pytest.approx(
        multipletests(table["spearman_p"], method="fdr_bh")[1], rel=1e-12
    )
    assert table["rank"].iloc[0] == 1 and table["feature"].iloc[0] == "dropped_calls"
    assert row["significant"] and row["spearman"] < 0 and row["direction_en"].endswith("less satisfied")
    assert table.set_index("feature").loc["data_mb", "significant"]
    assert (table["spearman"].abs().diff().dropna() <= 0).all()
    assert row["zh"] == "掉话次数"


def test_null_features_are_rarely_significant_for_any_seed() -> None:
    rng = np.random.default_rng()
    n = 200
    joined = pd.DataFrame(
        {
            "overall": rng.integers(1, 11, n).astype(float),
            **{f"noise{i}": rng.normal(size=n) for i in range(20)},
        }
    )
    table = behaviour_correlations(joined, CONFIG, labels={})
    # Under the global null, BH at 5 % makes any false discovery with probability <= 5 %;
    # more than 3 of 20 is practically impossible.
    assert table["significant"].sum() <= 3


def test_labels_come_from_the_contract_and_config() -> None:
    labels = feature_labels(CONFIG)
    assert labels["spend"][0] == "消费金额" and "CNY" in labels["spend"][1]
    assert labels["offnet_ratio"] == ("网间通话占比", "off-net share of minutes")

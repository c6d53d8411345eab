"""Survey analytics: distribution, bands, group comparisons, trend, and recovery by survey weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.errors import ConfigError, MissingColumnError
from cxradar.survey.config import load_survey_config
from cxradar.survey.scores import (
    band_summary,
    compare_groups,
    prepare_responses,
    score_distribution,
    wave_trend,
)

CONFIG = load_survey_config()


def _frame(scores: list[int], **extra: list[object]) -> pd.DataFrame:
    n = len(scores)
    data: dict[str, object] = {
        "response_id": [f"r{i}" for i in range(n)],
        "msisdn": [f"138{i:08d}" for i in range(n)],
        "overall": scores,
        **extra,
    }
    return pd.DataFrame(data)


def test_distribution_and_bands_hand_computed() -> None:
    # scores 1..10 once each plus two extra 9s (12 answers): high band 8-10 = 5/12, low 1-6 = 6/12.
    responses = prepare_responses(_frame([*range(1, 11), 9, 9]), None, CONFIG)
    dist = score_distribution(responses)
    assert dist["score"].tolist() == list(range(1, 11))
    assert dist.loc[dist["score"] == 9, "count"].item() == 3
    assert dist["share"].sum() == pytest.approx(1.0)
    row = band_summary(responses, CONFIG).iloc[0]
    assert row["high_share"] == pytest.approx(5 / 12)
    assert row["low_share"] == pytest.approx(6 / 12)
    assert row["mean"] == pytest.approx((55 + 18) / 12)
    assert row["mean_lo"] < row["mean"] < row["mean_hi"]


def test_segments_join_and_core_versus_mass() -> None:
    rng = np.random.default_rng(11)
    n = 400
    segment = rng.choice(["high_end", "data", "enterprise", "mass"], n)
    scores = np.clip(np.round(rng.normal(np.where(segment == "mass", 6.0, 8.0), 1.2)), 1, 10).astype(int)
    surveys = _frame(scores.tolist())
    subscribers = pd.DataFrame(
        {"msisdn": surveys["msisdn"], "segment": segment, "district": rng.choice(["东城", "西城"], n)}
    )
    responses = prepare_responses(surveys, subscribers, CONFIG)
    assert set(responses["core"]) == {"core", "mass"}
    summary, tests, pairs = compare_groups(responses, "core", CONFIG)
    assert summary.set_index("core").loc["core", "mean"] > summary.set_index("core").loc["mass", "mean"]
    assert tests.set_index("measure").loc["mean", "p_value"] < 1e-6
    assert tests.set_index("measure").loc["high_share", "significant"]
    assert len(pairs) == 1
    _, seg_tests, seg_pairs = compare_groups(responses, "segment", CONFIG)
    assert seg_tests.set_index("measure").loc["mean", "test"] == "anova_f"
    assert len(seg_pairs) == 6
    assert (seg_pairs["p_adjusted"] >= seg_pairs["p_value"]).all()
    # district differences are pure noise here: not significant at the Holm-adjusted level
    _, d_tests, _ = compare_groups(responses, "district", CONFIG)
    assert d_tests["test"].iloc[0] == "welch_t"


def test_compare_by_unknown_column_names_the_fix() -> None:
    responses = prepare_responses(_frame([5, 6, 7]), None, CONFIG)
    with pytest.raises(MissingColumnError, match="district"):
        compare_groups(responses, "district", CONFIG)


def test_trend_over_waves_detects_a_rising_score() -> None:
    rng = np.random.default_rng(3)
    waves = np.repeat(["2026-01", "2026-02", "2026-03", "2026-04"], 150)
    lift = np.repeat([0.0, 0.3, 0.6, 0.9], 150)
    scores = np.clip(np.round(rng.normal(6.5 + lift, 1.5)), 1, 10).astype(int)
    responses = prepare_responses(_frame(scores.tolist(), wave=waves.tolist()), None, CONFIG)
    per_wave, trend = wave_trend(responses, CONFIG)
    assert per_wave["wave"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04"]
    mean_row = trend.set_index("measure").loc["mean"]
    assert mean_row["slope_per_wave"] == pytest.approx(0.3, abs=0.15)
    assert mean_row["p_value"] < 1e-3


def test_inverse_sampling_rate_weights_recover_the_population_mean() -> None:
    # A population of 100,000 with a known mean; the core segment (20 %) is happier and is sampled
    # at 10 % while the mass is sampled at 1 %. The unweighted mean of the sample is biased towards
    # the core; weighting by 1 / sampling rate recovers the population mean within its interval.
    rng = np.random.default_rng(2026)
    size = 100_000
    core = rng.random(size) < 0.2
    scores = np.clip(np.round(rng.normal(np.where(core, 8.6, 6.2), 1.3)), 1, 10)
    truth_mean = scores.mean()
    truth_high = np.mean(scores >= 8)
    rate = np.where(core, 0.10, 0.01)
    sampled = rng.random(size) < rate
    frame = _frame(scores[sampled].astype(int).tolist(), weight=(1 / rate[sampled]).tolist())
    responses = prepare_responses(frame, None, CONFIG)
    unweighted = band_summary(responses, CONFIG, weighted=False).iloc[0]
    weighted = band_summary(responses, CONFIG).iloc[0]  # weights vary, so they are used
    assert not unweighted["mean_lo"] <= truth_mean <= unweighted["mean_hi"]
    assert abs(unweighted["mean"] - truth_mean) > 0.5
    assert weighted["mean_lo"] <= truth_mean <= weighted["mean_hi"]
    assert weighted["high_lo"] <= truth_high <= weighted["high_hi"]
    assert abs(weighted["mean"] - truth_mean) < 0.1


@pytest.mark.slow
def test_weights_on_simulator_output_recover_population_truth(tmp_path: Path) -> None:
    # The simulator oversamples the core segments (less satisfied in its story) and writes the
    # true population mean of 'overall' per month to truth/population.json. Pooling all waves,
    # the truth is the respondent-weighted average of the monthly population means.
    import cxradar.simulate as simulator

    simulator.simulate(20_000, 3, 0, tmp_path)
    truth = json.loads((tmp_path / "truth" / "population.json").read_text(encoding="utf-8"))["months"]
    subscribers = pd.read_parquet(tmp_path / "subscribers.parquet")
    responses = prepare_responses(pd.read_parquet(tmp_path / "surveys.parquet"), subscribers, CONFIG)
    per_wave = responses.groupby("wave").size()
    target = sum(truth[w]["mean_overall"] * n for w, n in per_wave.items()) / per_wave.sum()
    weighted = band_summary(responses, CONFIG, weighted=True).iloc[0]
    unweighted = band_summary(responses, CONFIG, weighted=False).iloc[0]
    # Tolerance: 3.5 linearised SEs for the weighted estimate (a 99.95 % band; the simulator's
    # sampling frame is not exactly its active population); the unweighted one misses by far more.
    assert abs(weighted["mean"] - target) <= 3.5 * weighted["mean_se"]
    assert abs(weighted["mean"] - target) < 0.5 * abs(unweighted["mean"] - target)
    assert abs(unweighted["mean"] - target) > 3.5 * unweighted["mean_se"]


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text("bands: {high: {min: 8, max: 10}, low: {min: 1, max: 6}}\ncore_segment: [mass]\n")
    with pytest.raises(ConfigError, match="Did you mean 'core_segments'"):
        load_survey_config(path)
    path.write_text("bands: {high: {min: 6, max: 10}, low: {min: 1, max: 6}}\n")
    with pytest.raises(ConfigError, match="overlaps"):
        load_survey_config(path)

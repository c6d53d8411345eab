"""Survey weights: weighted correlations, and recovering a population figure from a stratified sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxradar.csi import PLSPathModel

SPEC = {
    "constructs": {
        "Quality": {"indicators": ["q1", "q2", "q3"]},
        "Satisfaction": {"indicators": ["s1", "s2"]},
    },
    "paths": [["Quality", "Satisfaction"]],
    "scale": [1, 10],
}


def _stratum(rng: np.random.Generator, n: int, mean: float, slope: float, name: str) -> pd.DataFrame:
    quality = rng.normal(size=n)
    satisfaction = slope * quality + np.sqrt(1 - slope**2) * rng.normal(size=n)
    items = {f"q{i}": mean + 1.2 * quality + 0.6 * rng.normal(size=n) for i in (1, 2, 3)}
    items |= {f"s{i}": mean + 1.2 * satisfaction + 0.6 * rng.normal(size=n) for i in (1, 2)}
    return pd.DataFrame(items).clip(1, 10).assign(stratum=name)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_inverse_sampling_rate_weights_recover_the_population(seed: int) -> None:
    """A population of two strata: 'mass' (80 %, content, weak quality->satisfaction link) and
    'core' (20 %, less content, strong link). The survey oversamples core 4:1. The population
    figures are the model fitted on every member; the weighted sample must land near them while the
    unweighted sample misses (the gaps are several standard errors wide)."""
    rng = np.random.default_rng(seed)
    population = pd.concat(
        [_stratum(rng, 80_000, 7.0, 0.2, "mass"), _stratum(rng, 20_000, 4.5, 0.8, "core")], ignore_index=True
    )
    truth = PLSPathModel(model=SPEC).fit(population)
    rates = {"mass": 1_000 / 80_000, "core": 1_000 / 20_000}
    sample = pd.concat(
        [population[population["stratum"] == s].sample(1_000, random_state=seed) for s in rates]
    )
    weights = sample["stratum"].map(rates).rdiv(1.0)
    weighted = PLSPathModel(model=SPEC).fit(sample, sample_weight=weights)
    unweighted = PLSPathModel(model=SPEC).fit(sample)
    path = ("Quality", "Satisfaction")
    true_path = truth.path_coefficients_.loc[path]
    assert abs(weighted.path_coefficients_.loc[path] - true_path) < 0.05
    assert abs(unweighted.path_coefficients_.loc[path] - true_path) > 0.1
    true_index = truth.index_["Satisfaction"]
    assert abs(weighted.index_["Satisfaction"] - true_index) < 1.5
    assert abs(unweighted.index_["Satisfaction"] - true_index) > 5.0


def test_integer_weights_equal_repeated_rows() -> None:
    """Reference: frequency weights - weight k must give exactly what k copies of the row give."""
    rng = np.random.default_rng(5)
    frame = _stratum(rng, 300, 6.0, 0.6, "x").drop(columns="stratum")
    counts = rng.integers(1, 4, size=len(frame))
    weighted = PLSPathModel(model=SPEC).fit(frame, sample_weight=counts)
    repeated = PLSPathModel(model=SPEC).fit(frame.loc[frame.index.repeat(counts)])
    np.testing.assert_allclose(weighted.indicator_corr_, repeated.indicator_corr_, atol=1e-12)
    np.testing.assert_allclose(weighted.outer_weights_, repeated.outer_weights_, atol=1e-12)
    np.testing.assert_allclose(weighted.index_, repeated.index_, atol=1e-10)


def test_empty_weights_count_as_one_and_bad_weights_are_refused() -> None:
    frame = _stratum(np.random.default_rng(1), 200, 6.0, 0.5, "x").drop(columns="stratum")
    with_gaps = np.where(np.arange(200) % 7 == 0, np.nan, 1.0)
    np.testing.assert_allclose(
        PLSPathModel(model=SPEC).fit(frame, sample_weight=with_gaps).outer_weights_,
        PLSPathModel(model=SPEC).fit(frame).outer_weights_,
        atol=1e-12,
    )
    from cxradar.errors import DataError

    with pytest.raises(DataError, match="negative"):
        PLSPathModel(model=SPEC).fit(frame, sample_weight=-np.ones(200))

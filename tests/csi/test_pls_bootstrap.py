"""Bootstrap machinery: BCa against scipy, reproducibility, chunking, and intervals on a model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxradar.csi import PLSPathModel, bootstrap
from cxradar.csi.bootstrap import bca_interval, percentile_interval

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ecsi-mobi"


@pytest.mark.parametrize("seed", [0, 3, 9])
def test_bca_matches_scipy(seed: int) -> None:
    """Reference: scipy.stats.bootstrap(method='BCa') for the mean, replaying its resamples
    (scipy draws rng.integers(0, n, (B, n)) in one batch); agreement to 1e-12."""
    rng = np.random.default_rng(seed)
    sample = rng.gamma(2.0, size=60)
    B = 999
    ref = stats.bootstrap(
        (sample,),
        np.mean,
        n_resamples=B,
        method="BCa",
        confidence_level=0.9,
        random_state=np.random.default_rng(seed + 100),
        batch=None,
        vectorized=True,
    )
    idx = np.random.default_rng(seed + 100).integers(0, sample.size, (B, sample.size))
    draws = sample[idx].mean(axis=1)[:, None]
    jack = np.array([(sample.sum() - x) / (sample.size - 1) for x in sample])[:, None]
    low, high = bca_interval(np.array([sample.mean()]), draws, jack, level=0.9)
    assert low[0] == pytest.approx(ref.confidence_interval.low, abs=1e-12)
    assert high[0] == pytest.approx(ref.confidence_interval.high, abs=1e-12)
    p_low, p_high = percentile_interval(draws, 0.9)
    assert p_low[0] == pytest.approx(np.quantile(draws, 0.05)) and p_high[0] == pytest.approx(
        np.quantile(draws, 0.95)
    )


@pytest.fixture(scope="module")
def fitted() -> PLSPathModel:
    if not DATA.is_dir():
        pytest.fail("mobi data absent - the tests read ../shared/data", pytrace=False)
    return PLSPathModel(model="ecsi").fit(pd.read_csv(DATA / "mobi.csv"))


def test_same_seed_same_draws_and_chunks_do_not_matter(
    fitted: PLSPathModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fitted.bootstrap(n=120, seed=4)
    again = fitted.bootstrap(n=120, seed=4)
    np.testing.assert_array_equal(first.draws, again.draws)
    monkeypatch.setattr(bootstrap, "CHUNK", 50)
    chunked = fitted.bootstrap(n=120, seed=4)
    np.testing.assert_allclose(chunked.draws, first.draws, atol=1e-13)
    assert not np.allclose(fitted.bootstrap(n=120, seed=5).draws, first.draws)


def test_every_estimate_has_se_t_p_and_interval(fitted: PLSPathModel) -> None:
    result = fitted.bootstrap(n=400, seed=1, method="bca")
    table = result.table
    assert set(table.index.get_level_values("kind")) == {
        "path",
        "total",
        "weight",
        "loading",
        "r2",
        "htmt",
        "index",
    }
    assert table[["se", "ci_lower", "ci_upper"]].notna().all().all()
    constant = table["se"] < 1e-12  # a single-item block: weight and loading are 1 in every resample
    assert set(table.index[constant]) == {
        ("weight", "CUSCO -> Complaints"),
        ("loading", "CUSCO -> Complaints"),
    }
    assert table.loc[~constant, ["t", "p_value"]].notna().all().all()
    assert (
        ((table["ci_lower"] <= table["estimate"]) & (table["estimate"] <= table["ci_upper"]))
        .loc["path"]
        .all()
    )
    summary = fitted.summary
    assert {"se", "p_value", "ci_lower", "ci_upper"} <= set(summary.columns)
    strong = summary.loc["Quality -> Satisfaction"]
    assert strong["p_value"] < 0.001 and strong["ci_lower"] > 0.3
    weak = summary.loc["Expectation -> Value"]
    assert weak["p_value"] > 0.1 and weak["ci_lower"] < 0 < weak["ci_upper"]
    index = result.intervals("index").loc["Satisfaction"]
    assert index["ci_lower"] < fitted.index_["Satisfaction"] < index["ci_upper"]
    assert index["ci_upper"] - index["ci_lower"] < 6


def test_bad_arguments_are_refused(fitted: PLSPathModel) -> None:
    from cxradar.errors import ConfigError, DataError

    with pytest.raises(ConfigError, match="percentile, bca"):
        fitted.bootstrap(n=10, method="student")
    with pytest.raises(DataError, match="0-based"):
        fitted.bootstrap(indices=np.full((3, fitted.n_samples_), fitted.n_samples_))


@pytest.mark.parametrize("missing", ["mean", "pairwise"])
def test_bootstrap_with_missing_answers_and_weights_matches_resample_by_resample(missing: str) -> None:
    """Each batched resample equals fitting that resample alone (rows repeated by their counts)."""
    if not DATA.is_dir():
        pytest.fail("mobi data absent - the tests read ../shared/data", pytrace=False)
    frame = pd.read_csv(DATA / "mobi.csv").astype(float)
    frame = frame.mask(np.random.default_rng(2).random(frame.shape) < 0.05)
    weights = np.random.default_rng(3).uniform(0.5, 2.0, len(frame))
    model = PLSPathModel(model="ecsi", missing=missing).fit(frame, sample_weight=weights)
    indices = np.random.default_rng(4).integers(0, len(frame), (3, len(frame)))
    result = model.bootstrap(indices=indices)
    estimate = result.table["estimate"]
    assert estimate.loc[("path", "Quality -> Satisfaction")] == pytest.approx(
        model.path_coefficients_.loc["Quality", "Satisfaction"], abs=1e-12
    )
    assert estimate.loc[("index", "Loyalty")] == pytest.approx(model.index_["Loyalty"], abs=1e-10)
    path_rows = [i for i, (kind, _) in enumerate(result.table.index) if kind == "path"]
    for b in range(3):
        single = PLSPathModel(model="ecsi", missing=missing, scale=(1, 10)).fit(
            frame.iloc[indices[b]].reset_index(drop=True), sample_weight=weights[indices[b]]
        )
        np.testing.assert_allclose(result.draws[b, path_rows], single.paths_.to_numpy(), atol=1e-12)

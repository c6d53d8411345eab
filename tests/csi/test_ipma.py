"""IPMA: importance and performance recomputed independently, quadrants and the priority list."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.csi import PLSPathModel, ipma
from cxradar.errors import ConfigError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ecsi-mobi"


@pytest.fixture(autouse=True)
def _reference_data_present() -> None:
    """Missing reference data is a failure, never a skip."""
    if not DATA.is_dir():
        pytest.fail(f"reference data {DATA} is missing - the tests read ../shared/data", pytrace=False)


@pytest.fixture(scope="module")
def fitted() -> PLSPathModel:
    return PLSPathModel(model="ecsi").fit(pd.read_csv(DATA / "mobi.csv"))


def test_importance_and_performance_follow_the_csem_definition(fitted: PLSPathModel) -> None:
    """Reference (cSEM doIPMA, recomputed here by ordinary least squares instead of our closed form):
    rescale items to 0-100; unstandardised weights w / sd(rescaled item), normalised per block;
    construct scores on 0-100; unstandardised paths by OLS with intercept on those scores; total
    effects (I - B)^-1 - I. Agreement to 1e-9."""
    frame = pd.read_csv(DATA / "mobi.csv")
    spec = fitted.spec_
    rescaled = 100 * (frame[spec.indicators] - 1) / 9
    scores = {}
    for c in spec.constructs:
        items = list(c.indicators)
        w = fitted.outer_weights_.loc[items, c.name] / rescaled[items].std(ddof=0)
        scores[c.name] = rescaled[items].to_numpy() @ (w / w.sum()).to_numpy()
    names = spec.names
    B = np.zeros((len(names), len(names)))
    for target in spec.endogenous():
        preds = [a for a, b in spec.paths if b == target]
        design = np.column_stack([np.ones(len(frame))] + [scores[p] for p in preds])
        coef, *_ = np.linalg.lstsq(design, scores[target], rcond=None)
        for p, value in zip(preds, coef[1:], strict=True):
            B[names.index(p), names.index(target)] = value
    total = np.linalg.inv(np.eye(len(names)) - B) - np.eye(len(names))
    result = ipma(fitted, "Loyalty")
    for construct, row in result.constructs.iterrows():
        assert row["importance"] == pytest.approx(
            total[names.index(construct), names.index("Loyalty")], abs=1e-9
        )
        assert row["performance"] == pytest.approx(scores[construct].mean(), abs=1e-9)
        assert row["performance"] == pytest.approx(fitted.index_[construct], abs=1e-9)
    perq1 = result.indicators.loc["PERQ1"]
    assert perq1["performance"] == pytest.approx(rescaled["PERQ1"].mean(), abs=1e-9)
    assert set(result.constructs.index) == {
        "Image",
        "Expectation",
        "Quality",
        "Value",
        "Satisfaction",
        "Complaints",
    }


def test_quadrants_split_at_the_means_and_priorities_are_bilingual(fitted: PLSPathModel) -> None:
    result = ipma(fitted, "Satisfaction")
    cons = result.constructs
    assert "Complaints" not in cons.index and "Loyalty" not in cons.index
    for _, row in cons.iterrows():
        high_i = row["importance"] >= cons["importance"].mean()
        high_p = row["performance"] >= cons["performance"].mean()
        expected = {
            (True, False): "act_first",
            (True, True): "keep_up",
            (False, False): "low_priority",
            (False, True): "maintain",
        }[(high_i, high_p)]
        assert row["quadrant"] == expected
    assert result.priorities and all(p["en"] and p["zh"] for p in result.priorities)
    act_first = set(result.indicators.index[result.indicators["quadrant"] == "act_first"])
    named = {p["name"] for p in result.priorities if p["kind"] == "indicator"}
    assert named and named <= act_first
    as_dict = result.to_dict()
    assert as_dict["target"] == "Satisfaction" and len(as_dict["indicators"]) == len(result.indicators)


def test_unknown_target_suggests_a_construct(fitted: PLSPathModel) -> None:
    with pytest.raises(ConfigError, match="Did you mean 'Loyalty'"):
        ipma(fitted, "Loyality")
    with pytest.raises(ConfigError, match="no drivers"):
        ipma(fitted, "Image")

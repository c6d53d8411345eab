"""PLSPathModel behaviour: estimator contract, missing answers, mode B, the index, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression

from cxradar.csi import PLSPathModel, load_model_spec
from cxradar.errors import ConfigError, DataError, MissingColumnError, ModelError, UnreadableFileError

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ecsi-mobi"


def _two_block_data(seed: int, n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = x @ np.array([0.6, 0.3, -0.2]) + rng.normal(scale=0.7, size=n)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2], "y1": y})


FORMATIVE = {
    "constructs": {
        "Drivers": {"mode": "B", "indicators": ["x1", "x2", "x3"]},
        "Outcome": {"indicators": ["y1"]},
    },
    "paths": [["Drivers", "Outcome"]],
}


def test_clone_and_params_follow_the_sklearn_contract() -> None:
    model = PLSPathModel(model="acsi", scheme="centroid", tol=1e-8)
    assert model.get_params()["scheme"] == "centroid"
    twin = clone(model)
    assert twin.get_params() == model.get_params() and twin is not model
    assert not hasattr(twin, "outer_weights_")
    with pytest.raises(ConfigError, match="Did you mean 'scheme'"):
        model.set_params(schem="path")
    with pytest.raises(ModelError, match="not fitted"):
        _ = model.summary


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mode_b_with_a_single_item_outcome_is_ols(seed: int) -> None:
    """Reference: with a one-item outcome, mode B weights are the OLS coefficients of the outcome on the
    standardised indicators (rescaled to a unit-variance composite) and the path is the multiple R
    (scikit-learn LinearRegression; exact up to 1e-9)."""
    frame = _two_block_data(seed)
    model = PLSPathModel(model=FORMATIVE).fit(frame)
    z = (frame - frame.mean()) / frame.std()
    ols = LinearRegression().fit(z[["x1", "x2", "x3"]], z["y1"])
    composite = z[["x1", "x2", "x3"]].to_numpy() @ ols.coef_
    expected = ols.coef_ / composite.std(ddof=1)
    np.testing.assert_allclose(model.outer_weights_.loc[["x1", "x2", "x3"], "Drivers"], expected, atol=1e-9)
    r = np.sqrt(ols.score(z[["x1", "x2", "x3"]], z["y1"]))
    assert model.path_coefficients_.loc["Drivers", "Outcome"] == pytest.approx(r, abs=1e-9)
    assert model.r2_["Outcome"] == pytest.approx(r**2, abs=1e-9)
    assert model.vif_outer_.loc[("Drivers", "x1")] >= 1.0


def test_pairwise_missing_uses_pandas_pairwise_correlations() -> None:
    frame = pd.read_csv(DATA / "mobi.csv") if DATA.is_dir() else None
    if frame is None:
        pytest.fail("mobi data absent - the tests read ../shared/data", pytrace=False)
    rng = np.random.default_rng(7)
    holes = frame.astype(float).mask(rng.random(frame.shape) < 0.1)
    model = PLSPathModel(model="ecsi", missing="pairwise").fit(holes)
    reference = holes[model.spec_.indicators].corr()  # pandas: pairwise complete observations
    np.testing.assert_allclose(model.indicator_corr_.to_numpy(), reference.to_numpy(), atol=1e-12)


def test_mean_replacement_equals_fitting_the_imputed_table() -> None:
    if not DATA.is_dir():
        pytest.fail("mobi data absent - the tests read ../shared/data", pytrace=False)
    frame = pd.read_csv(DATA / "mobi.csv").astype(float)
    holes = frame.mask(np.random.default_rng(3).random(frame.shape) < 0.08)
    model = PLSPathModel(model="ecsi", missing="mean").fit(holes)
    imputed = PLSPathModel(model="ecsi").fit(holes.fillna(holes.mean()))
    np.testing.assert_allclose(model.path_coefficients_, imputed.path_coefficients_, atol=1e-12)
    np.testing.assert_allclose(model.index_, imputed.index_, atol=1e-10)


def test_index_is_the_acsi_rescaled_weighted_mean() -> None:
    """Hand computation: index = 100 * (sum w~ x̄ - min) / (max - min), w~ = w / sd normalised to sum 1."""
    rng = np.random.default_rng(11)
    latent = rng.normal(size=300)
    items = {f"a{i}": np.clip(np.round(6 + 1.5 * latent + rng.normal(size=300)), 1, 10) for i in range(3)}
    items["b1"] = np.clip(np.round(5 + latent + rng.normal(size=300)), 1, 10)
    frame = pd.DataFrame(items)
    spec = {
        "constructs": {"A": {"indicators": ["a0", "a1", "a2"]}, "B": {"indicators": ["b1"]}},
        "paths": [["A", "B"]],
        "scale": [1, 10],
    }
    model = PLSPathModel(model=spec).fit(frame)
    w = model.outer_weights_.loc[["a0", "a1", "a2"], "A"] / frame[["a0", "a1", "a2"]].std()
    w = w / w.sum()
    expected = 100 * ((w * frame[["a0", "a1", "a2"]].mean()).sum() - 1) / 9
    assert model.index_["A"] == pytest.approx(expected, abs=1e-9)
    assert model.index_["B"] == pytest.approx(100 * (frame["b1"].mean() - 1) / 9, abs=1e-9)
    observed = PLSPathModel(model={**spec, "scale": None}).fit(frame)  # observed min and max instead
    lo, hi = frame["b1"].min(), frame["b1"].max()
    assert observed.index_["B"] == pytest.approx(100 * (frame["b1"].mean() - lo) / (hi - lo), abs=1e-9)


def test_errors_name_the_problem_and_the_fix() -> None:
    frame = _two_block_data(0)
    with pytest.raises(MissingColumnError, match=r"\['x3'\].*Did you mean 'x3_'") as info:
        PLSPathModel(model=FORMATIVE).fit(frame.rename(columns={"x3": "x3_"}))
    assert "fix:" in str(info.value)
    with pytest.raises(ConfigError, match="Did you mean 'path'"):
        PLSPathModel(model=FORMATIVE, scheme="paths").fit(frame)
    with pytest.raises(UnreadableFileError, match="Did you mean 'ecsi'"):
        PLSPathModel(model="ecsii").fit(frame)
    with pytest.raises(DataError, match="zero variance"):
        PLSPathModel(model=FORMATIVE).fit(frame.assign(x1=1.0))
    with pytest.raises(DataError, match="row 2 has non-numeric value 'abc'"):
        PLSPathModel(model=FORMATIVE).fit(
            frame.astype({"x2": object}).assign(x2=lambda f: f["x2"].where(f.index != 2, "abc"))
        )
    with pytest.raises(ConfigError, match=r"unknown construct 'Outcom'.*Did you mean 'Outcome'"):
        load_model_spec({**FORMATIVE, "paths": [["Drivers", "Outcom"]]})


def test_templates_load_and_share_the_yaml_shape() -> None:
    for name in ("ecsi", "acsi", "telecom"):
        spec = load_model_spec(name)
        assert spec.scale == (1.0, 10.0)
        assert all(c.zh for c in spec.constructs)
    assert "Image" not in load_model_spec("acsi").names  # Fornell's ACSI has no image construct


def test_acsi_template_fits_mobi() -> None:
    if not DATA.is_dir():
        pytest.fail("mobi data absent - the tests read ../shared/data", pytrace=False)
    model = PLSPathModel(model="acsi").fit(pd.read_csv(DATA / "mobi.csv"))
    assert model.path_coefficients_.loc["Quality", "Satisfaction"] > 0.5
    assert 60 < model.index_["Satisfaction"] < 80
    assert model.summary.index[0] == "Expectation -> Quality"


def test_nullable_integer_and_text_columns_give_the_same_fit() -> None:
    frame = _two_block_data(4)
    answers = frame.mul(2).round().add(5).clip(1, 10)
    answers.loc[3, "x2"] = np.nan
    plain = PLSPathModel(model=FORMATIVE).fit(answers)
    nullable = PLSPathModel(model=FORMATIVE).fit(answers.astype("Int64"))
    text = PLSPathModel(model=FORMATIVE).fit(answers.astype("Int64").astype("string"))
    np.testing.assert_allclose(nullable.outer_weights_, plain.outer_weights_, atol=1e-12)
    np.testing.assert_allclose(text.outer_weights_, plain.outer_weights_, atol=1e-12)

"""Shared-pattern TreeSHAP against LightGBM's own ``pred_contrib``, row by row.

Reference: LightGBM 4.7 ``Booster.predict(X, pred_contrib=True)`` (Lundberg et al.'s path-dependent
TreeSHAP); tolerance 1e-9 in log-odds (the values are the same numbers, summed per tree)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxradar.models import make_model
from cxradar.models._treeshap import pattern_contributions, tree_splits


def _table(seed: int, n: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "zeros": np.where(rng.random(n) < 0.4, 0.0, rng.normal(size=n)),
            "count": rng.poisson(2, size=n).astype("float64"),
            "plan": rng.choice(["p1", "p2", "p3", "p4", "p5", "p6"], size=n),
        }
    )
    X.loc[rng.random(n) < 0.15, "a"] = np.nan  # missing numbers (routed by default_left)
    X.loc[rng.random(n) < 0.1, "plan"] = None  # missing categories (go right)
    z = np.nan_to_num(X["a"].to_numpy()) - X["b"] + (X["plan"] == "p2") * 1.2 + 0.3 * X["count"] - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z.to_numpy()))).astype(int)
    return X, y


@pytest.mark.parametrize("params", [{}, {"num_leaves": 7, "max_depth": 3}, {"num_leaves": 31}])
def test_shared_patterns_equal_lightgbm_pred_contrib(params: dict) -> None:
    X, y = _table(5, 6000)
    model = make_model("gbm", n_estimators=40, early_stopping_rounds=None, **params).fit(X, y)
    test, _ = _table(6, 5000)
    test.loc[0, "plan"] = "never seen"  # unseen level -> missing
    test.loc[1, "zeros"] = 1e-40  # LightGBM's zero band
    Xe = model._encode(test)
    trees = tree_splits(model.booster_)
    assert trees is not None
    reference = model.booster_.predict(Xe, pred_contrib=True)
    np.testing.assert_allclose(pattern_contributions(model.booster_, Xe, trees), reference, atol=1e-9)
    # the public path uses it above 1,000 rows and still adds up to the raw score
    contrib = model.contributions(test)
    np.testing.assert_allclose(contrib.to_numpy(), reference[:, :-1], atol=1e-9)
    np.testing.assert_allclose(
        model.proba_from_contributions(contrib), model.predict_proba(test)[:, 1], atol=1e-9
    )


def test_zero_missing_type_routes_zeros_by_default_left() -> None:
    # LightGBM's zero_as_missing: zeros (and NaN) take the default direction
    import lightgbm as lgb

    rng = np.random.default_rng(1)
    X = np.column_stack([np.where(rng.random(3000) < 0.5, 0.0, rng.normal(size=3000)), rng.normal(size=3000)])
    y = ((X[:, 0] > 0.2) | (X[:, 1] > 1)).astype(int)
    booster = lgb.train(
        {"objective": "binary", "zero_as_missing": True, "verbosity": -1, "num_leaves": 7},
        lgb.Dataset(X, y),
        num_boost_round=15,
    )
    trees = tree_splits(booster)
    assert trees is not None and any(s.missing_type == "Zero" for t in trees for s in t)
    X[:5, 0] = np.nan
    np.testing.assert_allclose(
        pattern_contributions(booster, X, trees), booster.predict(X, pred_contrib=True), atol=1e-9
    )

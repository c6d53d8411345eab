"""Uplift learners (scikit-learn contract) and the Qini / AUUC measures on a hand-computed fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from cxradar.campaigns.uplift import TLearner, XLearner, auuc, qini_coefficient, qini_curve, uplift_features
from cxradar.errors import ModelError

# Six customers, sorted by score already. Worked by hand (Radcliffe's Qini):
#   k:      1  2   3    4   5     6
#   N_t:    1  2   2    2   3     3      Y_t: 1 1 1 1 2 2
#   N_c:    0  0   1    2   2     3      Y_c: 0 0 1 1 1 1
#   qini:   0  0  -1    0   0.5   1      (Y_t - Y_c N_t / N_c; 0 while N_c = 0)
#   uplift: 0  0  -1.5  0   5/6   2      ((Y_t/N_t - Y_c/N_c) k)
Y = [1, 0, 1, 0, 1, 0]
T = [1, 1, 0, 0, 1, 0]
SCORE = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]


def test_qini_curve_by_hand() -> None:
    curve = qini_curve(Y, T, SCORE)
    assert curve["qini"].tolist() == pytest.approx([0, 0, 0, -1, 0, 0.5, 1])
    assert curve["uplift"].tolist() == pytest.approx([0, 0, 0, -1.5, 0, 5 / 6, 2])
    # area between Qini and the random line (k/6 x 1): trapezoid = -3, over n^2 = 36
    assert qini_coefficient(Y, T, SCORE) == pytest.approx(-3 / 36)
    # area under the uplift curve: -1.5 + 0 + 5/6 + 2/2 = 1/3, over 36
    assert auuc(Y, T, SCORE) == pytest.approx((1 / 3) / 36)


def _world(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.normal(size=n), "segment": rng.choice(["x", "y", "z"], n)})
    treated = rng.random(n) < 0.5
    tau = np.where(X["segment"] == "x", 1.5, 0.0) + 0.5 * (X["a"] > 0)
    y = X["a"] + rng.normal(size=n) + treated * tau
    return X, y.to_numpy(), treated, tau.to_numpy()


@pytest.mark.parametrize("learner", [TLearner, XLearner])
def test_learners_recover_a_known_effect(learner: type[TLearner] | type[XLearner]) -> None:
    X, y, t, tau = _world(6000, seed=1)
    model = learner().fit(X, y, t)
    pred = model.predict(X)
    assert np.corrcoef(pred, tau)[0, 1] > 0.8
    assert pred[tau == 2.0].mean() - pred[tau == 0.0].mean() == pytest.approx(2.0, abs=0.4)
    assert qini_coefficient(y, t, pred) > qini_coefficient(y, t, np.random.default_rng(0).random(len(y)))


def test_estimator_contract_and_errors() -> None:
    model = XLearner(n_estimators=50)
    assert clone(model).get_params()["n_estimators"] == 50
    assert not hasattr(model, "tau_control_")
    X, y, t, _ = _world(200, seed=2)
    with pytest.raises(ModelError, match="at least 10 treated"):
        XLearner().fit(X, y, np.zeros(len(y), dtype=bool))
    fitted = TLearner(n_estimators=20).fit(X, y, t)
    with pytest.raises(ModelError, match="missing"):
        fitted.predict(X.drop(columns="segment"))
    unseen = X.assign(segment="new level")  # an unseen category is treated as missing, not an error
    assert np.isfinite(fitted.predict(unseen)).all()


def test_uplift_features_from_a_plan() -> None:
    plan = pd.DataFrame(
        {"kinds": ["silent;model_predicted", "explicit"], "probability": [0.4, None], "value": [50, 80],
         "strategy": ["proactive_outreach", "targeted_remedy"], "remedy": [None, "billing"]}
    )  # fmt: skip
    f = uplift_features(plan)
    assert f["is_silent"].tolist() == [1.0, 0.0] and f["is_explicit"].tolist() == [0.0, 1.0]
    assert f["remedy"].tolist() == ["", "billing"]
    assert f["segment"].tolist() == ["", ""]

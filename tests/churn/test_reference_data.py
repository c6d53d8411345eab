"""Churn floors on real public data sets, through the shared models code (issue 5).

Provenance: /work/shared/data/README.md - plain scikit-learn baselines measured there: logistic
regression on the IBM telco table, 5-fold AUC about 0.845, top-decile lift about 2.85; gradient
boosting on BigML (80+20 together), AUC about 0.92. Floors: IBM AUC >= 0.845 and top-decile lift
>= 2.8 (logit, 5-fold); BigML AUC >= 0.92 on the 80/20 files as train/test and 5-fold on both.
BigML runs with the shipped gbm defaults (conf/models.yaml); measured on 2026-11-22: 80/20 files
AUC 0.9264, 5-fold on both 0.9214 (the earlier defaults - learning rate 0.03, 80 % row and column
subsampling - gave 0.9185 / 0.9190).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxradar.models import cross_validate, make_model, prepare_table, score_metrics

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"reference data not found at {DATA} - the tests read ../shared/data", pytrace=False)
    return DATA


def test_ibm_telco_logit_five_fold(data: Path) -> None:
    raw = pd.read_csv(data / "ibm-telco-churn" / "Telco-Customer-Churn.csv")
    table = prepare_table(raw, "Churn", positive="Yes", id_column="customerID")
    result = cross_validate(make_model("logit"), table.X, table.y, folds=5, seed=0)
    assert result.mean["auc"] >= 0.845
    assert result.mean["top_decile_lift"] >= 2.8


def test_bigml_gbm_train_test_files(data: Path) -> None:
    train = prepare_table(pd.read_csv(data / "bigml-churn" / "churn-bigml-80.csv"), "Churn")
    test = prepare_table(pd.read_csv(data / "bigml-churn" / "churn-bigml-20.csv"), "Churn")
    model = make_model("gbm").fit(train.X, train.y)
    metrics = score_metrics(test.y, model.predict_proba(test.X)[:, 1], model.threshold_)
    assert metrics["auc"] >= 0.92


def test_bigml_gbm_five_fold_on_both(data: Path) -> None:
    both = pd.concat(
        [pd.read_csv(data / "bigml-churn" / f"churn-bigml-{p}.csv") for p in ("80", "20")], ignore_index=True
    )
    table = prepare_table(both, "Churn")
    result = cross_validate(make_model("gbm"), table.X, table.y, folds=5, seed=0)
    assert result.mean["auc"] >= 0.92

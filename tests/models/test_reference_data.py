"""Floors on the real reference tables (../shared/data), 5-fold stratified CV, seed 0.

README of shared/data: plain scikit-learn logistic regression on IBM reaches AUC ~0.845 with a
top-decile lift ~2.85; gradient boosting on BigML (80+20) ~0.92.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from cxradar.models import cross_validate, make_model, prepare_table


def _ibm(data_dir: Path):  # type: ignore[no-untyped-def]
    df = pd.read_csv(data_dir / "ibm-telco-churn" / "Telco-Customer-Churn.csv")
    return prepare_table(df, "Churn", positive="Yes", id_column="customerID")


@pytest.mark.slow
def test_ibm_logit_floor(data_dir: Path) -> None:
    flat = _ibm(data_dir)
    means = cross_validate(make_model("logit"), flat.X, flat.y, folds=5, seed=0).mean
    assert means["auc"] >= 0.845
    assert means["top_decile_lift"] >= 2.8


@pytest.mark.slow
def test_ibm_gbm_floor(data_dir: Path) -> None:
    flat = _ibm(data_dir)
    assert cross_validate(make_model("gbm"), flat.X, flat.y, folds=5, seed=0).mean["auc"] >= 0.84


@pytest.mark.slow
def test_bigml_gbm_floor_on_the_80_20_files(data_dir: Path) -> None:
    train = prepare_table(pd.read_csv(data_dir / "bigml-churn" / "churn-bigml-80.csv"), "Churn")
    test = prepare_table(pd.read_csv(data_dir / "bigml-churn" / "churn-bigml-20.csv"), "Churn")
    model = make_model("gbm").fit(train.X, train.y)
    assert roc_auc_score(test.y, model.predict_proba(test.X)[:, 1]) >= 0.90  # issue 3 floor; 0.9264 measured

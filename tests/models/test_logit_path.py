"""``LogitModel.cross_val_path``: the out-of-fold probabilities per ``C`` are those of scikit-learn's
``LogisticRegression`` fitted fold by fold on the fold's own preprocessing (the reference is written
out here, tolerance 1e-12), and the same whether the fits run in this process or in worker processes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from cxradar.models import LogitModel
from cxradar.models import logit as logit_module
from cxradar.models.preprocess import TablePreprocessor

from .conftest import make_table

GRID = [0.03, 0.3, 1.0]


def reference_path(X, y, cv):  # type: ignore[no-untyped-def]
    out = {c: np.zeros(len(y)) for c in GRID}
    for fit_idx, test_idx in cv.split(X, y):
        pre = TablePreprocessor(0.01, 30).fit(X.iloc[fit_idx])
        z_fit, z_test = pre.transform(X.iloc[fit_idx]), pre.transform(X.iloc[test_idx])
        for c in GRID:
            lr = LogisticRegression(C=c, l1_ratio=1.0, solver="liblinear", random_state=0, max_iter=1000)
            out[c][test_idx] = lr.fit(z_fit, y[fit_idx]).predict_proba(z_test)[:, 1]
    return out


@pytest.mark.parametrize("rows", [600, 6000])  # below and above the rows that use worker processes
def test_path_equals_scikit_learn_fold_by_fold(rows: int) -> None:
    X, y = make_table(seed=3, n=rows)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    path = LogitModel(penalty="l1", Cs=GRID).cross_val_path(X, y, cv)
    reference = reference_path(X, y, cv)
    for c in GRID:
        np.testing.assert_allclose(path[c], reference[c], rtol=0, atol=1e-12)


def test_worker_processes_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    X, y = make_table(seed=5, n=1500)
    monkeypatch.setattr(logit_module, "_PARALLEL_FROM_ROWS", 1000)  # 1,500 rows go to workers
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    parallel = LogitModel(penalty="l1", Cs=GRID, n_jobs=2).cross_val_path(X, y, cv)
    serial = LogitModel(penalty="l1", Cs=GRID, n_jobs=1).cross_val_path(X, y, cv)
    for c in GRID:
        assert np.array_equal(parallel[c], serial[c])

"""The feature table against an independent implementation: the pandas baseline of bench/features.py.

bench/features.py computes every feature with pandas groupby/merge from the same definitions (it is
the baseline the benchmark compares speed against). On random operators whose money, minutes and
megabytes are at the precision the features declare (docs/features.md, "Precision"), both must
agree: integers, booleans and texts exactly, floats to 1e-9 relative - the SQL divides exact
integer sums once, pandas adds floats, so they differ in the last bits only.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from cxradar.features import build_features

from .tables import random_tables, write_tables

BENCH = Path(__file__).resolve().parents[2] / "bench" / "features.py"


def _baseline() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_features", BENCH)
    assert spec is not None and spec.loader is not None, f"cannot load {BENCH}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.filterwarnings("ignore::pandas.errors.PerformanceWarning")
@pytest.mark.parametrize(("seed", "month"), [(3, "2026-06"), (4, "2026-09")])
def test_features_match_the_pandas_baseline(tmp_path: Path, seed: int, month: str) -> None:
    folder = write_tables(tmp_path, **random_tables(seed, n=40))
    ours = build_features(folder, month)
    theirs = _baseline().pandas_features(folder, month).set_index("msisdn").loc[ours["msisdn"]].reset_index()
    assert list(theirs.columns) == list(ours.columns)
    assert ours["complaints_3m"].sum() > 0 and ours["outage_hours_3m"].sum() > 0
    assert ours["spend_slope_6m"].notna().sum() > 20 and ours["rating_mean_3m"].notna().sum() > 5
    for column in ours.columns:
        a, b = ours[column], theirs[column]
        if pd.api.types.is_float_dtype(a):
            np.testing.assert_allclose(
                a.to_numpy(float), b.to_numpy(float), rtol=1e-9, atol=1e-12, err_msg=column
            )
        else:
            same = (a.astype(object) == b.astype(object)) | (a.isna() & b.isna())
            assert same.all(), (column, a[~same].head(3).tolist(), b[~same].head(3).tolist())

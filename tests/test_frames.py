"""cxradar.frames against the pandas code it stands for (Series.isin; the set_index + reindex of
the churn labels), nulls and types included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from cxradar.frames import is_in, rows_for

TEXT = pd.Series(["13800000001", None, "13800000002", "13800000003"], dtype=object)


@pytest.mark.parametrize(
    "candidates",
    [
        ["13800000002", "x"],
        {"13800000003", None},
        pd.Index(["13800000001"], dtype=object),
        pd.Series(["13800000002", "13800000003"]).astype("str"),
        [],
    ],
)
@pytest.mark.parametrize("dtype", [object, "string", "str"])
def test_same_as_pandas_isin(candidates: object, dtype: object) -> None:
    values = TEXT.astype(dtype)  # type: ignore[call-overload]
    expected = values.isin(list(candidates)).to_numpy(dtype=bool)  # type: ignore[call-overload]
    assert np.array_equal(is_in(values, candidates), expected)  # type: ignore[arg-type]


def test_numbers_compare_as_text_and_arrow_input() -> None:
    assert list(is_in(pd.Series([1, 2, 3]), ["2"])) == [False, True, False]
    assert list(is_in(pa.array(["a", "b"]), pd.Index(["b"]))) == [False, True]
    assert is_in(pd.Series([], dtype=object), ["x"]).shape == (0,)


def test_random_keys_agree_with_isin() -> None:
    rng = np.random.default_rng(7)
    values = pd.Series(rng.integers(0, 5000, 20_000).astype(str)).astype("str")
    candidates = pd.Index(rng.integers(0, 5000, 700).astype(str))
    assert np.array_equal(is_in(values, candidates), values.isin(candidates).to_numpy())


def test_rows_for_equals_the_reindex_it_replaces() -> None:
    """Reference: the set_index / drop duplicates / reindex the churn labels used before."""
    subs = pd.DataFrame(
        {
            "msisdn": ["a", "b", "a", "c"],
            "status": ["active", "churned", "churned", None],
            "status_date": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", None]),
            "other": [1, 2, 3, 4],
        }
    )
    ids = pd.Series(["c", "zz", "a", "b", "a"])
    got = rows_for(ids, subs, ("status", "status_date", "absent"))
    ref = subs.set_index(subs["msisdn"].astype(str))
    ref = ref.loc[~ref.index.duplicated()].reindex(ids.to_numpy())[["status", "status_date"]]
    pd.testing.assert_frame_equal(got, ref, check_names=False)
    assert list(got["status"].isna()) == [True, True, False, False, False]
    assert list(got.index) == list(ids)

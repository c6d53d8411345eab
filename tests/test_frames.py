"""cxradar.frames.is_in against pandas' own Series.isin (the reference), nulls and types included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from cxradar.frames import is_in

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

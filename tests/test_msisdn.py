"""msisdn masking and keyed hashing (cxradar.msisdn): one implementation for every list."""

from __future__ import annotations

import pandas as pd
import pytest

from cxradar.errors import ConfigError
from cxradar.msisdn import hash_msisdn, mask_msisdn, mask_one


def test_mask_keeps_the_first_three_and_last_four_digits() -> None:
    got = mask_msisdn(pd.Series(["13812345678", "1381234", None], dtype="string"))
    assert got.iloc[0] == "138****5678"
    assert got.iloc[1] == "****"  # too short to show anything
    assert pd.isna(got.iloc[2])
    assert mask_one("13912340000") == "139****0000"


def test_hash_is_hmac_sha256_rfc_4231() -> None:
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
    got = hash_msisdn(pd.Series(["what do ya want for nothing?"]), "Jefe")
    assert got.tolist() == ["5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"]
    assert (
        hash_msisdn(pd.Series(["13812341234"]), "a").iloc[0]
        != hash_msisdn(pd.Series(["13812341234"]), "b").iloc[0]
    )
    with pytest.raises(ConfigError, match="secret key"):
        hash_msisdn(pd.Series(["13812341234"]), "")

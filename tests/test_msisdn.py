"""msisdn masking and keyed hashing (cxradar.msisdn): one implementation for every list."""

from __future__ import annotations

import hmac
import os

import pandas as pd
import pytest

from cxradar.errors import ConfigError
from cxradar.msisdn import KeyedHash, hash_msisdn, mask_msisdn, mask_one


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


@pytest.mark.parametrize(
    ("key", "data", "expected"),
    [  # RFC 4231 test cases 1, 2 and 6 (6: a key longer than SHA-256's 64-byte block, hashed first)
        (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            b"\xaa" * 131,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
    ],
)
def test_keyed_hash_is_rfc_4231_hmac_sha256(key: bytes, data: bytes, expected: str) -> None:
    keyed = KeyedHash(key)
    assert keyed.hexdigest(data) == expected
    assert keyed.hexdigest(data) == expected  # the kept states are not consumed by a call


def test_keyed_hash_equals_the_standard_library_for_any_key_length() -> None:
    for length in (0, 1, 32, 63, 64, 65, 200):
        key = os.urandom(length)
        keyed = KeyedHash(key)
        for data in (b"", b"13812345678", os.urandom(300)):
            assert keyed.digest(data) == hmac.digest(key, data, "sha256")

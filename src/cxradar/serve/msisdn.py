"""Mobile numbers as the operator's systems send them, made into the one key the card file uses.

Channel systems send numbers with a country prefix (``+86``, ``0086``, ``86``) and with spaces,
dashes, dots or brackets. :func:`normalise_msisdn` turns all of these into the 11-digit national form the run writes
(``^1[3-9]\\d{9}$``, conf/contract/subscribers.yaml) and rejects anything else with
:class:`InvalidMsisdnError`, whose message says what a valid number looks like. The card file is
keyed by the number as an integer (exactly the strings :data:`MSISDN_PATTERN` matches are
accepted: the API document states the same pattern, and the tests hold the two together), (:func:`msisdn_key`); :func:`mask_msisdn` is the 138****5678
form used wherever a number leaves the system for a reader without the right to see it.
"""

from __future__ import annotations

import re

from cxradar.errors import DataError
from cxradar.msisdn import mask_one

__all__ = [
    "MSISDN_PATTERN",
    "VALID_FORM",
    "InvalidMsisdnError",
    "mask_msisdn",
    "msisdn_key",
    "normalise_msisdn",
]

VALID_FORM = (
    "an 11-digit mainland China mobile number starting 13-19, e.g. 13812345678; "
    "+86, 0086 or 86 in front and spaces, dashes, dots or brackets are accepted"
)
_SEP = r"[ ().-]*"
MSISDN_PATTERN = (
    f"^{_SEP}(\\+{_SEP}8{_SEP}6|0{_SEP}0{_SEP}8{_SEP}6|8{_SEP}6)?{_SEP}1{_SEP}[3-9]({_SEP}[0-9]){{9}}{_SEP}$"
)
_SEPARATORS = re.compile(r"[ ().-]+")
_NATIONAL = re.compile(r"1[3-9]\d{9}")
_PREFIXES = ("+86", "0086", "86")
_DIGITS = frozenset("0123456789")
_SECOND = frozenset("3456789")


class InvalidMsisdnError(DataError):
    """A string that is not a mobile number in any form we accept."""


def normalise_msisdn(raw: str) -> str:
    """The 11-digit national form of ``raw``; :class:`InvalidMsisdnError` when it is none.

    >>> normalise_msisdn("+86 138-1234-5678")
    '13812345678'
    """
    if len(raw) == 11 and raw[0] == "1" and raw[1] in _SECOND and _DIGITS.issuperset(raw):
        return raw  # the common case, without any allocation
    text = _SEPARATORS.sub("", raw)
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix) :]
            break
    if _NATIONAL.fullmatch(text):
        return text
    shown = raw if len(raw) <= 32 else raw[:32] + "…"
    raise InvalidMsisdnError(f"'{shown}' is not a mobile number", fix=f"send {VALID_FORM}")


def msisdn_key(msisdn: str) -> int:
    """The card file's key for a normalised number (an 11-digit number fits 64 bits)."""
    return int(msisdn)


mask_msisdn = mask_one  # 138****5678: the one masking rule, cxradar.msisdn

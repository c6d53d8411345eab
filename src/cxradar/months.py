"""Months as the product writes them, ``YYYY-MM``: one parser and the arithmetic every step uses.

A month is the text ``YYYY-MM`` (month 01-12; ``YYYY-MM-01``, its first day, is read the same) on
the command line, in settings and in file names; anything else is a :class:`~cxradar.errors.ConfigError` naming the value and the fix. The
first day of a month is a :class:`datetime.date` (:func:`month_date`, for SQL literals) or a
:class:`pandas.Timestamp` (:func:`parse_month`, :func:`month_start`, for table filters).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from cxradar.errors import ConfigError

__all__ = ["month_bounds", "month_date", "month_index", "month_shift", "month_start", "parse_month"]

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])(?:-01)?")


def month_date(month: str) -> date:
    """``'2026-09'`` (or ``'2026-09-01'``) -> ``date(2026, 9, 1)``; anything else is a ConfigError."""
    match = _MONTH.fullmatch(str(month).strip())
    if match is None:
        raise ConfigError(
            f"month '{month}' is not a month in the form YYYY-MM",
            fix="write it as YYYY-MM, e.g. --month 2026-09",
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_index(month: str) -> int:
    """12 x year + month - 1: consecutive months have consecutive indexes."""
    first = month_date(month)
    return first.year * 12 + first.month - 1


def _from_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_shift(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (negative: before), as YYYY-MM."""
    return f"{_from_index(month_index(month) + n):%Y-%m}"


def parse_month(month: str) -> pd.Timestamp:
    """The first day of ``month`` as a timestamp."""
    return pd.Timestamp(month_date(month))


def month_start(month: str, shift: int = 0) -> pd.Timestamp:
    """The first day of the month ``shift`` months after ``month``."""
    return pd.Timestamp(_from_index(month_index(month) + shift))


def month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``[start, next_start)`` of a month as timestamps."""
    return month_start(month), month_start(month, 1)

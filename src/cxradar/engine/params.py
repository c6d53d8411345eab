"""The values the runner fills into SQL placeholders for an as-of month.

Every feature is computed "as of" a month M: only data up to the end of M is used. The SQL
files name the month boundaries with placeholders, each replaced by a plain SQL literal:

=================  ==========================================  =====================
placeholder        meaning                                     example (M = 2026-06)
=================  ==========================================  =====================
``@as_of_month``   first day of M                              ``DATE '2026-06-01'``
``@as_of_end``     first day of M+1 (exclusive end of M)       ``DATE '2026-07-01'``
``@month_minus_k`` first day of M-k, k = 1..5                  ``DATE '2026-01-01'`` (k=5)
``@as_of_index``   12 * year + month - 1 of M (month number)   ``24317``
``@low_rating_max`` highest post-contact rating that is "low"  ``2`` (from the contacts contract)
=================  ==========================================  =====================

The monthly *base* models are computed for a batch of consecutive calendar months at once
(:func:`batch_params`): ``@first_month`` is the first day of the batch's first month and
``@batch_end`` the first day after its last month.
"""

from __future__ import annotations

from datetime import date

from cxradar.errors import ConfigError
from cxradar.months import month_date, month_shift

__all__ = [
    "WINDOW_MONTHS",
    "batch_params",
    "date_literal",
    "month_params",
    "month_start_literal",
    "timestamp_literal",
]

WINDOW_MONTHS = 6  # the longest look-back window (months, the as-of month included)


def date_literal(day: date) -> str:
    """``DATE 'YYYY-MM-DD'``: a portable SQL literal (DuckDB and Spark read it alike)."""
    return f"DATE '{day:%Y-%m-%d}'"


def timestamp_literal(stamp: date) -> str:
    """``TIMESTAMP 'YYYY-MM-DD HH:MM:SS'`` of a date, datetime or pandas Timestamp (a date is
    its midnight); the one place the pipeline's SQL spells an instant."""
    return f"TIMESTAMP '{stamp:%Y-%m-%d %H:%M:%S}'"


def month_start_literal(month: str, shift: int = 0, *, timestamp: bool = False) -> str:
    """The first day of ``month`` + ``shift`` months as a DATE (or, with ``timestamp``, its
    midnight as a TIMESTAMP) literal."""
    first = month_date(month_shift(month, shift))
    return timestamp_literal(first) if timestamp else date_literal(first)


def month_params(month: str) -> dict[str, str]:
    """Placeholder name -> SQL literal for the as-of ``month`` (``YYYY-MM``)."""
    first = month_date(month)
    params = {
        "as_of_month": date_literal(first),
        "as_of_end": date_literal(month_date(month_shift(month, 1))),
        "as_of_index": str(first.year * 12 + first.month - 1),
    }
    for k in range(1, WINDOW_MONTHS):
        params[f"month_minus_{k}"] = date_literal(month_date(month_shift(month, -k)))
    params["low_rating_max"] = _low_rating_max()
    return params


def _low_rating_max() -> str:
    from cxradar.contract.schema import load_contracts  # here, so importing the engine stays light

    scale = load_contracts()["contacts"].rating_scale
    return str(int(scale.get("low_at_or_below", 2)))


def batch_params(first: str, last: str) -> dict[str, str]:
    """Placeholder name -> SQL literal for the base models over the months ``first`` .. ``last``."""
    start, end = month_date(first), month_date(last)
    if end < start:
        raise ConfigError(f"month batch {first} .. {last} ends before it starts", fix="pass first <= last")
    return {
        "first_month": date_literal(start),
        "batch_end": date_literal(month_date(month_shift(last, 1))),
        "low_rating_max": _low_rating_max(),
    }

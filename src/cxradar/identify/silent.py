"""Channel-silent customers (渠道未接触): no contact with any channel (contacts or complaints) and
no survey answer in the configured window ending with the month. Silence alone is not
dissatisfaction: :mod:`cxradar.identify.potential` flags only silent customers whose model risk
reaches the threshold."""

from __future__ import annotations

import pandas as pd

from cxradar.frames import is_in
from cxradar.months import month_bounds, month_shift

__all__ = ["channel_silent", "silent_sentence"]


def _seen(frame: pd.DataFrame, column: str, start: pd.Timestamp, end: pd.Timestamp) -> set[str]:
    stamps = pd.to_datetime(frame[column])
    return set(frame.loc[(stamps >= start) & (stamps < end), "msisdn"].astype(str))


def channel_silent(
    msisdns: pd.Series,
    month: str,
    *,
    contacts: pd.DataFrame,
    complaints: pd.DataFrame,
    surveys: pd.DataFrame,
    window_months: int,
) -> pd.Series:
    """A boolean per msisdn (indexed by msisdn): True when silent over the ``window_months``
    ending with ``month``."""
    start, _ = month_bounds(month_shift(month, -(window_months - 1)))
    _, end = month_bounds(month)
    heard = (
        _seen(contacts, "at", start, end)
        | _seen(complaints, "opened_at", start, end)
        | _seen(surveys, "answered_at", start, end)
    )
    ids = msisdns.astype(str)
    return pd.Series(~is_in(ids, heard), index=pd.Index(ids, name="msisdn"), name="silent")


def silent_sentence(window_months: int, probability: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The en and zh sentence of a silent flag (the model's risk and factors follow it)."""
    en = pd.Series(
        f"no contact with any channel and no survey answer in {window_months} months",
        index=probability.index,
        dtype="object",
    )
    zh = pd.Series(
        f"近{window_months}个月未接触任何渠道且未参与调查", index=probability.index, dtype="object"
    )
    return en, zh

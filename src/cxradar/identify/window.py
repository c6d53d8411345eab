"""The identifier's training window: the last few survey months, longer when respondents are few.

The classifier learns from survey respondents, each joined to the features as of the month they
answered. A 50,000-line operator has about 1,000 respondents in three months - too few for the
seed's floors (precision and recall 0.60, lift 3x on respondents the model did not see: on the
simulator three months gave 0.60 / 0.54 / 2.84x and six months 0.64 / 0.60 / 3.02x,
docs/identify.md "Few respondents"). So the window starts with the last ``train_window_months`` and
reaches back one month at a time, while fewer than ``train_min_respondents`` have answered, up to
``train_max_window_months`` - never into months without a respondent (before the data begins).
A large operator keeps the short, fresh window.
"""

from __future__ import annotations

from collections.abc import Mapping

from cxradar.months import month_shift

__all__ = ["training_window"]


def training_window(
    month: str, respondents: Mapping[str, int], *, shortest: int, longest: int, min_respondents: int
) -> list[str]:
    """As-of months of the training respondents, oldest first, ending with ``month``.

    ``respondents`` counts the respondents of each month (a month missing from it has none). The
    last ``shortest`` months are always in; older months are added while the count is below
    ``min_respondents``, the window is shorter than ``longest`` and the older month has any."""
    window = [month_shift(month, -k) for k in range(shortest - 1, -1, -1)]
    total = sum(int(respondents.get(m, 0)) for m in window)
    while total < min_respondents and len(window) < longest:
        older = month_shift(window[0], -1)
        count = int(respondents.get(older, 0))
        if count <= 0:
            break
        window.insert(0, older)
        total += count
    return window

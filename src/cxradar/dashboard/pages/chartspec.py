"""Charts from aggregate frames: the few shapes the pages draw, written once.

Every aggregate table has one row per code with its ``label_en`` / ``label_zh``, and many carry a
``period`` column (one row per month and code). The pages draw them in three shapes, which used to
be spelled out chart by chart:

- :func:`row_bars` - a bar per row of a frame, labelled by the row's label, one series per measure
  (customers per segment, index per construct, capacity used per channel ...);
- :func:`by_code` / :func:`stacked_by_period` - one series per code over the months (strategies,
  channels and pool exits per month as stacked bars, segment sizes as lines) or over the codes of
  another column (the causes of the pool beside those of the potential list);
- :func:`prefixed` - categories named "breakdown: group" for frames that hold several breakdowns.

They only arrange the frame's values; :mod:`cxradar.dashboard.charts` turns them into ECharts
options (one per language).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cxradar.dashboard.charts import Series, bar
from cxradar.dashboard.model import Chart
from cxradar.dashboard.pages.common import row_labels
from cxradar.dashboard.text import Text, same, t

__all__ = ["CUSTOMERS", "Measure", "by_code", "prefixed", "row_bars", "stacked_by_period"]

CUSTOMERS = t("customers", "客户数")


@dataclass(frozen=True)
class Measure:
    """A column of a frame drawn as one series: its name, and bars, a line or markers (``kind``)."""

    column: str
    name: Text
    kind: str = "bar"  # bar | line | scatter
    axis: int = 0  # 0 = left value axis, 1 = right


def row_bars(
    chart_id: str,
    title: Text,
    frame: pd.DataFrame,
    measures: Measure | Iterable[Measure],
    *,
    categories: list[Text] | None = None,
    **options: Any,
) -> Chart:
    """A bar (or point) per row of ``frame`` for each measure; categories are the rows' labels
    unless given. ``options`` go to :func:`cxradar.dashboard.charts.bar` (horizontal, percent ...)."""
    chosen = [measures] if isinstance(measures, Measure) else list(measures)
    series = [Series(m.name, list(frame[m.column]), m.kind, m.axis) for m in chosen]
    return bar(chart_id, title, row_labels(frame) if categories is None else categories, series, **options)


def by_code(
    frame: pd.DataFrame,
    code: str,
    at: list[Any],
    value: str,
    *,
    over: str = "period",
    names: Mapping[str, Text] | None = None,
    kind: str = "bar",
    sort: bool = False,
    fill: float | None = 0.0,
) -> list[Series]:
    """One series per code of column ``code``: its ``value`` at each of ``at`` (values of column
    ``over``, the months by default).

    Series are named by the rows' labels, codes in the order of first appearance (``sort``: by
    code), or by ``names`` (its codes, in its order, a series even for a code without rows). Where a
    code has no row the value is ``fill`` (0 for counts that stack, ``None`` for a gap in a line)."""
    totals = frame.groupby([code, over], sort=False, observed=True)[value].sum(min_count=1)
    if names is not None:
        codes, labels = list(names), list(names.values())
    else:
        firsts = frame.drop_duplicates(code)
        if sort:
            firsts = firsts.sort_values(code, kind="stable")
        codes, labels = list(firsts[code]), row_labels(firsts)
    return [
        Series(label, [float(totals[(c, x)]) if (c, x) in totals.index else fill for x in at], kind=kind)
        for c, label in zip(codes, labels, strict=True)
    ]


def stacked_by_period(
    chart_id: str, title: Text, frame: pd.DataFrame, code: str, value: str = "customers"
) -> Chart:
    """Stacked bars of customers per month, one colour per code of column ``code``."""
    periods = sorted(frame["period"].unique())
    return bar(
        chart_id,
        title,
        [same(p) for p in periods],
        by_code(frame, code, periods, value),
        stacked=True,
        value_name=CUSTOMERS,
    )


def prefixed(names: Mapping[str, Text], breakdowns: Iterable[Any], labels: list[Text]) -> list[Text]:
    """Categories "breakdown: group" (``names`` gives the words of each breakdown code; an unknown
    code is shown as it is)."""
    return [
        names.get(str(b), same(str(b))) + t(": ", "：") + label
        for b, label in zip(breakdowns, labels, strict=True)
    ]

"""The page model: what a report page holds, as plain data (no HTML, no JavaScript).

Pages are built from the stored tables by pure functions (:mod:`cxradar.dashboard.pages`) into
these dataclasses; :mod:`cxradar.dashboard.html` renders them. Every word is a
:class:`~cxradar.dashboard.text.Text`, so :func:`texts` can walk a page and the completeness test
can check that nothing lacks a language. Charts carry one ECharts option per language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from cxradar.dashboard.text import Text

__all__ = [
    "Block",
    "Bullets",
    "Chart",
    "Kpi",
    "KpiGrid",
    "Notice",
    "Page",
    "Para",
    "Report",
    "Section",
    "Table",
    "texts",
]


@dataclass
class Kpi:
    """One headline figure: label, the value as shown, its change, and what it means."""

    key: str
    label: Text
    value: str
    meaning: Text
    change: Text | None = None
    detail: Text | None = None


@dataclass
class KpiGrid:
    items: list[Kpi]


@dataclass
class Chart:
    """One chart: a heading and an ECharts option for each language (``{"en": {...}, "zh": {...}}``)."""

    id: str
    title: Text
    options: dict[str, dict[str, Any]]
    height: int = 320
    note: Text | None = None


@dataclass
class Table:
    """A table of formatted cells; collapsed below the charts unless ``collapsed`` is false."""

    title: Text
    columns: list[Text]
    rows: list[list[Text]]
    collapsed: bool = True
    note: Text | None = None


@dataclass
class Para:
    text: Text


@dataclass
class Bullets:
    items: list[Text]


@dataclass
class Notice:
    """Why something is not shown (e.g. the run skipped a step): a sentence and the fix."""

    text: Text


Block = KpiGrid | Chart | Table | Para | Bullets | Notice


@dataclass
class Section:
    title: Text
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Page:
    id: str
    title: Text
    intro: Text
    sections: list[Section]


@dataclass
class Report:
    month: str
    title: Text
    subtitle: Text
    pages: list[Page]
    months: list[str] = field(default_factory=list)

    def charts(self) -> list[Chart]:
        return [b for p in self.pages for s in p.sections for b in s.blocks if isinstance(b, Chart)]


def texts(node: Any) -> Iterator[Text]:
    """Every :class:`Text` in a page-model object (chart options are checked separately)."""
    if isinstance(node, Text):
        yield node
    elif isinstance(node, list | tuple):
        for item in node:
            yield from texts(item)
    elif is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            if f.name != "options":
                yield from texts(getattr(node, f.name))

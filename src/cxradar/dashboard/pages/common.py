"""Helpers every page uses: formatted tables from aggregate frames, labels of rows, notices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from cxradar.dashboard import fmt
from cxradar.dashboard.aggregates import SPECS
from cxradar.dashboard.model import Notice, Section, Table
from cxradar.dashboard.text import Text, same, t

__all__ = [
    "FORMATS",
    "cell",
    "frame_table",
    "missing",
    "notice_section",
    "row_label",
    "row_labels",
    "with_column",
]


def _bool(value: Any) -> Text:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return same("–")
    return t("yes", "是") if bool(value) else t("no", "否")


def _mark(value: Any) -> Text:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return fmt.target_mark(None)
    return fmt.target_mark(bool(value))


FORMATS: dict[str, Callable[[Any], Text]] = {
    "text": lambda v: same("–" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)),
    "count": lambda v: same(fmt.count(v)),
    "pct": lambda v: same(fmt.pct(v)),
    "num1": lambda v: same(fmt.number(v, 1)),
    "num2": lambda v: same(fmt.number(v, 2)),
    "num3": lambda v: same(fmt.number(v, 3)),
    "signed": lambda v: same(fmt.signed(v)),
    "p": lambda v: same(fmt.p_value(v).removeprefix("p = ").replace("p < ", "< ")),
    "money": lambda v: same(fmt.money(v)),
    "bool": _bool,
    "mark": _mark,
}


def cell(value: Any, kind: str) -> Text:
    """One formatted cell."""
    return FORMATS[kind](value)


def row_label(row: pd.Series) -> Text:
    """The ``label_en`` / ``label_zh`` of an aggregate row as one :class:`Text`."""
    return Text(str(row["label_en"]), str(row["label_zh"]))


def row_labels(frame: pd.DataFrame) -> list[Text]:
    return [row_label(r) for _i, r in frame.iterrows()]


def frame_table(
    title: Text,
    frame: pd.DataFrame,
    table: str,
    columns: list[tuple[str, str]],
    *,
    collapsed: bool = True,
    note: Text | None = None,
) -> Table:
    """A table of ``frame`` with the declared column headings; ``columns`` = (name, format).

    The name ``label`` stands for the row's ``label_en`` / ``label_zh`` pair, headed by the
    English/Chinese label of the code column before it.
    """
    spec = SPECS[table]
    headings = []
    for name, _kind in columns:
        if name == "label":
            code = spec.columns[spec.column_names.index("label_en") - 1]
            headings.append(
                Text(code.label.en.removesuffix(" (code)"), code.label.zh.removesuffix("（代码）"))
            )
        elif _kind == "pair":
            label = spec.label(name)
            headings.append(Text(label.en.removesuffix(" (English)"), label.zh.removesuffix("（英文）")))
        else:
            headings.append(spec.label(name))
    rows = []
    for _i, row in frame.iterrows():
        cells = []
        for name, kind in columns:
            if name == "label":
                cells.append(row_label(row))
            elif kind == "pair":  # column holds English; its Chinese twin ends in _zh
                cells.append(Text(str(row[name]), str(row[name.removesuffix("_en") + "_zh"])))
            else:
                cells.append(cell(row[name], kind))
        rows.append(cells)
    return Table(title, headings, rows, collapsed, note)


def missing(what: Text, fix: Text) -> Notice:
    """A notice that something was not produced by the run, and how to get it."""
    return Notice(Text(f"{what.en} — {fix.en}", f"{what.zh}——{fix.zh}"))


def notice_section(title: Text, what: Text, fix: Text) -> Section:
    """A section that only says what is missing and how to get it."""
    return Section(title, [missing(what, fix)])


def with_column(table: Table, heading: Text, values: list[Text], at: int | None = 0) -> Table:
    """Add a column of ready cells to ``table`` at position ``at`` (``None``: at the end)."""
    position = len(table.columns) if at is None else at
    table.columns.insert(position, heading)
    for row, value in zip(table.rows, values, strict=True):
        row.insert(position, value)
    return table

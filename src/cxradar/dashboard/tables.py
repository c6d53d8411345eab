"""The aggregate tables behind the charts: each one named, described and its columns labelled.

Every table the report writes under ``RUN_DIR/report/`` is declared here once, as a
:class:`TableSpec`; the aggregate step must produce exactly the declared columns (a test checks),
``docs/dashboard.md`` lists them from these declarations (a test checks that too), and the
collapsed tables in the report take their column headings from the same labels. Every table starts
with ``month``: the month the report was built for, so a BI tool filters one month or keeps the
history (building a month again replaces that month's rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from cxradar.dashboard.text import Text

__all__ = ["MONTH_COLUMN", "Col", "TableSpec", "coded", "col", "spec"]


@dataclass(frozen=True)
class Col:
    """One column: its name, its type for BI tools, and its heading in both languages."""

    name: str
    dtype: str  # string | int | float | bool
    label: Text


@dataclass(frozen=True)
class TableSpec:
    """One aggregate table: name, what one row is, what it shows, its page, its columns."""

    name: str
    page: str
    grain: Text
    description: Text
    columns: tuple[Col, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def label(self, column: str) -> Text:
        """The heading of ``column``."""
        for c in self.columns:
            if c.name == column:
                return c.label
        raise KeyError(f"table {self.name} has no column {column}")


MONTH_COLUMN = Col("month", "string", Text("report month", "报告月份"))


def col(name: str, dtype: str, en: str, zh: str) -> Col:
    """Shorthand for a :class:`Col`."""
    return Col(name, dtype, Text(en, zh))


def spec(
    name: str, page: str, grain: tuple[str, str], description: tuple[str, str], *columns: Col
) -> TableSpec:
    """A :class:`TableSpec` whose first column is ``month``."""
    return TableSpec(name, page, Text(*grain), Text(*description), (MONTH_COLUMN, *columns))


def coded(name: str, en: str, zh: str) -> tuple[Col, Col, Col]:
    """A code column and its ``label_en`` / ``label_zh`` columns."""
    return (
        col(name, "string", f"{en} (code)", f"{zh}（代码）"),
        col("label_en", "string", f"{en} (English)", f"{zh}（英文）"),
        col("label_zh", "string", f"{en} (Chinese)", f"{zh}（中文）"),
    )

"""docs/dashboard.md documents every table and column the report writes (rendered from the specs)."""

from __future__ import annotations

from pathlib import Path

from cxradar.dashboard.aggregates import SPECS
from cxradar.dashboard.docs import render_tables, update_doc

DOC = Path(__file__).resolve().parents[2] / "docs" / "dashboard.md"


def test_table_reference_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert update_doc(DOC) == text, "run: python -m cxradar.dashboard.docs"
    assert render_tables() in text


def test_every_table_is_named_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, spec in SPECS.items():
        assert f"### `{name}`" in text, name
        for column in spec.columns:
            assert f"| `{column.name}` |" in text, (name, column.name)

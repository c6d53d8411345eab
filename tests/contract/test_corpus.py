"""The input corpus (corpus.py): every input class keeps every row - rows in = accepted +
quarantined for each table read, rows in = the rows the generator wrote - and gets the status,
rules and message it deserves."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.contract.conftest import AS_OF
from tests.contract.corpus import CASES

from cxradar.contract import validate_dir
from cxradar.contract.report import UNREAD_STATUSES


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case(name: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    case = CASES[name](data)
    report = validate_dir(
        data, tmp_path / "out", as_of=AS_OF, wide_table=case.wide_table, mapping=case.mapping
    )
    for table, t in report.tables.items():
        if t.status not in UNREAD_STATUSES:
            assert t.rows_in == t.accepted + t.quarantined, (name, table)
    for table, expect in case.tables.items():
        t = report.tables[table]
        statuses = {expect.status} if isinstance(expect.status, str) else expect.status
        assert t.status in statuses, (name, table, t.status, t.error, t.warnings, t.rules)
        if expect.rows is not None:
            assert t.rows_in == expect.rows, (name, table, t.rows_in)
        if expect.accepted is not None:
            assert t.accepted == expect.accepted, (name, table, t.accepted, t.rules)
        assert expect.rules <= set(t.rules), (name, table, t.rules)
        if expect.message:
            assert expect.message in (t.error or ""), (name, table, t.error)
        quarantine = tmp_path / "out" / "quarantine" / f"{table}.csv"
        if t.status not in UNREAD_STATUSES:
            entries = pd.read_csv(quarantine, encoding="utf-8-sig", dtype={"line": "Int64"})
            assert entries[["file", "row"]].drop_duplicates().shape[0] == t.quarantined, (name, table)
            found = set(zip(entries["rule"], entries["line"].fillna(-1).astype(int), strict=True))
            assert expect.lines <= found, (name, table, found)
    if case.note:
        first = report.tables[next(iter(case.tables))]
        assert any(case.note in n for n in first.notes), (name, first.notes)
    assert report.usable is case.usable, (name, report.reasons)
    if not case.usable:
        assert report.reasons
    assert case.reason in " ".join(report.reasons), (name, report.reasons)
    if name == "empty_subscribers":  # the cause is named, and only the cause
        assert [r.split(":")[0] for r in report.reasons] == ["subscribers"]

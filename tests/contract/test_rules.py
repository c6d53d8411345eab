"""Every validation rule on a small broken CSV: the row lands in quarantine with file, row, line,
column, value and rule; rows in = accepted + quarantined; nothing is coerced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from tests.contract.conftest import AS_OF

from cxradar.contract import ValidationReport, load_contracts, validate_dir


def run(
    make_data: Callable[..., Path],
    edit: Callable[[dict[str, pd.DataFrame]], None] | None = None,
    **kwargs: object,
) -> tuple[ValidationReport, Path]:
    data = make_data(edit)
    out = data.parent / "out"
    report = validate_dir(data, out, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]
    for t in report.tables.values():
        if t.status not in ("missing", "error", "absent"):
            assert t.rows_in == t.accepted + t.quarantined, t
    return report, out


def quarantine(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(
        out / "quarantine" / f"{table}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )


def test_valid_folder_is_usable_and_clean(make_data: Callable[..., Path]) -> None:
    report, out = run(make_data)
    assert report.usable, report.reasons
    assert report.quarantined == 0
    for name, t in report.tables.items():
        assert t.status in ("ok", "warnings"), (name, t.warnings)
        assert t.warnings == [], (name, t.warnings)
        assert (out / "accepted" / f"{name}.parquet").exists()
    assert report.tables["usage_monthly"].months == {"2026-08": 4, "2026-09": 4, "2026-10": 4}
    subs = pq.read_table(out / "accepted" / "subscribers.parquet")
    assert str(subs.schema.field("join_date").type) == "date32[day]"
    assert str(subs.schema.field("age").type) == "int64"
    assert str(subs.schema.field("group_paid").type) == "bool"
    assert subs.column_names[:3] == ["msisdn", "join_date", "brand"]
    assert "is_local" in subs.column_names  # optional, absent -> added as null
    assert subs.column("is_local").null_count == 4


def set_cell(table: str, row: int, column: str, value: str) -> Callable[[dict[str, pd.DataFrame]], None]:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames[table].loc[row, column] = value

    return edit


@pytest.mark.parametrize(
    ("table", "column", "value", "rule"),
    [
        ("usage_monthly", "sms_count", "12a", "type"),
        ("usage_monthly", "sms_count", "0x10", "type"),
        ("usage_monthly", "spend", "1,000", "type"),
        ("subscribers", "join_date", "2026-13-01", "type"),
        ("subscribers", "join_date", "2026-02-30", "type"),
        ("complaints", "opened_at", "2026-09-03 25:00:00", "type"),
        ("subscribers", "group_paid", "maybe", "type"),
        ("usage_monthly", "month", "2026-09-15", "type"),
        ("subscribers", "district", "", "not_null"),
        ("subscribers", "brand", "GoTone", "allowed"),
        ("subscribers", "age", "7", "min"),
        ("usage_monthly", "roaming_days", "32", "max"),
        ("subscribers", "msisdn", "1380000001", "pattern"),
        ("subscribers", "join_date", "2026-11-16", "not_future"),
        ("complaints", "opened_at", "2026-11-16 00:00:00", "not_future"),
        ("usage_monthly", "month", "2026-12", "not_future"),
    ],
)
def test_each_column_rule_quarantines_the_row(
    make_data: Callable[..., Path], table: str, column: str, value: str, rule: str
) -> None:
    contracts = load_contracts()
    only = {n: contracts[n] for n in ("subscribers", table)}  # the table and what it references
    report, out = run(make_data, set_cell(table, 1, column, value), contracts=only)
    t = report.tables[table]
    assert t.quarantined == 1
    assert t.accepted == t.rows_in - 1
    assert t.status in ("quarantined", "too_many_bad")
    q = quarantine(out, table)
    hit = q[(q["rule"] == rule) & (q["column"] == column)]
    assert len(hit) == 1, q
    entry = hit.iloc[0]
    assert entry["row"] == "2" and entry["line"] == "3"
    assert entry["value"] == value
    assert entry["file"].endswith(f"{table}.csv")
    assert entry["fix"] and entry["problem_zh"]


def test_not_future_keeps_the_as_of_day_itself(make_data: Callable[..., Path]) -> None:
    report, _ = run(make_data, set_cell("contacts", 0, "at", "2026-11-15 23:59:59"))
    assert report.tables["contacts"].quarantined == 0


def test_accepted_spellings_parse(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["subscribers"].loc[0, "join_date"] = "2019/3/1"
        frames["subscribers"].loc[1, "join_date"] = "20210715"
        frames["subscribers"].loc[0, "group_paid"] = "否"
        frames["usage_monthly"].loc[0, "month"] = "202608"
        frames["usage_monthly"].loc[0, "sms_count"] = "12.0"

    report, out = run(make_data, edit)
    assert report.quarantined == 0
    subs = pd.read_parquet(out / "accepted" / "subscribers.parquet")
    assert str(subs.loc[1, "join_date"]) == "2021-07-15"
    assert not subs.loc[0, "group_paid"]


def test_not_before_pair(make_data: Callable[..., Path]) -> None:
    report, out = run(make_data, set_cell("incidents", 0, "end", "2026-09-09 00:00:00"))
    q = quarantine(out, "incidents")
    assert list(q["rule"]) == ["not_before"]
    assert q.loc[0, "column"] == "end"
    assert report.tables["incidents"].accepted == 0


def test_duplicate_key_keeps_the_first(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        usage = frames["usage_monthly"]
        dup = usage.iloc[[0]].assign(spend="1.0")
        frames["usage_monthly"] = pd.concat([usage, dup], ignore_index=True)

    report, out = run(make_data, edit)
    t = report.tables["usage_monthly"]
    assert (t.rows_in, t.accepted, t.quarantined) == (13, 12, 1)
    q = quarantine(out, "usage_monthly")
    assert list(q["rule"]) == ["duplicate_key"] and q.loc[0, "row"] == "13"
    kept = pd.read_parquet(out / "accepted" / "usage_monthly.parquet")
    assert kept.loc[0, "spend"] == pytest.approx(88.5)


def test_bad_first_duplicate_does_not_drop_the_good_second(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        usage = frames["usage_monthly"]
        bad = usage.iloc[[0]].assign(spend="lots")
        frames["usage_monthly"] = pd.concat([bad, usage], ignore_index=True)

    report, out = run(make_data, edit)
    t = report.tables["usage_monthly"]
    assert (t.accepted, t.quarantined) == (12, 1)
    assert list(quarantine(out, "usage_monthly")["rule"]) == ["type"]


def test_reference_checks_accepted_rows_of_the_other_table(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["subscribers"].loc[3, "brand"] = "unknown"  # subscriber 4 is quarantined ...

    report, out = run(make_data, edit)
    # ... so its usage rows (3 months) and cell rows (6) point at no accepted subscriber
    assert report.tables["usage_monthly"].quarantined == 3
    q = quarantine(out, "usage_monthly")
    assert set(q["rule"]) == {"reference"} and set(q["value"]) == {"15000000004"}
    assert report.tables["subscriber_cells"].rules == {"reference": 6}


def test_several_problems_in_one_row_count_once(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["usage_monthly"].loc[2, ["spend", "sms_count", "payment_channel"]] = ["-1", "x", "cash"]

    report, out = run(make_data, edit)
    assert report.tables["usage_monthly"].quarantined == 1
    q = quarantine(out, "usage_monthly")
    assert sorted(q["rule"]) == ["allowed", "min", "type"]
    assert set(q["row"]) == {"3"}


def test_month_gap_and_unknown_column_are_warnings(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        usage = frames["usage_monthly"]
        frames["usage_monthly"] = usage[usage["month"] != "2026-09"].assign(remark="x")

    report, out = run(make_data, edit)
    warnings = " ".join(report.tables["usage_monthly"].warnings)
    assert "2026-09" in warnings and "remark" in warnings
    assert "remark" not in pd.read_parquet(out / "accepted" / "usage_monthly.parquet").columns
    assert report.usable


def test_quarantine_share_over_the_limit_is_not_usable(make_data: Callable[..., Path]) -> None:
    report, _ = run(make_data, set_cell("subscribers", 3, "brand", "x"), max_quarantine_share=0.2)
    assert not report.usable
    assert report.tables["subscribers"].status == "too_many_bad"
    assert any("--max-quarantine-share" in r for r in report.reasons)
    relaxed, _ = run(make_data, set_cell("subscribers", 3, "brand", "x"), max_quarantine_share=0.3)
    assert relaxed.usable


def test_quoted_newline_shifts_the_line_number(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["subscribers"].loc[0, "occupation"] = "教师\n兼职"
        frames["subscribers"].loc[2, "brand"] = "bad"

    _, out = run(make_data, edit)
    q = quarantine(out, "subscribers")
    assert (q.loc[0, "row"], q.loc[0, "line"]) == ("3", "5")


def test_staff_references_quarantine_unknown_agents_and_followups(make_data: Callable[..., Path]) -> None:
    def edit(frames: dict[str, pd.DataFrame]) -> None:
        frames["contacts"].loc[1, "agent_id"] = "AG999"  # not on the staff roster
        frames["followups"].loc[1, "contact_id"] = "K9"  # no such contact
        frames["followups"].loc[0, "score_wait"] = "11"  # outside 1-10

    report, out = run(make_data, edit)
    assert report.tables["contacts"].rules == {"reference": 1}
    assert report.tables["followups"].rules == {"max": 1, "reference": 1}
    bad = quarantine(out, "contacts")
    assert bad["column"].tolist() == ["agent_id"] and bad["value"].tolist() == ["AG999"]


def test_contacts_with_agents_but_no_staff_table_are_kept_with_a_warning(
    make_data: Callable[..., Path],
) -> None:
    """An absent optional table cannot vouch for references: they are reported as not checked."""

    def edit(frames: dict[str, pd.DataFrame]) -> None:
        del frames["staff"], frames["followups"]

    report, _out = run(make_data, edit)
    assert report.tables["staff"].status == "absent"
    assert report.tables["contacts"].quarantined == 0
    assert any("agent_id -> staff.agent_id not checked" in w for w in report.tables["contacts"].warnings)

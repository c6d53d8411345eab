"""connect(): input tables as contract-shaped views over the files; fetch_frame types."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxradar.engine.duckdb import connect, fetch_frame
from cxradar.errors import MissingColumnError, UnreadableFileError
from features.tables import write_tables

A = "13800000001"


def test_views_have_every_contract_column_and_read_in_place(tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path,
        subscribers=[{"msisdn": A}],
        usage_monthly=[{"msisdn": A, "month": "2026-06", "spend": 12.5}],
    )
    # drop an optional column from the file: the view still has it, as NULL
    usage = pq.read_table(folder / "usage_monthly.parquet").drop_columns(["incoming_calls"])
    pq.write_table(usage.append_column("extra", pa.array([1])), folder / "usage_monthly.parquet")
    (folder / "care_actions.parquet").unlink()  # an optional table may be absent
    con = connect(folder)
    try:
        row = con.execute("SELECT msisdn, month, spend, incoming_calls FROM usage_monthly").fetchall()
        assert [tuple(map(str, r)) for r in row] == [(A, "2026-06-01", "12.5", "None")]
        columns = [r[0] for r in con.execute("DESCRIBE usage_monthly").fetchall()]
        assert "extra" not in columns and "incoming_calls" in columns
        assert con.execute("SELECT COUNT(*) FROM care_actions").fetchone() == (0,)
        plan = str(con.execute("EXPLAIN SELECT * FROM usage_monthly").fetchall())
        assert "READ_PARQUET" in plan.upper() or "PARQUET_SCAN" in plan.upper()
    finally:
        con.close()


def test_missing_required_column_and_table_are_named(tmp_path: Path) -> None:
    folder = write_tables(tmp_path, subscribers=[{"msisdn": A}])
    table = pq.read_table(folder / "usage_monthly.parquet").drop_columns(["spend"])
    pq.write_table(table, folder / "usage_monthly.parquet")
    with pytest.raises(MissingColumnError, match=r"usage_monthly.*'spend'"):
        connect(folder)
    (folder / "usage_monthly.parquet").unlink()
    with pytest.raises(UnreadableFileError, match=r"no usage_monthly\.parquet"):
        connect(folder)
    with pytest.raises(UnreadableFileError, match="does not exist"):
        connect(tmp_path / "nowhere")


def test_csv_tables_are_cast_to_contract_types(tmp_path: Path) -> None:
    folder = write_tables(tmp_path, subscribers=[{"msisdn": A}])
    (folder / "usage_monthly.parquet").unlink()
    header = (
        "msisdn,month,spend,voice_minutes,onnet_minutes,offnet_minutes,call_forward_count,missed_calls,"
        "data_mb,roaming_days,sms_count,dropped_calls,arrears_suspensions,payment_method_changes,payment_channel"
    )
    text = f"{header}\n{A},2026-06,30.5,1,1,0,2,0,100,0,0,0,0,0,微信\n"
    (folder / "usage_monthly.csv").write_bytes(text.replace("微信", "wechat").encode("gb18030"))
    con = connect(folder)
    try:
        got = con.execute("SELECT month, spend, call_forward_count FROM usage_monthly").fetchall()
        assert str(got[0][0]) == "2026-06-01" and got[0][1] == 30.5 and got[0][2] == 2
    finally:
        con.close()


def test_fetch_frame_turns_hugeint_sums_into_int64(tmp_path: Path) -> None:
    con = connect(write_tables(tmp_path))
    try:
        con.execute("CREATE TABLE t AS SELECT 'x' AS k, SUM(v) AS total FROM (VALUES (1), (2)) AS s(v)")
        frame = fetch_frame(con, "t", order_by="k")
        assert str(frame["total"].dtype) == "int64" and frame["total"].tolist() == [3]
    finally:
        con.close()

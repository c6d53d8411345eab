"""The SQL literals every step spells dates and instants with (cxradar.engine.params), checked by
hand and by both engines reading them back."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from cxradar.engine.dialects import transpile
from cxradar.engine.params import date_literal, month_start_literal, timestamp_literal


def test_literals_by_hand() -> None:
    assert date_literal(date(2026, 6, 1)) == "DATE '2026-06-01'"
    assert timestamp_literal(date(2026, 6, 1)) == "TIMESTAMP '2026-06-01 00:00:00'"
    assert timestamp_literal(pd.Timestamp("2026-06-30 23:59:58")) == "TIMESTAMP '2026-06-30 23:59:58'"
    assert month_start_literal("2026-06", -5) == "DATE '2026-01-01'"
    assert month_start_literal("2026-11", 3, timestamp=True) == "TIMESTAMP '2027-02-01 00:00:00'"


def test_duckdb_reads_them_back_and_spark_gets_the_same_values() -> None:
    sql = f"SELECT {month_start_literal('2026-12', 1)} AS d, {timestamp_literal(datetime(2026, 2, 28, 7, 5, 9))} AS t"
    ((d, t),) = duckdb.connect().execute(sql).fetchall()
    assert (d, t) == (date(2027, 1, 1), datetime(2026, 2, 28, 7, 5, 9))
    spark = transpile(sql, "spark")
    # Spark reads the instant without a time zone (TIMESTAMP_NTZ), as DuckDB's TIMESTAMP
    assert "CAST('2027-01-01' AS DATE)" in spark
    assert "CAST('2026-02-28 07:05:09' AS TIMESTAMP_NTZ)" in spark

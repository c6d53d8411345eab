"""The churners in SQL (what the bounded training sample is drawn from) against the pandas labels.

Reference: :func:`cxradar.churn.labels.label_churn` - the definition, with its hand-written
expectations in test_labels_exclusions.py. The SQL must find every line the pandas code labels
(a superset; on these fixtures exactly the same lines), for every definition kind and as-of month.
The keyed uniform behind the sample is checked against Python's hashlib MD5, exactly.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pandas as pd
import pytest

from cxradar.churn import label_churn, load_churn_config
from cxradar.churn.label_sql import churners_sql
from cxradar.engine.dialects import transpile
from cxradar.pipeline.steps.churn_table import keyed_hash_sql, keyed_uniform, keyed_uniform_sql

IDS = pd.Series([f"1380000000{i}" for i in range(1, 9)])


@pytest.mark.parametrize("name", ["port_out", "brand_downgrade", "arpu_drop"])
@pytest.mark.parametrize("month", ["2026-02", "2026-03", "2026-04", "2026-05"])
def test_sql_churners_are_the_pandas_labels(subscribers, usage, name: str, month: str) -> None:
    definition = load_churn_config().definitions[name]
    expected = label_churn(IDS, month, definition, subscribers=subscribers, usage=usage, horizon=3)
    con = duckdb.connect()
    con.register("subscribers", subscribers)
    con.register("usage_monthly", usage)
    found = {r[0] for r in con.execute(churners_sql(definition, month, 3)).fetchall()}
    assert set(IDS[expected]) <= found  # the sample must contain every churner
    assert found == set(IDS[expected])  # and, here, nothing else


def test_the_arpu_boundary_is_kept_in(subscribers, usage) -> None:
    # spend falls to exactly (1 - drop_share) x baseline - 1e-12: pandas labels it, SQL must keep it
    definition = load_churn_config().definitions["arpu_drop"]
    usage = usage.copy()
    later = (usage["msisdn"] == "13800000003") & (usage["month"] >= pd.Timestamp("2026-04-01"))
    usage.loc[later, "spend"] = 50.0 - 1e-12
    expected = label_churn(IDS, "2026-03", definition, subscribers=subscribers, usage=usage, horizon=3)
    assert expected[2]
    con = duckdb.connect()
    con.register("subscribers", subscribers)
    con.register("usage_monthly", usage)
    found = {r[0] for r in con.execute(churners_sql(definition, "2026-03", 3)).fetchall()}
    assert "13800000003" in found


def test_keyed_uniform_in_sql_is_python_md5_exactly() -> None:
    keys = pd.Series([f"1390000{i:04d}|2026-0{1 + i % 9}" for i in range(2000)])
    python = keyed_uniform(keys, "churn-sample:0")
    by_hand = np.array([int(hashlib.md5(f"churn-sample:0|{k}".encode()).hexdigest()[:8], 16) for k in keys])
    np.testing.assert_array_equal(python, by_hand / 2.0**32)
    con = duckdb.connect()
    con.register("k", pd.DataFrame({"key": keys}))
    sql = f"SELECT {keyed_uniform_sql('h')} AS u FROM (SELECT key, {keyed_hash_sql('key', 'churn-sample:0')} AS h FROM k) AS t ORDER BY key"
    got = con.execute(sql).df()["u"].to_numpy()
    np.testing.assert_array_equal(got, python[np.argsort(keys.to_numpy(), kind="stable")])
    assert 0.45 < python.mean() < 0.55 and python.min() >= 0 and python.max() < 1
    # the Spark text of the same expression uses only functions Spark has
    spark = transpile(sql, "spark")
    assert "MD5(" in spark and "LOCATE(" in spark

"""The churn table's shard inputs (:func:`cxradar.pipeline.steps.churn_table.churn_inputs`) hold
every column and month the labels and exclusions read, and nothing else of the tables.

Reference: :func:`cxradar.churn.labels.label_churn` and
:func:`cxradar.churn.exclusions.apply_exclusions` on the whole hand-built tables of conftest.py
(expectations in test_labels_exclusions.py), with a column no rule reads added to each table: on
the cut inputs they must give the same labels, kept rows and counts, exactly.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.churn import apply_exclusions, label_churn, load_churn_config
from cxradar.engine.duckdb import DuckDBEngine
from cxradar.pipeline.steps.churn_table import churn_inputs

IDS = pd.Series([f"1380000000{i}" for i in range(1, 9)])
MONTHS = ["2026-02", "2026-03", "2026-05"]  # with horizon 3 the data (to 2026-08) observes each


@pytest.mark.parametrize("name", ["port_out", "brand_downgrade", "arpu_drop"])
def test_cut_inputs_give_the_same_labels_and_exclusions(
    subscribers: pd.DataFrame, usage: pd.DataFrame, tmp_path: Path, name: str
) -> None:
    config = replace(load_churn_config(), definition=name, horizon_months=3)
    for rule in config.exclusions.values():
        rule["enabled"] = True
    subscribers = subscribers.assign(segment="mass")
    usage = usage.assign(voice_minutes=120.0)
    engine = DuckDBEngine(tmp_path / "work", shards=1)
    engine.register_frame("subscribers", subscribers)
    engine.register_frame("usage_monthly", usage)
    churn_inputs(engine, config, MONTHS, dict.fromkeys(MONTHS, True))
    subs_in = engine.fetch("SELECT * FROM churn_in_subscribers")
    usage_in = engine.fetch("SELECT * FROM churn_in_usage ORDER BY msisdn, month")
    assert "segment" not in subs_in and "voice_minutes" not in usage_in
    months_in = set(pd.to_datetime(usage_in["month"]).dt.strftime("%Y-%m"))
    if name == "port_out":  # a status label reads no usage: the as-of months, for the exclusions
        assert months_in == set(MONTHS) and list(usage_in) == ["msisdn", "month", "arrears_suspensions"]
    features = pd.DataFrame(
        {"msisdn": IDS, "tenure_months": 24, "group_paid": subscribers["group_paid"], "is_local": True}
    )
    for month in MONTHS:
        whole = label_churn(
            IDS, month, config.main, subscribers=subscribers, usage=usage, horizon=3, last="2026-08"
        )
        cut = label_churn(
            IDS, month, config.main, subscribers=subs_in, usage=usage_in, horizon=3, last="2026-08"
        )
        np.testing.assert_array_equal(cut, whole)
        a = apply_exclusions(features, month, config, subscribers=subscribers, usage=usage)
        b = apply_exclusions(features, month, config, subscribers=subs_in, usage=usage_in)
        np.testing.assert_array_equal(b.keep, a.keep)
        assert b.counts == a.counts
    engine.close()

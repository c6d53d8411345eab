"""The care step keeps the reason texts out of pandas and joins them back when it writes: the
files must hold what flagged_customers would have kept (potential list first, then the pool)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from cxradar.care.assign import flagged_customers
from cxradar.engine.duckdb import DuckDBEngine
from cxradar.pipeline.steps.care import REASON_COLUMNS, _reasons, _with_reasons

POTENTIAL = pd.DataFrame(
    {
        "msisdn": ["13800000001", "13800000002"],
        "kinds": ["silent", "incident"],
        "probability": [0.9, 0.7],
        "cause": ["network", "billing"],
        "reasons_en": ["weak coverage", None],
        "reasons_zh": ["覆盖弱", None],
    }
)
POOL = pd.DataFrame(
    {
        "msisdn": ["13800000002", "13800000003"],
        "cause": ["billing", "service"],
        "reasons_en": ["billing complaint", "hotline wait"],
        "reasons_zh": ["账单投诉", "热线等待"],
    }
)


def test_reasons_joined_back_equal_the_wide_flagged_table(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path, shards=1)
    try:
        engine.register_frame("potential_current", POTENTIAL)
        engine.register_frame("pool_current", POOL)
        engine.register_frame("who", pd.DataFrame({"msisdn": ["13800000003", "13800000001", "13800000002"]}))
        reasons = _reasons(engine, "who")
    finally:
        engine.close()
    wide = flagged_customers(POTENTIAL, POOL)
    narrow = flagged_customers(
        POTENTIAL.drop(columns=list(REASON_COLUMNS)), POOL.drop(columns=list(REASON_COLUMNS))
    )
    table = _with_reasons(narrow.iloc[::-1], reasons)
    assert table.schema.field("reasons_zh").type == pa.large_string()  # as pandas' str columns write
    joined = table.to_pandas()
    # the texts sit right after cause, as in the potential list
    assert joined.columns[
        joined.columns.get_loc("cause") + 1 : joined.columns.get_loc("cause") + 3
    ].tolist() == [
        "reasons_en",
        "reasons_zh",
    ]
    expected = wide.set_index("msisdn")[list(REASON_COLUMNS)]
    got = joined.set_index("msisdn")[list(REASON_COLUMNS)]
    # 0002: the potential list has no text, so the pool's is kept (first non-null, potential first)
    assert got.loc["13800000002", "reasons_en"] == "billing complaint"
    assert got.loc["13800000001", "reasons_zh"] == "覆盖弱"
    pd.testing.assert_frame_equal(got.sort_index().astype(object), expected.sort_index().astype(object))

"""Same seed -> identical tables; another seed -> different tables."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from cxradar.contract import load_contracts
from cxradar.simulate import simulate


def _tables(root: Path) -> dict[str, object]:
    names = [
        *load_contracts(),
        "truth/satisfaction",
        "truth/care_response",
        "truth/churn",
        "truth/subscribers",
    ]
    return {n: pq.read_table(root / f"{n}.parquet") for n in names}


def test_same_seed_same_output_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    simulate(3000, 3, 11, a)
    simulate(3000, 3, 11, b)
    simulate(3000, 3, 12, c)
    ta, tb, tc = _tables(a), _tables(b), _tables(c)
    for name in ta:
        assert ta[name].equals(tb[name]), name
    assert not ta["usage_monthly"].equals(tc["usage_monthly"])
    assert not ta["truth/satisfaction"].equals(tc["truth/satisfaction"])
    assert (a / "population.json").exists() is False  # truth lives in truth/
    assert (a / "truth" / "population.json").read_bytes() == (b / "truth" / "population.json").read_bytes()


def test_output_does_not_depend_on_earlier_blocks(tmp_path: Path) -> None:
    """Each block has its own random stream: the first block of a larger run equals a smaller run."""
    from cxradar.simulate import load_params

    params = load_params().with_overrides({"block_size": 1000})
    simulate(1000, 2, 5, tmp_path / "small", params=params)
    simulate(2500, 2, 5, tmp_path / "large", params=params)
    static = ["msisdn", "join_date", "segment", "gender", "age", "district", "payment_type", "group_id"]
    small = pq.read_table(tmp_path / "small" / "subscribers.parquet", columns=static).to_pandas()
    large = pq.read_table(tmp_path / "large" / "subscribers.parquet", columns=static).to_pandas()
    assert len(large) == 2500
    assert small.equals(large.iloc[:1000].reset_index(drop=True))

"""The default shard count per engine (cxradar.pipeline.run.default_shards), by hand."""

from __future__ import annotations

import pytest

from cxradar.pipeline.run import default_shards


@pytest.mark.parametrize(
    ("engine", "subscribers", "shards"),
    [
        ("duckdb", 20_000, 1),
        ("duckdb", 1_000_000, 8),  # 125,000 a shard
        ("duckdb", 1_000_001, 16),  # 9 needed, rounded up to a power of two
        ("duckdb", 20_000_000, 256),
        ("spark", 1_000_000, 32),  # 50,000 a shard: 20 rounded up
        ("spark", 5_000_000, 128),
        ("spark", 20_000_000, 512),  # the cap
        ("duckdb", None, 8),
    ],
)
def test_default_shards(
    engine: str, subscribers: int | None, shards: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXRADAR_SHARDS", raising=False)
    assert default_shards(engine, subscribers) == shards


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXRADAR_SHARDS", "3")
    assert default_shards("spark", 1_000_000) == 3

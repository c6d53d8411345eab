"""The lookup file: every card comes back byte for byte, any input order, atomic swap, damage named."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cxradar.errors import DataError, StateError, UnreadableFileError
from cxradar.serve.publish import current_manifest, publish, snapshots_dir, write_snapshot
from cxradar.serve.snapshot import Snapshot

from .conftest import make_run_dir


def _synthetic_cards(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    numbers = sorted({str(13000000000 + rng.randrange(10**9)) for _ in range(n)})
    rng.shuffle(numbers)  # any order: Spark writes parts in no particular order
    cards = [
        json.dumps({"month": "2026-10", "n": m, "text": "话术" * rng.randrange(1, 40)}, ensure_ascii=False)
        for m in numbers
    ]
    return numbers, cards


def test_every_card_comes_back_from_a_folder_of_unordered_parts(tmp_path: Path) -> None:
    numbers, cards = _synthetic_cards(3000, seed=1)
    parts = tmp_path / "cards"
    parts.mkdir()
    for i in range(3):  # a folder of parts, as Spark writes a table
        rows = slice(i * 1000, (i + 1) * 1000)
        pq.write_table(pa.table({"msisdn": numbers[rows], "card": cards[rows]}), parts / f"part-{i}.parquet")
    count = write_snapshot(parts, tmp_path / "x.cxcards", {"month": "2026-10", "quiet_hours": None})
    snap = Snapshot(tmp_path / "x.cxcards")
    try:
        assert count == snap.count == 3000 and snap.month == "2026-10"
        assert all(snap.get(int(m)) == c.encode() for m, c in zip(numbers, cards, strict=True))
        known = set(numbers)
        unknown = [
            k
            for k in (13000000000 + random.Random(2).randrange(10**9) for _ in range(500))
            if str(k) not in known
        ]
        assert all(snap.get(k) is None for k in unknown)
        assert snap.get(0) is None and snap.get(2**64 - 1) is None
    finally:
        snap.close()


@pytest.mark.parametrize("layout", ["one card", "two far clusters", "dense run"])
def test_the_bucket_index_finds_every_key_and_no_neighbour(tmp_path: Path, layout: str) -> None:
    # the bucket index narrows the binary search; a key next to a bucket's edge, the first and
    # the last key, and numbers in the empty range between clusters must all come out right
    rng = random.Random(3)
    if layout == "one card":
        keys = [13812345678]
    elif layout == "two far clusters":
        keys = sorted(
            {13000000000 + rng.randrange(5000) for _ in range(900)}
            | {19900000000 + rng.randrange(5000) for _ in range(900)}
        )
    else:
        keys = list(range(15000000000, 15000004000))
    numbers = [str(k) for k in keys]
    cards = [json.dumps({"month": "2026-10", "n": m}) for m in numbers]
    pq.write_table(pa.table({"msisdn": numbers, "card": cards}), tmp_path / "cards.parquet")
    write_snapshot(
        tmp_path / "cards.parquet", tmp_path / "x.cxcards", {"month": "2026-10", "quiet_hours": None}
    )
    snap = Snapshot(tmp_path / "x.cxcards")
    try:
        present = set(keys)
        for key, card in zip(keys, cards, strict=True):
            assert snap.get(key) == card.encode()
            for near in (key - 1, key + 1):
                assert (snap.get(near) is not None) == (near in present)
        assert snap.get(keys[0] - 10**6) is None and snap.get(keys[-1] + 10**6) is None
        assert snap.get(16000000000) is None  # between the clusters, or beyond the run
    finally:
        snap.close()


def test_duplicate_and_unnormalised_numbers_are_refused(tmp_path: Path) -> None:
    pq.write_table(
        pa.table({"msisdn": ["13800000001", "13800000001"], "card": ["{}", "{}"]}), tmp_path / "d.parquet"
    )
    with pytest.raises(DataError, match=r"138\*\*\*\*0001 has 2\+ cards"):
        write_snapshot(tmp_path / "d.parquet", tmp_path / "d.cxcards", {"month": "2026-10"})
    pq.write_table(pa.table({"msisdn": ["+8613800000001"], "card": ["{}"]}), tmp_path / "u.parquet")
    with pytest.raises(DataError, match="is not normalised"):
        write_snapshot(tmp_path / "u.parquet", tmp_path / "u.cxcards", {"month": "2026-10"})
    assert not list(tmp_path.glob("*.cxcards")) and not list(tmp_path.glob(".*.tmp"))


def test_a_damaged_file_is_named_not_served(tmp_path: Path) -> None:
    numbers, cards = _synthetic_cards(200, seed=3)
    pq.write_table(pa.table({"msisdn": numbers, "card": cards}), tmp_path / "c.parquet")
    write_snapshot(tmp_path / "c.parquet", tmp_path / "c.cxcards", {"month": "2026-10"})
    data = bytearray((tmp_path / "c.cxcards").read_bytes())
    (tmp_path / "short.cxcards").write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFileError, match="truncated or damaged"):
        Snapshot(tmp_path / "short.cxcards")
    data[200] ^= 0xFF  # a flipped bit in the key array
    (tmp_path / "flip.cxcards").write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError, match="fails its checksum"):
        Snapshot(tmp_path / "flip.cxcards")
    (tmp_path / "other.cxcards").write_bytes(b"PAR1" + bytes(200))
    with pytest.raises(UnreadableFileError, match="not a cxradar card file"):
        Snapshot(tmp_path / "other.cxcards")


def test_publish_swaps_the_manifest_and_keeps_one_file_back(published_template: Path, tmp_path: Path) -> None:
    run = make_run_dir(tmp_path)
    with pytest.raises(StateError, match="holds no cards"):
        publish(run)
    import shutil

    shutil.copytree(published_template / "cards", run / "cards")
    names = [publish(run)["file"] for _ in range(3)]
    manifest = current_manifest(run)
    assert manifest is not None and manifest["file"] == names[-1] and manifest["month"] == "2026-10"
    assert manifest["count"] == 6
    assert sorted(p.name for p in snapshots_dir(run).glob("*.cxcards")) == sorted(names[1:])
    assert not list(snapshots_dir(run).glob(".*"))

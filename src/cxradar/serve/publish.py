"""``cxradar publish``: turn a month's cards into the lookup file and swap it in atomically.

::

    RUN_DIR/cards/YYYY-MM.parquet ──► RUN_DIR/serve/snapshots/cards-YYYY-MM-<time>.cxcards
                                      RUN_DIR/serve/current.json   {"file", "month", "count", ...}

The new file is written whole under a temporary name, flushed to disk and renamed; only then is
``current.json`` replaced (write-to-temporary and ``os.replace``, so a reader sees the old or the
new manifest, never half of one). Running services poll the manifest and map the new file
without a restart; requests already running finish on the old mapping. The file before the
current one is kept (a running worker may not have switched yet, and it allows a roll-back with
``--file``); older ones are removed. A lock file keeps two publishes from running at once.

The cards may come in any order and as a folder of Parquet parts (Spark writes those); keys are
sorted here, a duplicate number is an error naming it (masked).
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import secrets
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cxradar.engine.files import atomic_write_text
from cxradar.errors import DataError, StateError
from cxradar.serve.cards import cards_meta_path, cards_path
from cxradar.serve.msisdn import mask_msisdn
from cxradar.serve.snapshot import Snapshot, SnapshotLayout

__all__ = ["current_manifest", "manifest_path", "publish", "snapshots_dir", "write_snapshot"]

_BATCH = 65_536
_DICT_SAMPLES = 4_000
_DICT_BYTES = 64 * 1024
_LEVEL = 3


def snapshots_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "serve" / "snapshots"


def manifest_path(run_dir: Path) -> Path:
    """``RUN_DIR/serve/current.json``: which lookup file the service serves."""
    return Path(run_dir) / "serve" / "current.json"


def current_manifest(run_dir: Path) -> dict[str, Any] | None:
    """The published manifest, or None when nothing was published yet."""
    path = manifest_path(run_dir)
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _latest_month(run_dir: Path) -> str:
    months = sorted(p.stem for p in (Path(run_dir) / "cards").glob("????-??.parquet"))
    if not months:
        raise StateError(
            f"{Path(run_dir) / 'cards'} holds no cards",
            fix="run the month first ('cxradar run' writes RUN_DIR/cards/YYYY-MM.parquet)",
        )
    return months[-1]


@contextmanager
def _publish_lock(run_dir: Path) -> Iterator[None]:
    path = Path(run_dir) / "serve" / "publish.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise StateError(
                f"another 'cxradar publish' is running on {run_dir}", fix="wait for it to finish"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(run_dir: Path, month: str | None = None) -> dict[str, Any]:
    """Publish ``month``'s cards (default: the latest built) and swap them in; returns the manifest."""
    run_dir = Path(run_dir)
    month = month or _latest_month(run_dir)
    source = cards_path(run_dir, month)
    if not source.exists():
        raise StateError(
            f"{source} does not exist",
            fix=f"build the cards first: the run of {month} writes them (or build_cards(RUN_DIR, '{month}'))",
        )
    meta_file = cards_meta_path(run_dir, month)
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {"month": month}
    started = time.perf_counter()
    with _publish_lock(run_dir):
        folder = snapshots_dir(run_dir)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"cards-{month}-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}.cxcards"
        meta = {**meta, "month": month, "published_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        count = write_snapshot(source, folder / name, meta)
        Snapshot(folder / name).close()  # it opens, so the service will open it
        manifest = {
            "file": name,
            "month": month,
            "count": count,
            "published_at": meta["published_at"],
            "seconds": round(time.perf_counter() - started, 3),
        }
        previous = current_manifest(run_dir)
        atomic_write_text(json.dumps(manifest, indent=2), manifest_path(run_dir))
        keep = {name} | ({previous["file"]} if previous else set())
        for old in folder.glob("*.cxcards"):
            if old.name not in keep:
                old.unlink(missing_ok=True)
    return manifest


def _card_batches(source: Path) -> Iterator[tuple[Any, Any]]:
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(source), format="parquet")
    for batch in dataset.to_batches(columns=["msisdn", "card"], batch_size=_BATCH):
        numbers = batch.column(0).cast("string")
        if pc.any(pc.invert(pc.match_substring_regex(numbers, r"^1[3-9]\d{9}$"))).as_py():
            bad = numbers.filter(pc.invert(pc.match_substring_regex(numbers, r"^1[3-9]\d{9}$")))[0].as_py()
            raise DataError(
                f"{source}: msisdn '{mask_msisdn(str(bad))}' is not normalised (rule ^1[3-9]\\d{{9}}$)",
                fix="build the cards with cxradar.serve.build_cards, which normalises every number",
            )
        yield pc.cast(numbers, "int64").to_numpy(), batch.column(1).cast("large_string")


def _train_dictionary(source: Path) -> Any:
    import pyarrow.dataset as ds
    import zstandard

    dataset = ds.dataset(str(source), format="parquet")
    fragments = list(dataset.get_fragments())
    rng = random.Random(20261)
    samples: list[bytes | bytearray | memoryview] = []
    groups = [(f, g.id) for f in fragments for g in f.row_groups] or [(f, None) for f in fragments]
    for fragment, group in rng.sample(groups, min(len(groups), 16)):
        part = fragment.subset(row_group_ids=[group]) if group is not None else fragment
        cards = part.to_table(columns=["card"]).column(0).to_pylist()
        samples += [c.encode() for c in rng.sample(cards, min(len(cards), _DICT_SAMPLES // 8))]
    if len(samples) < 8:  # too few cards to learn from: the raw samples are the dictionary
        return zstandard.ZstdCompressionDict(
            b"".join(samples) or b"{}", dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
    try:
        return zstandard.train_dictionary(_DICT_BYTES, samples, level=_LEVEL)
    except zstandard.ZstdError:  # training needs some variety; a small month may lack it
        return zstandard.ZstdCompressionDict(
            b"".join(samples)[-_DICT_BYTES:], dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )


def write_snapshot(source: Path, target: Path, meta: dict[str, Any]) -> int:
    """Write the lookup file for the cards in ``source`` (file or folder); returns the card count."""
    import numpy as np
    import pyarrow.dataset as ds
    import zstandard

    count = ds.dataset(str(source), format="parquet").count_rows()
    layout = SnapshotLayout(count)
    dictionary = _train_dictionary(source) if count else zstandard.ZstdCompressionDict(b"{}")
    compressor = zstandard.ZstdCompressor(level=_LEVEL, dict_data=dictionary, write_checksum=True)
    keys = np.empty(count, dtype=np.uint64)
    offsets = np.empty(count, dtype=np.uint64)
    lengths = np.empty(count, dtype=np.uint32)
    tmp = target.with_name(f".{target.name}.tmp")
    at, blob_len = 0, 0
    try:
        with open(tmp, "wb") as out:
            out.seek(layout.blob)
            for numbers, cards in _card_batches(source):
                n = len(numbers)
                frames, frame_lengths = _compress(compressor, cards)
                keys[at : at + n] = numbers
                lengths[at : at + n] = frame_lengths
                offsets[at : at + n] = blob_len + np.concatenate(([0], np.cumsum(frame_lengths)[:-1]))
                out.write(frames)
                blob_len += len(frames)
                at += n
            if at != count:
                raise DataError(f"{source} changed while it was published", fix="publish again")
            order = np.argsort(keys, kind="stable")
            keys, offsets, lengths = keys[order], offsets[order], lengths[order]
            dupes = np.flatnonzero(keys[1:] == keys[:-1])
            if len(dupes):
                raise DataError(
                    f"{source}: msisdn {mask_msisdn(str(int(keys[dupes[0]])))} has {len(dupes) + 1}+ cards",
                    fix="build the cards again with build_cards (one card per subscriber)",
                )
            dict_bytes = dictionary.as_bytes()
            meta_bytes = json.dumps({**meta, "count": count}, ensure_ascii=False).encode()
            out.write(dict_bytes)
            out.write(meta_bytes)
            key_bytes = keys.tobytes()
            out.seek(layout.keys)
            out.write(key_bytes)
            out.write(offsets.tobytes())
            out.write(lengths.tobytes())
            out.seek(0)
            dict_at = layout.blob + blob_len
            out.write(
                layout.header(
                    blob_len=blob_len, dict_at=dict_at, dict_len=len(dict_bytes),
                    meta_at=dict_at + len(dict_bytes), meta_len=len(meta_bytes), keys_crc=zlib.crc32(key_bytes),
                )
            )  # fmt: skip
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _compress(compressor: Any, cards: Any) -> tuple[bytes, Any]:
    """Compress one batch of cards on every core (zstd's own threads); frames and their lengths."""
    import numpy as np
    import zstandard

    data = cards.buffers()[2]
    bounds = np.frombuffer(cards.buffers()[1], dtype=np.int64)[cards.offset : cards.offset + len(cards) + 1]
    segments = np.empty((len(cards), 2), dtype=np.uint64)
    segments[:, 0] = bounds[:-1] - bounds[0]
    segments[:, 1] = np.diff(bounds)
    payload = memoryview(data)[bounds[0] : bounds[-1]]
    buffer = zstandard.BufferWithSegments(payload, segments.tobytes())
    result = compressor.multi_compress_to_buffer(buffer, threads=-1)
    frames = b"".join(result[i].tobytes() for i in range(len(result)))
    return frames, np.fromiter(
        (len(result[i]) for i in range(len(result))), dtype=np.uint32, count=len(result)
    )

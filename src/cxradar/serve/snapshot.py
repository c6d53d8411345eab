"""The lookup file: a memory-mapped, sorted array of msisdn keys over zstd-compressed cards.

Why our own 60-line format rather than SQLite or DuckDB: the issue measured DuckDB point queries
at 1.6k requests/s, and ``bench/serve.py --compare`` measures an immutable SQLite file against
this one (docs/performance.md, "Lookup service"). A lookup here is a binary search over the
mapped key array - narrowed first by a small bucket index built at open, one bucket per ~4 keys
of the key range, so the search touches one or two pages instead of ~23 scattered ones (3.8 µs
against ~1 µs at 5M cards) - and one zstd decompression (~2 µs): no query planner, no per-lookup
allocation beyond the card itself, nothing read at start-up but the header, the key array (its
checksum and the bucket index) and the dictionary, and the pages are the operating system's page
cache, shared by every worker.

::

    offset 0     header (128 bytes): magic, version, count, section offsets and lengths, CRC
                 keys     uint64[count]   msisdn as a number, ascending, unique
                 offsets  uint64[count]   where each card's frame starts in the blob
                 lengths  uint32[count]   its length
                 blob     zstd frames (each with its content size), one per card, any order
                 dict     the zstd dictionary trained on this month's cards
                 meta     JSON: month, count, quiet hours, built/published times, sources

Cards compress ~15x with a dictionary trained on the month's own cards (their scripts, decisions
and labels repeat), which keeps a 5M-card month near 1 GB instead of 10 GB. Files are written
whole to a temporary name and renamed (:mod:`cxradar.serve.publish`); a file is never changed
once written, so a reader may keep it mapped while a newer month is swapped in.
"""

from __future__ import annotations

import bisect
import json
import mmap
import os
import struct
import zlib
from pathlib import Path
from typing import Any

from cxradar.errors import UnreadableFileError

__all__ = ["MAGIC", "Snapshot", "SnapshotLayout"]

MAGIC = b"CXCARDS1"
VERSION = 1
HEADER_SIZE = 128
# magic, version, count, keys, offsets, lengths, blob, blob_len, dict, dict_len, meta, meta_len, keys_crc
_HEADER = struct.Struct("<8sIQQQQQQQQQQI")


class SnapshotLayout:
    """Where each section of a file with ``count`` cards starts (the blob may grow after them)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.keys = HEADER_SIZE
        self.offsets = self.keys + 8 * count
        self.lengths = self.offsets + 8 * count
        self.blob = self.lengths + 4 * count

    def header(
        self, *, blob_len: int, dict_at: int, dict_len: int, meta_at: int, meta_len: int, keys_crc: int
    ) -> bytes:
        packed = _HEADER.pack(
            MAGIC, VERSION, self.count, self.keys, self.offsets, self.lengths, self.blob, blob_len,
            dict_at, dict_len, meta_at, meta_len, keys_crc,
        )  # fmt: skip
        return packed.ljust(HEADER_SIZE, b"\0")


class Snapshot:
    """One published month, mapped read-only: ``get(key)`` returns the card's JSON bytes or None."""

    def __init__(self, path: Path) -> None:
        import zstandard

        self.path = Path(path)
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115 - kept open for the mapping's life
        except OSError as error:
            raise UnreadableFileError(f"cannot open the card file {self.path}: {error}", fix=_FIX) from error
        try:
            size = os.fstat(self._file.fileno()).st_size
            if size < HEADER_SIZE:
                raise UnreadableFileError(f"{self.path} is too short to be a card file", fix=_FIX)
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            fields = _HEADER.unpack_from(self._map, 0)
            magic, version, count, k_at, o_at, l_at, b_at, b_len, d_at, d_len, m_at, m_len, crc = fields
            if magic != MAGIC or version != VERSION:
                raise UnreadableFileError(
                    f"{self.path} is not a cxradar card file (version {VERSION})", fix=_FIX
                )
            layout = SnapshotLayout(count)
            ends = (b_at + b_len, d_at + d_len, m_at + m_len)
            if (k_at, o_at, l_at, b_at) != (layout.keys, layout.offsets, layout.lengths, layout.blob) or max(
                ends
            ) > size:
                raise UnreadableFileError(
                    f"{self.path} is truncated or damaged (sections out of range)", fix=_FIX
                )
            view = memoryview(self._map)
            self._views = [view]
            self._keys = view[k_at:o_at].cast("Q")
            self._offsets = view[o_at:l_at].cast("Q")
            self._lengths = view[l_at:b_at].cast("I")
            self._views += [self._keys, self._offsets, self._lengths]
            if zlib.crc32(view[k_at:o_at]) != crc:
                raise UnreadableFileError(f"{self.path}: the key array fails its checksum", fix=_FIX)
            self._blob_at = b_at
            self.count = count
            self._index(view[k_at:o_at])
            self.meta: dict[str, Any] = json.loads(bytes(self._map[m_at : m_at + m_len]))
            dictionary = zstandard.ZstdCompressionDict(bytes(self._map[d_at : d_at + d_len]))
            self._decompress = zstandard.ZstdDecompressor(dict_data=dictionary).decompress
        except BaseException:
            self.close()
            raise

    def _index(self, keys: memoryview) -> None:
        """Bucket ``b`` holds the keys in ``[low + b * width, low + (b + 1) * width)``; its first
        position is ``self._starts[b]`` (the last entry is ``count``)."""
        import numpy as np

        self._low, self._width = 0, 1
        self._starts: memoryview | list[int] = [0, 0]
        if not self.count:
            return
        array = np.frombuffer(keys, dtype="<u8")
        low, high = int(array[0]), int(array[-1])
        buckets = max(1, self.count // _KEYS_PER_BUCKET)
        self._low, self._width = low, (high - low) // buckets + 1
        edges = low + self._width * np.arange(buckets + 1, dtype=np.uint64)
        starts = np.searchsorted(array, edges, side="left").astype(np.int64)
        starts[-1] = self.count
        self._starts = memoryview(starts.tobytes()).cast("q")

    @property
    def month(self) -> str:
        return str(self.meta["month"])

    def get(self, key: int) -> bytes | None:
        """The card of the subscriber with this key (:func:`~cxradar.serve.msisdn.msisdn_key`)."""
        bucket = (key - self._low) // self._width
        if bucket < 0 or bucket >= len(self._starts) - 1:
            return None
        keys, end = self._keys, self._starts[bucket + 1]
        i = bisect.bisect_left(keys, key, self._starts[bucket], end)
        if i == end or keys[i] != key:
            return None
        start = self._blob_at + self._offsets[i]
        return self._decompress(self._map[start : start + self._lengths[i]])

    def close(self) -> None:
        """Release the mapping (safe to call twice)."""
        for view in reversed(getattr(self, "_views", [])):
            view.release()
        self._views = []
        mapped = getattr(self, "_map", None)
        if mapped is not None and not mapped.closed:
            mapped.close()
        handle = getattr(self, "_file", None)
        if handle is not None:
            handle.close()


_KEYS_PER_BUCKET = 4
_FIX = "publish the month again: cxradar publish RUN_DIR --month YYYY-MM"

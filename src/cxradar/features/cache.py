"""Where the monthly bases and the feature tables are cached, and when a cached one may be reused.

Layout under the cache folder (one folder per cache key; a run removes the folders of other keys)::

    features-<key>/base-<engine>/<base model>/<first>_<last>.parquet   base rows of those months
    features-<key>/base-<engine>/<base model>/<first>_<last>.json      written last: the file is whole
    features-<key>/tables-<engine>-<shards>/<YYYY-MM>/                 the feature table of an as-of month
                                                                       (Engine.write_sharded, atomic)

The key is a hash of the caller's input fingerprint, the text of every feature SQL model, the
contract values the SQL reads (the low-rating mark) and a format version: a new fingerprint, an
edited SQL file or a new contract starts a fresh cache. Feature tables are also keyed by the engine
and its shard count, because a sharded dataset is laid out for that engine and count.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cxradar.engine.files import atomic_write_text
from cxradar.features.plan import FeatureModels
from cxradar.months import month_index, month_shift

__all__ = ["CACHE_FORMAT", "BasePart", "FeatureCache", "cache_key"]

CACHE_FORMAT = "cxradar-features-2"
_KEY_DIR = re.compile(r"^features-[0-9a-f]{16}$")
# what an interrupted atomic write leaves behind: "x.tmp-abc" / "x.old-abc" folders, ".x.abc.tmp" files
_LEFTOVER = re.compile(r"\.(tmp|old)-|^\..*\.tmp$")


def cache_key(fingerprint: str, models: FeatureModels, contract_values: dict[str, str]) -> str:
    """The cache key: fingerprint, model texts and contract values the SQL reads, hashed."""
    digest = hashlib.sha256()
    digest.update(CACHE_FORMAT.encode())
    digest.update(b"\0" + fingerprint.encode("utf-8"))
    for model in sorted(models.all, key=lambda m: m.name):
        digest.update(b"\0" + model.name.encode() + b"\0" + model.path.read_bytes())
    for name, value in sorted(contract_values.items()):
        digest.update(f"\0{name}={value}".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class BasePart:
    """A cached file of one base model holding the months ``first`` .. ``last``."""

    model: str
    first: str
    last: str
    path: Path

    def months(self) -> list[str]:
        count = month_index(self.last) - month_index(self.first) + 1
        return [month_shift(self.first, k) for k in range(count)]

    def overlaps(self, months: Iterable[str]) -> bool:
        lo, hi = month_index(self.first), month_index(self.last)
        return any(lo <= month_index(m) <= hi for m in months)


class FeatureCache:
    """Paths and bookkeeping of one cache key for one engine (see the module docstring)."""

    def __init__(self, cache_dir: Path, key: str, engine: str, shards: int) -> None:
        self.cache_dir = Path(cache_dir)
        self.root = self.cache_dir / f"features-{key}"
        self.base_root = self.root / f"base-{engine}"
        self.tables_root = self.root / f"tables-{engine}-{shards}"

    # ------------------------------------------------------------------ base parts

    def part_path(self, model: str, first: str, last: str) -> Path:
        return self.base_root / model / f"{first}_{last}.parquet"

    def finish_part(self, model: str, first: str, last: str, rows: int) -> BasePart:
        """Mark the part whole (only now do later runs use it)."""
        path = self.part_path(model, first, last)
        info = {"model": model, "first": first, "last": last, "rows": rows}
        atomic_write_text(json.dumps(info, indent=2), path.with_suffix(".json"))
        return BasePart(model, first, last, path)

    def parts(self, model: str) -> list[BasePart]:
        """The whole cached parts of base ``model``, oldest first."""
        folder = self.base_root / model
        found = []
        if folder.is_dir():
            for marker in folder.glob("*.json"):
                info = json.loads(marker.read_text(encoding="utf-8"))
                path = marker.with_suffix(".parquet")
                if path.exists():
                    found.append(BasePart(model, str(info["first"]), str(info["last"]), path))
        return sorted(found, key=lambda p: month_index(p.first))

    def cached_months(self, model: str) -> set[str]:
        return {m for part in self.parts(model) for m in part.months()}

    # ------------------------------------------------------------------ feature tables

    def table_path(self, month: str) -> Path:
        return self.tables_root / month

    def has_table(self, month: str) -> bool:
        return self.table_path(month).is_dir()

    # ------------------------------------------------------------------ housekeeping

    def prune(self) -> list[Path]:
        """Remove the folders of other cache keys (a changed fingerprint or SQL) and what an
        interrupted write left in this one; returns what was removed."""
        removed = []
        if self.cache_dir.is_dir():
            for folder in self.cache_dir.iterdir():
                if folder.is_dir() and _KEY_DIR.match(folder.name) and folder != self.root:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
        if self.root.is_dir():
            for leftover in [p for p in self.root.rglob("*") if _LEFTOVER.search(p.name)]:
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
                removed.append(leftover)
        return removed


def cached_tables(cache_dir: Path) -> dict[str, Path]:
    """``{as-of month: folder}`` of the feature tables whole in ``cache_dir`` (a run's
    ``RUN_DIR/features``), for readers outside the run such as the dashboard; where several
    engines or shard counts wrote a month, the folder written last."""
    found: dict[str, Path] = {}
    root = Path(cache_dir)
    if not root.is_dir():
        return found
    tables = [t for key in root.iterdir() if _KEY_DIR.match(key.name) for t in key.glob("tables-*")]
    for folder in sorted((t for t in tables if t.is_dir()), key=lambda t: t.stat().st_mtime):
        for month in folder.iterdir():
            if month.is_dir() and not _LEFTOVER.search(month.name) and any(month.rglob("*.parquet")):
                found[month.name] = month
    return found

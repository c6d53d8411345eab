"""The durable, append-only store of care deliveries that channels report through the API.

``RUN_DIR/deliveries/deliveries.sqlite`` (SQLite in WAL mode with ``synchronous=FULL``: a commit
returns only once the write-ahead log is on disk, so an acknowledged delivery survives a killed
process and a power cut). Two tables:

``requests``
    one row per ``Idempotency-Key`` and channel system: a fingerprint of the request and the
    response given, so a retry gets the same answer and a reused key with another body is refused;
``deliveries``
    one row per care action a request recorded. Triggers refuse UPDATE and DELETE: rows are only
    ever appended.

:class:`DeliveryStore` commits in groups: requests wait in a queue, one writer thread per process
takes all that are waiting, writes them in one transaction, syncs once and only then answers
each of them. That is what keeps thousands of durable deliveries a second possible on a disk
whose sync takes milliseconds. Several worker processes may share the file (SQLite locks it).
The monthly run reads the store back with :mod:`cxradar.serve.delivery_io`.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

__all__ = [
    "GATHER_SECONDS",
    "SWITCH_INTERVAL",
    "DeliveryRecord",
    "DeliveryStore",
    "StoredOutcome",
    "store_path",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    scope TEXT NOT NULL, idempotency_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, response TEXT NOT NULL, received_at TEXT NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL, scope TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    key_id TEXT NOT NULL, month TEXT NOT NULL,
    care_id TEXT NOT NULL, campaign TEXT, strategy TEXT, assigned_channel TEXT, assigned_at TEXT,
    msisdn TEXT NOT NULL, delivered_channel TEXT NOT NULL, agent TEXT, delivered_at TEXT NOT NULL,
    outcome TEXT NOT NULL, rating INTEGER, received_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_care ON deliveries (care_id);
CREATE TRIGGER IF NOT EXISTS deliveries_no_update BEFORE UPDATE ON deliveries
    BEGIN SELECT RAISE(ABORT, 'deliveries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS deliveries_no_delete BEFORE DELETE ON deliveries
    BEGIN SELECT RAISE(ABORT, 'deliveries are append-only'); END;
"""
_COLUMNS = (
    "delivery_id", "scope", "idempotency_key", "key_id", "month", "care_id", "campaign", "strategy",
    "assigned_channel", "assigned_at", "msisdn", "delivered_channel", "agent", "delivered_at", "outcome",
    "rating", "received_at",
)  # fmt: skip
_MAX_GROUP = 512
SWITCH_INTERVAL = 0.0005  # seconds; see DeliveryStore
GATHER_SECONDS = 0.002  # a small group waits this long for more before it is written
_GATHER_BELOW = 32


def store_path(run_dir: Path) -> Path:
    """``RUN_DIR/deliveries/deliveries.sqlite``."""
    return Path(run_dir) / "deliveries" / "deliveries.sqlite"


@dataclass(frozen=True)
class DeliveryRecord:
    """One request to record: its idempotency scope and key, fingerprint, rows and answer."""

    scope: str
    idempotency_key: str
    fingerprint: str
    rows: tuple[dict[str, Any], ...]
    status: int
    response: str
    received_at: str


@dataclass(frozen=True)
class StoredOutcome:
    """What the store did: ``new`` (written now), ``replay`` (same key, same request) or
    ``conflict`` (same key, another request); with the status and response to give."""

    kind: str
    status: int
    response: str


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the store (created with its schema when writing)."""
    if readonly:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        con.execute("PRAGMA query_only = ON")
        return con
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    con.executescript(_SCHEMA)
    return con


_EXISTING = """
SELECT r.scope, r.idempotency_key, r.fingerprint, r.status, r.response
FROM json_each(?) AS j
JOIN requests AS r ON r.scope = json_extract(j.value, '$[0]') AND r.idempotency_key = json_extract(j.value, '$[1]')
"""
_INSERT_REQUESTS = """
INSERT INTO requests (scope, idempotency_key, fingerprint, status, response, received_at)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
       json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')
FROM json_each(?) ORDER BY key
"""
_INSERT_DELIVERIES = f"""
INSERT INTO deliveries ({", ".join(_COLUMNS)})
SELECT {", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(_COLUMNS)))}
FROM json_each(?) ORDER BY key
"""


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()  # a text parameter: SQLite's JSON functions refuse blobs


def write_group(con: sqlite3.Connection, records: Iterable[DeliveryRecord]) -> list[StoredOutcome]:
    """Write the records in one transaction (committed, hence on disk, when this returns).

    Whatever the group's size, this is five SQLite statements (begin, look up the keys, insert
    the requests, insert the rows, commit), each given the whole group as one JSON parameter:
    Python's sqlite3 gives up and takes back the GIL around every statement step, and with the
    event loop busy each taking back may wait for the interpreter's switch interval, so the
    writer's steps, not the disk, bounded a group commit with one statement a row."""
    records = list(records)
    outcomes: list[StoredOutcome | None] = [None] * len(records)
    con.execute("BEGIN IMMEDIATE")
    try:
        stored = {
            (str(scope), str(key)): (str(fingerprint), int(status), str(response))
            for scope, key, fingerprint, status, response in con.execute(
                _EXISTING, (_json([[r.scope, r.idempotency_key] for r in records]),)
            )
        }
        new: list[DeliveryRecord] = []
        for i, r in enumerate(records):
            found = stored.get((r.scope, r.idempotency_key))
            if found is None:  # first of its key, here and before: written now
                stored[(r.scope, r.idempotency_key)] = (r.fingerprint, r.status, r.response)
                outcomes[i] = StoredOutcome("new", r.status, r.response)
                new.append(r)
            else:  # stored before, or earlier in this group
                kind = "replay" if found[0] == r.fingerprint else "conflict"
                outcomes[i] = StoredOutcome(kind, found[1], found[2])
        if new:
            con.execute(
                _INSERT_REQUESTS,
                (_json([[r.scope, r.idempotency_key, r.fingerprint, r.status, r.response, r.received_at] for r in new]),),
            )  # fmt: skip
            con.execute(
                _INSERT_DELIVERIES, (_json([[row.get(c) for c in _COLUMNS] for r in new for row in r.rows]),)
            )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return [o for o in outcomes if o is not None]


class DeliveryStore:
    """Group-committing writer for one process; ``await store.append(record)`` acknowledges only
    once the record is on disk.

    Opening a store lowers the interpreter's switch interval to :data:`SWITCH_INTERVAL` (from
    5 ms): when the writer thread comes back from SQLite while the event loop is busy, it waits
    up to that long for the GIL, and a group commit has a handful of such returns."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con = connect(self.path)
        self._queue: queue.SimpleQueue[tuple[DeliveryRecord, asyncio.Future[StoredOutcome]] | None] = (
            queue.SimpleQueue()
        )
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self._thread = threading.Thread(target=self._run, name="cxradar-deliveries", daemon=True)
        self._thread.start()

    async def append(self, record: DeliveryRecord) -> StoredOutcome:
        future: asyncio.Future[StoredOutcome] = asyncio.get_running_loop().create_future()
        self._queue.put((record, future))
        return await future

    def close(self) -> None:
        """Finish what is queued, then stop the writer and close the file."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._con.close()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            group = [item]
            stop = self._take(group)
            if not stop and len(group) < _GATHER_BELOW:
                time.sleep(GATHER_SECONDS)  # let the requests in flight join: one sync for them all
                stop = self._take(group)
            futures = [future for _, future in group]
            try:
                outcomes: list[StoredOutcome] | Exception = write_group(
                    self._con, [record for record, _ in group]
                )
            except Exception as error:  # nothing of the group was written: fail every request in it
                outcomes = error
            _resolve(futures, outcomes)
            if stop:
                return

    def _take(self, group: list[tuple[DeliveryRecord, asyncio.Future[StoredOutcome]]]) -> bool:
        """Add what is waiting to ``group`` (up to the group's limit); True when told to stop."""
        while len(group) < _MAX_GROUP:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                return False
            if more is None:
                return True
            group.append(more)
        return False


def _resolve(futures: list[asyncio.Future[StoredOutcome]], outcomes: list[StoredOutcome] | Exception) -> None:
    """Answer a group's requests on their event loop, with one call into each loop for the group."""
    by_loop: dict[asyncio.AbstractEventLoop, list[int]] = {}
    for i, future in enumerate(futures):
        by_loop.setdefault(future.get_loop(), []).append(i)

    def settle(indices: list[int]) -> None:
        for i in indices:
            if futures[i].done():
                continue
            if isinstance(outcomes, Exception):
                futures[i].set_exception(outcomes)
            else:
                futures[i].set_result(outcomes[i])

    for loop, indices in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop is gone (shutdown): nobody waits any more
            loop.call_soon_threadsafe(settle, indices)

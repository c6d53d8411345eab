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
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DeliveryRecord", "DeliveryStore", "StoredOutcome", "store_path"]

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


def write_group(con: sqlite3.Connection, records: Iterable[DeliveryRecord]) -> list[StoredOutcome]:
    """Write the records in one transaction (committed, hence on disk, when this returns)."""
    outcomes: list[StoredOutcome] = []
    con.execute("BEGIN IMMEDIATE")
    try:
        for r in records:
            found = con.execute(
                "SELECT fingerprint, status, response FROM requests WHERE scope = ? AND idempotency_key = ?",
                (r.scope, r.idempotency_key),
            ).fetchone()
            if found is not None:
                kind = "replay" if found[0] == r.fingerprint else "conflict"
                outcomes.append(StoredOutcome(kind, int(found[1]), str(found[2])))
                continue
            con.execute(
                "INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?)",
                (r.scope, r.idempotency_key, r.fingerprint, r.status, r.response, r.received_at),
            )
            con.executemany(
                f"INSERT INTO deliveries ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [tuple(row.get(c) for c in _COLUMNS) for row in r.rows],
            )
            outcomes.append(StoredOutcome("new", r.status, r.response))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return outcomes


class DeliveryStore:
    """Group-committing writer for one process; ``await store.append(record)`` acknowledges only
    once the record is on disk."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con = connect(self.path)
        self._queue: queue.SimpleQueue[tuple[DeliveryRecord, asyncio.Future[StoredOutcome]] | None] = (
            queue.SimpleQueue()
        )
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
            stop = False
            while len(group) < _MAX_GROUP:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
            try:
                outcomes = write_group(self._con, [record for record, _ in group])
            except Exception as error:  # nothing of the group was written: fail every request in it
                for _, future in group:
                    _resolve(future, error=error)
            else:
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    _resolve(future, result=outcome)
            if stop:
                return


def _resolve(
    future: asyncio.Future[StoredOutcome],
    *,
    result: StoredOutcome | None = None,
    error: Exception | None = None,
) -> None:
    def settle() -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    with contextlib.suppress(RuntimeError):  # the loop is gone (shutdown): nobody waits any more
        future.get_loop().call_soon_threadsafe(settle)

"""The audit log: one JSON line per request, with the subject as a keyed hash, never the number.

``RUN_DIR/serve/audit/audit-YYYY-MM-DD.jsonl`` (local date)::

    {"time": "2026-11-05T10:30:01.123+08:00", "key": "1f2e3d4c", "channel": "hotline",
     "method": "GET", "route": "/v1/subscribers/{msisdn}/care", "subject": "9c1d…(32 hex)",
     "status": 200, "result": "found", "ms": 0.41, "pid": 4242}

``subject`` is HMAC-SHA256(audit_secret, msisdn), cut to 128 bits: the same number gives the same
value across days and workers (an auditor with the key file can check whether a given number
was looked up), but the log alone reveals no number. Routes are templates, never paths (a path
holds the number). Entries are buffered and appended by a task of the service every 50 ms, in
chunks with the event loop free in between (one flush a second of 10,000 entries held every
request up for ~50 ms), and at shutdown; each chunk is one ``write`` to a file opened with
``O_APPEND``, so workers' lines never interleave. The log is for accountability, not for
durability: entries of the last 50 ms may be lost when a process is killed, deliveries never are
(:mod:`cxradar.serve.deliveries`).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson

from cxradar.msisdn import KeyedHash

__all__ = ["AuditLog"]


class AuditLog:
    """Buffer request entries and append them to the day's file."""

    def __init__(self, folder: Path, secret: bytes, zone: ZoneInfo) -> None:
        self.folder = Path(folder)
        self.secret = secret  # the keyed hash follows (property below)
        self.zone = zone
        self._pending: list[tuple[float, str | None, str | None, str, str, str | None, int, str, float]] = []
        self._pid = os.getpid()
        self._second = -1
        self._parts = (b"", b"", "")
        self._fragments: dict[tuple[str | None, str | None, str, str], bytes] = {}
        self._results: dict[str, bytes] = {}

    def record(
        self,
        *,
        key: str | None,
        channel: str | None,
        method: str,
        route: str,
        subject: str | None,
        status: int,
        result: str,
        ms: float,
    ) -> None:
        """Remember one request (cheap: the hashing and writing happen at flush)."""
        self._pending.append((time.time(), key, channel, method, route, subject, status, result, ms))

    @property
    def secret(self) -> bytes:
        return self._secret

    @secret.setter
    def secret(self, value: bytes) -> None:
        self._secret, self._keyed = value, KeyedHash(value)

    def subject_hash(self, msisdn: str) -> str:
        return self._keyed.digest(msisdn.encode())[:16].hex()

    def _stamp(self, second: int) -> tuple[bytes, bytes, str]:
        """(ISO time to the second, UTC offset, local day) of an epoch second; cached per second."""
        if second != self._second:
            local = datetime.fromtimestamp(second, self.zone)
            offset = local.strftime("%z")
            self._second = second
            self._parts = (
                local.strftime("%Y-%m-%dT%H:%M:%S").encode(),
                f"{offset[:3]}:{offset[3:]}".encode(),
                local.strftime("%Y-%m-%d"),
            )
        return self._parts

    def _fragment(self, who: tuple[str | None, str | None, str, str]) -> bytes:
        """``"key":…,"channel":…,"method":…,"route":…`` as JSON, encoded once per distinct tuple."""
        found = self._fragments.get(who)
        if found is None:
            if len(self._fragments) >= _CACHE:
                self._fragments.clear()
            key, channel, method, route = (orjson.dumps(v) for v in who)
            found = self._fragments[who] = b'"key":%s,"channel":%s,"method":%s,"route":%s' % (
                key,
                channel,
                method,
                route,
            )
        return found

    def _result(self, result: str) -> bytes:
        found = self._results.get(result)
        if found is None:
            if len(self._results) >= _CACHE:
                self._results.clear()
            found = self._results[result] = orjson.dumps(result)
        return found

    def flush(self, limit: int | None = None) -> int:
        """Append the buffered entries (the oldest ``limit`` of them) to their day's file; returns
        how many were written.

        Each line is put together from cached JSON fragments (the key, channel, method and route
        repeat; only time, subject, status and milliseconds change): one ``bytes %`` a line
        instead of a dictionary and its encoding, which cost more than the request itself."""
        if limit is None or limit >= len(self._pending):
            entries, self._pending = self._pending, []
        else:
            entries = self._pending[:limit]
            del self._pending[:limit]
        if not entries:
            return 0
        by_day: dict[str, list[bytes]] = {}
        pid, digest = self._pid, self._keyed.digest
        for at, key, channel, method, route, subject, status, result, ms in entries:
            second = int(at)
            base, offset, day = self._stamp(second)
            line = _LINE % (
                base, int((at - second) * 1000), offset, self._fragment((key, channel, method, route)),
                b'"%s"' % digest(subject.encode())[:16].hex().encode() if subject else b"null",
                status, self._result(result), ms, pid,
            )  # fmt: skip
            lines = by_day.get(day)
            if lines is None:
                lines = by_day[day] = []
            lines.append(line)
        self.folder.mkdir(parents=True, exist_ok=True)
        for day, lines in by_day.items():
            fd = os.open(self.folder / f"audit-{day}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, b"".join(lines))
            finally:
                os.close(fd)
        return len(entries)


_CACHE = 1024  # distinct (key, channel, method, route) tuples and results remembered
_LINE = b'{"time":"%s.%03d%s",%s,"subject":%s,"status":%d,"result":%s,"ms":%.3f,"pid":%d}\n'

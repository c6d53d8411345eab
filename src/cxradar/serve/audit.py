"""The audit log: one JSON line per request, with the subject as a keyed hash, never the number.

``RUN_DIR/serve/audit/audit-YYYY-MM-DD.jsonl`` (local date)::

    {"time": "2026-11-05T10:30:01.123+08:00", "key": "1f2e3d4c", "channel": "hotline",
     "method": "GET", "route": "/v1/subscribers/{msisdn}/care", "subject": "9c1d…(32 hex)",
     "status": 200, "result": "found", "ms": 0.41, "pid": 4242}

``subject`` is HMAC-SHA256(audit_secret, msisdn), cut to 128 bits: the same number gives the same
value across days and workers (an auditor with the key file can check whether a given number
was looked up), but the log alone reveals no number. Routes are templates, never paths (a path
holds the number). Entries are buffered and appended by the service's housekeeping task (about
once a second) and at shutdown, each flush one ``write`` to a file opened with ``O_APPEND``, so
workers' lines never interleave. The log is for accountability, not for durability: entries of
the last second may be lost when a process is killed, deliveries never are
(:mod:`cxradar.serve.deliveries`).
"""

from __future__ import annotations

import hmac
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["AuditLog"]


class AuditLog:
    """Buffer request entries and append them to the day's file."""

    def __init__(self, folder: Path, secret: bytes, zone: ZoneInfo) -> None:
        self.folder = Path(folder)
        self.secret = secret
        self.zone = zone
        self._pending: list[tuple[float, str | None, str | None, str, str, str | None, int, str, float]] = []
        self._pid = os.getpid()

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

    def subject_hash(self, msisdn: str) -> str:
        return hmac.digest(self.secret, msisdn.encode(), "sha256")[:16].hex()

    def flush(self) -> int:
        """Append the buffered entries to their day's file; returns how many were written."""
        entries, self._pending = self._pending, []
        if not entries:
            return 0
        by_day: dict[str, list[str]] = {}
        for at, key, channel, method, route, subject, status, result, ms in entries:
            stamp = datetime.fromtimestamp(at, self.zone)
            line: dict[str, Any] = {
                "time": stamp.isoformat(timespec="milliseconds"),
                "key": key,
                "channel": channel,
                "method": method,
                "route": route,
                "subject": self.subject_hash(subject) if subject else None,
                "status": status,
                "result": result,
                "ms": round(ms, 3),
                "pid": self._pid,
            }
            by_day.setdefault(stamp.strftime("%Y-%m-%d"), []).append(json.dumps(line, ensure_ascii=False))
        self.folder.mkdir(parents=True, exist_ok=True)
        for day, lines in by_day.items():
            fd = os.open(self.folder / f"audit-{day}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, ("\n".join(lines) + "\n").encode())
            finally:
                os.close(fd)
        return len(entries)

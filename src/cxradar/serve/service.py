"""What one worker process holds while it serves: the mapped month, the keys, the stores, the clock.

:class:`SnapshotHolder` follows ``RUN_DIR/serve/current.json``: when ``cxradar publish`` replaces
it, the next housekeeping tick maps the new file and swaps the reference. Handlers take the
snapshot and finish their lookup without awaiting anything, and the tick runs on the same event
loop, so no request ever sees a mapping closed under it; a file that fails to open leaves the
previous month serving (and is reported by ``/readyz``). :class:`Service` bundles it with the
key ring, the delivery store, the audit log and the clock, and does the authentication every
route uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.requests import Request

from cxradar.errors import CxradarError
from cxradar.serve.api_errors import ApiError
from cxradar.serve.audit import AuditLog
from cxradar.serve.deliveries import DeliveryStore, connect, store_path
from cxradar.serve.keys import ApiKey, KeyRing
from cxradar.serve.msisdn import mask_msisdn
from cxradar.serve.render import Clock, QuietHours, render_card
from cxradar.serve.settings import ServeSettings
from cxradar.serve.snapshot import Snapshot

__all__ = ["AUDIT_CHUNK", "AUDIT_SECONDS", "Service", "SnapshotHolder", "presented_key"]

AUDIT_SECONDS = 0.05  # how often the audit buffer is written (cxradar.serve.audit)
AUDIT_CHUNK = 500  # entries written at a time (~3 ms), the event loop free in between


class SnapshotHolder:
    """The month being served, swapped when the manifest changes."""

    def __init__(self, run_dir: Any) -> None:
        self.manifest_file = run_dir / "serve" / "current.json"
        self.folder = run_dir / "serve" / "snapshots"
        self.current: Snapshot | None = None
        self.quiet = QuietHours([], "00:00", "00:00")
        self.manifest: dict[str, Any] | None = None
        self.error: str | None = None
        self._stamp: tuple[int, int, int] | None = None

    def reload(self) -> bool:
        """Map the published file if the manifest changed; True when a new month was swapped in."""
        try:
            st = os.stat(self.manifest_file)
        except FileNotFoundError:
            if self.current is None:
                self.error = "nothing published yet: run 'cxradar publish RUN_DIR'"
            return False
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            manifest = json.loads(self.manifest_file.read_text(encoding="utf-8"))
            fresh = Snapshot(self.folder / manifest["file"])
        except (OSError, ValueError, KeyError, CxradarError) as error:
            self.error = (
                f"the published file could not be opened ({type(error).__name__}); still serving the last"
            )
            return False
        q = fresh.meta.get("quiet_hours") or {"channels": [], "start": "00:00", "end": "00:00"}
        self.quiet = QuietHours(q["channels"], q["start"], q["end"])
        old, self.current, self.manifest, self.error = self.current, fresh, manifest, None
        if old is not None:
            old.close()
        return True

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None


class Service:
    """Everything the routes need; ``start``/``stop`` run in the application's lifespan."""

    def __init__(self, settings: ServeSettings, now: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.config = settings.config
        self.holder = SnapshotHolder(settings.run_dir)
        self.keys = KeyRing(settings.keys_path)
        self.audit = AuditLog(settings.audit_folder, self.keys.audit_secret, self.config.zone)
        self.clock = Clock(self.config.zone, now)
        self._store: DeliveryStore | None = None
        self._reader: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self.holder.reload()

    @property
    def store(self) -> DeliveryStore:
        """The delivery store, opened on first use (so an application without lifespan works too)."""
        if self._store is None:
            self._store = DeliveryStore(store_path(self.settings.run_dir))
            self._reader = connect(self._store.path)
        return self._store

    async def start(self) -> None:
        self.store  # noqa: B018 - open the store now: a broken one stops the start, not a delivery
        self._tasks = [asyncio.create_task(self._housekeeping()), asyncio.create_task(self._write_audit())]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            if task.get_loop() is asyncio.get_running_loop():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            elif not task.get_loop().is_closed():  # started by another loop (tests)
                task.get_loop().call_soon_threadsafe(task.cancel)
        self.tick()
        if self._store is not None:
            self._store.close()
            self._reader.close()
            self._store = self._reader = None
        self.holder.close()

    def tick(self) -> None:
        """Swap in a newly published month, re-read changed keys, write the audit buffer (which
        the audit task also does every :data:`AUDIT_SECONDS`)."""
        self.holder.reload()
        if self.keys.reload():
            self.audit.secret = self.keys.audit_secret
        self.audit.flush()

    async def _write_audit(self) -> None:
        while True:
            await asyncio.sleep(AUDIT_SECONDS)
            try:
                while self.audit.flush(AUDIT_CHUNK) == AUDIT_CHUNK:
                    await asyncio.sleep(0)  # the requests waiting go first
            except Exception:
                continue

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(self.config.reload_seconds)
            try:
                self.tick()
            except Exception:
                continue

    def snapshot(self) -> Snapshot:
        snap = self.holder.current
        if snap is None:
            raise ApiError(
                503, "not_ready", "no month is published yet", "尚未发布任何月份的数据",
                "run 'cxradar publish RUN_DIR' (the service picks it up within a second)",
            )  # fmt: skip
        return snap

    def shown(self, key: ApiKey, msisdn: str) -> str:
        """The number as this key may see it: in full with msisdn:unmasked, else 138****5678."""
        return msisdn if "msisdn:unmasked" in key.scopes else mask_msisdn(msisdn)

    def card_for(self, key: ApiKey, msisdn: str) -> bytes | None:
        """The answer (JSON) for a normalised number now, or None when nothing applies."""
        stored = self.snapshot().get(int(msisdn))
        if stored is None:
            return None
        now_iso, hhmm = self.clock.moment()
        return render_card(
            stored, msisdn=self.shown(key, msisdn), now_iso=now_iso, hhmm=hhmm, quiet=self.holder.quiet
        )

    def find_request(self, scope: str, idempotency_key: str) -> tuple[str, int, str] | None:
        """A request stored under this key (for a retry), read without waiting for the writer."""
        self.store  # noqa: B018 - opens the reader with the store
        row = self._reader.execute(
            "SELECT fingerprint, status, response FROM requests WHERE scope = ? AND idempotency_key = ?",
            (scope, idempotency_key),
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), str(row[2]))

    def authenticate(self, request: Request, scope: str) -> ApiKey:
        """The request's key if it is valid and has ``scope``; 401 / 403 otherwise."""
        note = request.scope.setdefault("cxradar.audit", {})
        return self.check_key(presented_key(request.scope["headers"]), scope, note)

    def check_key(self, token: str | None, scope: str, note: dict[str, Any]) -> ApiKey:
        """The key ``token`` if it is valid and has ``scope`` (noted for the audit); 401 / 403 otherwise."""
        if token is None:
            raise ApiError(
                401, "no_key", "no API key was sent", "请求未携带API密钥",
                "send 'Authorization: Bearer cxr_…' or 'X-API-Key: cxr_…' (cxradar keys create)",
            )  # fmt: skip
        key = self.keys.verify(token)
        if key is None:
            raise ApiError(
                401, "bad_key", "the API key is unknown or revoked", "API密钥无效或已吊销",
                "ask the operator's cxradar admin for a valid key (cxradar keys list)",
            )  # fmt: skip
        note["key"], note["channel"] = key.id, key.channel
        if scope not in key.scopes:
            raise ApiError(
                403, "missing_scope", f"this key lacks the scope {scope}", f"该密钥没有{scope}权限",
                f"create a key with --scopes {scope} (cxradar keys create)",
            )  # fmt: skip
        return key


def presented_key(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The API key sent as ``Authorization: Bearer …`` or ``X-API-Key: …``, if any."""
    for name, value in headers:
        if name == b"authorization":
            text = value.decode("latin-1")
            return text[7:].strip() if text[:7].lower() == "bearer " else None
        if name == b"x-api-key":
            return value.decode("latin-1").strip()
    return None

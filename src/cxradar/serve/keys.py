"""API keys per channel system: created once and shown once, stored hashed, revocable.

A key is ``cxr_<id>_<secret>``: ``id`` (8 hex digits) names it in lists and in the audit log,
``secret`` is 256 random bits. The key file (default ``~/.config/cxradar/keys.json``, or
``--keys`` / ``$CXRADAR_KEYS``; written atomically with mode 0600) keeps only the SHA-256 of each
key. A fast hash is the right one here: a 256-bit random secret cannot be guessed from its hash
by trying passwords, so the slow password hashes (scrypt, argon2) would only cost each request
time. Keys are compared with :func:`hmac.compare_digest` (constant time).

The file also holds ``audit_secret``, the HMAC key with which the audit log names subjects:
the same number always gives the same value, so an auditor can follow a case, but a number
cannot be read back from the log (docs/serve.md#audit-log).

Scopes::

    care:read        GET a card, POST /v1/care:lookup
    care:deliver     POST a delivery
    msisdn:unmasked  see numbers in full in responses (others see 138****5678)
    dashboard:read   the dashboard (issue 14, mounted at /dashboard)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cxradar.errors import ConfigError, DataError, StateError, did_you_mean

__all__ = ["SCOPES", "ApiKey", "KeyFile", "KeyRing"]

SCOPES: dict[str, str] = {
    "care:read": "look up care cards (GET /v1/subscribers/{msisdn}/care, POST /v1/care:lookup)",
    "care:deliver": "record deliveries (POST /v1/subscribers/{msisdn}/care/deliveries)",
    "msisdn:unmasked": "see numbers in full in responses (without it: 138****5678)",
    "dashboard:read": "open the dashboard (/dashboard)",
}
_CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_TOKEN_LENGTH = len("cxr_") + 8 + len("_") + 43  # cxr_<8 hex>_<43 url-safe base64 characters>


@dataclass(frozen=True)
class ApiKey:
    """A key's public part: id, channel system, scopes, times (never the key itself)."""

    id: str
    channel: str
    scopes: frozenset[str]
    created_at: str
    revoked_at: str | None = None
    note: str = ""

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KeyFile:
    """The key file: create, list, revoke and rotate keys (the CLI side)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {"version": 1, "audit_secret": secrets.token_hex(32), "keys": []}
        try:
            data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConfigError(
                f"the key file {self.path} is unreadable: {error}",
                fix="restore it from backup, or point --keys at the right file",
            ) from error
        if not isinstance(data.get("keys"), list) or not data.get("audit_secret"):
            raise ConfigError(
                f"{self.path} is not a cxradar key file",
                fix="point --keys (or $CXRADAR_KEYS) at the right file",
            )
        return data

    def _save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)

    def records(self) -> list[ApiKey]:
        return [_public(k) for k in self.load()["keys"]]

    def create(self, channel: str, scopes: list[str], note: str = "") -> tuple[str, ApiKey]:
        """A new key for ``channel`` with ``scopes``; returns (the key, shown once, and its record)."""
        if not _CHANNEL.fullmatch(channel):
            raise DataError(
                f"channel name '{channel}' is not allowed",
                fix="use lower-case letters, digits, '-' or '_' (up to 32), e.g. hotline, hall-crm, ivr",
            )
        for scope in scopes:
            if scope not in SCOPES:
                raise DataError(
                    f"unknown scope '{scope}'.{did_you_mean(scope, SCOPES)}",
                    fix=f"use some of: {', '.join(SCOPES)}",
                )
        if not scopes:
            raise DataError(
                "a key needs at least one scope", fix=f"pass --scopes, e.g. {','.join(list(SCOPES)[:2])}"
            )
        data = self.load()
        taken = {k["id"] for k in data["keys"]}
        key_id = secrets.token_hex(4)
        while key_id in taken:
            key_id = secrets.token_hex(4)
        token = f"cxr_{key_id}_{secrets.token_urlsafe(32)}"
        record = {
            "id": key_id, "channel": channel, "scopes": sorted(set(scopes)), "hash": _hash(token),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "revoked_at": None, "note": note,
        }  # fmt: skip
        data["keys"].append(record)
        self._save(data)
        return token, _public(record)

    def _find(self, data: dict[str, Any], key_id: str) -> dict[str, Any]:
        for record in data["keys"]:
            if record["id"] == key_id:
                return record
        raise StateError(
            f"no key with id '{key_id}' in {self.path}.{did_you_mean(key_id, [k['id'] for k in data['keys']])}",
            fix="see 'cxradar keys list'",
        )

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key now (running services stop accepting it within a second)."""
        data = self.load()
        record = self._find(data, key_id)
        if record.get("revoked_at") is None:
            record["revoked_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            self._save(data)
        return _public(record)

    def rotate(self, key_id: str) -> tuple[str, ApiKey]:
        """A new key with the same channel and scopes; the old one works until it is revoked."""
        old = _public(self._find(self.load(), key_id))
        if not old.active:
            raise StateError(f"key {key_id} is revoked", fix="create a new key with 'cxradar keys create'")
        return self.create(old.channel, sorted(old.scopes), note=f"rotated from {key_id}")


def _public(record: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=str(record["id"]),
        channel=str(record["channel"]),
        scopes=frozenset(record["scopes"]),
        created_at=str(record["created_at"]),
        revoked_at=record.get("revoked_at"),
        note=str(record.get("note", "")),
    )


class KeyRing:
    """The service side: verify a presented key, reloading the file when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int, int] | None = None
        self._by_id: dict[str, tuple[bytes, ApiKey]] = {}
        self.audit_secret = b""
        self.reload()

    def reload(self) -> bool:
        """Re-read the file if it changed since the last read; True when it was re-read."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._stamp is None and not self.audit_secret:
                raise StateError(
                    f"the key file {self.path} does not exist",
                    fix="create a key first: cxradar keys create --channel hotline --scopes care:read "
                    f"--keys {self.path}",
                ) from None
            return False
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return False
        data = KeyFile(self.path).load()
        self._by_id = {
            str(r["id"]): (bytes.fromhex(str(r["hash"])), _public(r))
            for r in data["keys"]
            if r.get("revoked_at") is None
        }
        self.audit_secret = bytes.fromhex(data["audit_secret"])
        self._stamp = stamp
        return True

    def verify(self, token: str) -> ApiKey | None:
        """The active key this token is, or None (unknown, malformed or revoked).

        Called on every request, so its shape is checked with plain string tests, not a regular
        expression (a token of the right length with a wrong character fails the hash comparison)."""
        if len(token) != _TOKEN_LENGTH or token[:4] != "cxr_" or token[12] != "_":
            return None
        digest = hashlib.sha256(token.encode()).digest()
        found = self._by_id.get(token[4:12])
        if found is None:
            hmac.compare_digest(digest, digest)  # same work whether the id exists or not
            return None
        stored, key = found
        return key if hmac.compare_digest(digest, stored) else None

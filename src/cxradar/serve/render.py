"""A stored card made into the answer a channel gets *now*: what changes with the time of the call.

The card is rendered by the run; three things depend on the moment of the lookup and are added
here: which wait-for-contact flags are open now (created, not yet expired), whether proactive
contact is allowed now (do-not-disturb, contact fatigue, quiet hours) with the reasons in zh and
en, and the number as the key may see it (in full, or 138****5678). :class:`Clock` computes the
time-dependent values once a second, not once a request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

__all__ = ["Clock", "QuietHours", "render_card"]


class QuietHours:
    """No proactive contact on ``channels`` from ``start`` to ``end`` (local HH:MM; may span midnight)."""

    def __init__(self, channels: list[str], start: str, end: str) -> None:
        self.channels = list(channels)
        self.start, self.end = start, end

    def contains(self, hhmm: str) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= hhmm < self.end
        return hhmm >= self.start or hhmm < self.end

    def as_json(self) -> dict[str, Any]:
        return {"channels": self.channels, "start": self.start, "end": self.end}


class Clock:
    """The local time as the run writes it (``YYYY-MM-DDTHH:MM:SS``), refreshed once a second.

    ``now`` returns an aware datetime; tests pass their own to fix the moment.
    """

    def __init__(self, zone: ZoneInfo, now: Callable[[], datetime] | None = None) -> None:
        self.zone = zone
        self._fixed = now is not None
        self._now = now or (lambda: datetime.now(zone))
        self._second = -1
        self._iso = ""
        self._hhmm = ""

    def _tick(self) -> None:
        second = int(time.monotonic())
        if second != self._second or self._fixed:
            local = self._now().astimezone(self.zone)
            self._iso = local.strftime("%Y-%m-%dT%H:%M:%S")
            self._hhmm = local.strftime("%H:%M")
            self._second = second

    def iso(self) -> str:
        self._tick()
        return self._iso

    def hhmm(self) -> str:
        self._tick()
        return self._hhmm

    def local(self) -> datetime:
        return self._now().astimezone(self.zone)


_DND = ("on the do-not-disturb list", "在免打扰名单中")
_QUIET = ("quiet hours now ({start}-{end}, {channels})", "当前为免打扰时段（{start}-{end}，{channels}）")


def render_card(
    card: bytes, *, msisdn: str, now_iso: str, hhmm: str, quiet: QuietHours
) -> dict[str, Any] | None:
    """The response body for one stored card, or None when nothing applies at ``now_iso``."""
    body: dict[str, Any] = orjson.loads(card)
    pending = [p for p in body["pending"] if p["created_at"] <= now_iso < p["expires_at"]]
    if not (body["lists"] or body["care"] or pending or body["churn"]):
        return None
    contact = body["contact"]
    reasons_en: list[str] = []
    reasons_zh: list[str] = []
    if contact["do_not_disturb"]:
        reasons_en.append(_DND[0])
        reasons_zh.append(_DND[1])
    if contact["fatigue"]:
        reasons_en.append(contact["fatigue"]["detail_en"])
        reasons_zh.append(contact["fatigue"]["detail_zh"])
    in_quiet = quiet.contains(hhmm)
    if in_quiet:
        names = ", ".join(quiet.channels)
        reasons_en.append(_QUIET[0].format(start=quiet.start, end=quiet.end, channels=names))
        reasons_zh.append(_QUIET[1].format(start=quiet.start, end=quiet.end, channels=names))
    contact["quiet_hours"] = quiet.as_json()
    contact["in_quiet_hours"] = in_quiet
    contact["proactive_allowed_now"] = not reasons_en
    contact["reasons_en"] = reasons_en
    contact["reasons_zh"] = reasons_zh
    return {
        "msisdn": msisdn,
        "month": body["month"],
        "as_of": now_iso,
        "lists": body["lists"],
        "care": body["care"],
        "pending": pending,
        "contact": contact,
        "churn": body["churn"],
    }

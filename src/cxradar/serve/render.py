"""A stored card made into the answer a channel gets *now*: what changes with the time of the call.

The card is rendered by the run; three things depend on the moment of the lookup and are added
here: which wait-for-contact flags are open now (created, not yet expired), whether proactive
contact is allowed now (do-not-disturb, contact fatigue, quiet hours) with the reasons in zh and
en, and the number as the key may see it (in full, or 138****5678). :class:`Clock` computes the
time-dependent values once a second, not once a request.

The answer is put together from the stored JSON's bytes, without decoding the card: decoding
and re-encoding ~2 KB of zh and en text was most of a lookup's cost (~25 µs of ~40). The card is
the object ``cards.sql`` writes, with its top-level keys in this order::

    {"month":…,"lists":[…],"care":{…}|null,"pending":[…],"contact":{…},"churn":{…}|null}

and no nested key is named ``lists``, ``pending``, ``contact`` or ``churn`` (the tests check every
card of their run folder). Inside a JSON string every ``"`` is escaped, so ``,"pending":`` can only
be that key: four ``bytes.find`` calls cut the card into its parts. Only the small parts that
change with the time are decoded: the pending flags when there are any, and the contact object,
whose rendering is cached per distinct contact object and quiet-hours state (they repeat: a
do-not-disturb flag and a handful of fatigue messages).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

__all__ = ["Clock", "QuietHours", "render_card"]

_CONTACT_CACHE = 4096  # distinct contact objects remembered per month and quiet-hours state


class QuietHours:
    """No proactive contact on ``channels`` from ``start`` to ``end`` (local HH:MM; may span midnight)."""

    def __init__(self, channels: list[str], start: str, end: str) -> None:
        self.channels = list(channels)
        self.start, self.end = start, end
        self._json = orjson.dumps(self.as_json())
        names = ", ".join(self.channels)
        self._reason_en = orjson.dumps(_QUIET[0].format(start=start, end=end, channels=names))
        self._reason_zh = orjson.dumps(_QUIET[1].format(start=start, end=end, channels=names))
        self._contacts: dict[tuple[bytes, bool], bytes] = {}

    def contains(self, hhmm: str) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= hhmm < self.end
        return hhmm >= self.start or hhmm < self.end

    def as_json(self) -> dict[str, Any]:
        return {"channels": self.channels, "start": self.start, "end": self.end}

    def contact(self, stored: bytes, in_quiet: bool) -> bytes:
        """The contact object of the answer for a stored one (``{"do_not_disturb", "fatigue"}``)."""
        key = (stored, in_quiet)
        found = self._contacts.get(key)
        if found is None:
            if len(self._contacts) >= _CONTACT_CACHE:
                self._contacts.clear()
            found = self._contacts[key] = self._render_contact(stored, in_quiet)
        return found

    def _render_contact(self, stored: bytes, in_quiet: bool) -> bytes:
        contact = orjson.loads(stored)
        reasons_en: list[Any] = []
        reasons_zh: list[Any] = []
        if contact["do_not_disturb"]:
            reasons_en.append(_DND[0])
            reasons_zh.append(_DND[1])
        if contact["fatigue"]:
            reasons_en.append(contact["fatigue"]["detail_en"])
            reasons_zh.append(contact["fatigue"]["detail_zh"])
        allowed = not reasons_en and not in_quiet
        if in_quiet:
            reasons_en.append(orjson.Fragment(self._reason_en))
            reasons_zh.append(orjson.Fragment(self._reason_zh))
        contact["quiet_hours"] = orjson.Fragment(self._json)
        contact["in_quiet_hours"] = in_quiet
        contact["proactive_allowed_now"] = allowed
        contact["reasons_en"] = reasons_en
        contact["reasons_zh"] = reasons_zh
        return orjson.dumps(contact)


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

    def moment(self) -> tuple[str, str]:
        """``(iso(), hhmm())`` of one instant."""
        self._tick()
        return self._iso, self._hhmm

    def local(self) -> datetime:
        return self._now().astimezone(self.zone)


_DND = ("on the do-not-disturb list", "在免打扰名单中")
_QUIET = ("quiet hours now ({start}-{end}, {channels})", "当前为免打扰时段（{start}-{end}，{channels}）")
_LISTS, _PENDING, _CONTACT, _CHURN = b',"lists":', b',"pending":', b',"contact":', b',"churn":'
_NOTHING_LISTED = b',"lists":[],"care":null'  # the card's lists and care when it has neither
_NO_CHURN = b',"churn":null}'


def render_card(card: bytes, *, msisdn: str, now_iso: str, hhmm: str, quiet: QuietHours) -> bytes | None:
    """The response body (JSON) for one stored card, or None when nothing applies at ``now_iso``."""
    lists = card.find(_LISTS)
    pending_at = card.find(_PENDING, lists)
    contact_at = card.find(_CONTACT, pending_at)
    churn_at = card.find(_CHURN, contact_at)
    if lists < 0 or churn_at < 0 or not card.startswith(b'{"month":'):
        raise ValueError("the stored card is not in the layout cards.sql writes")
    pending = card[pending_at + len(_PENDING) : contact_at]
    if pending != b"[]":
        flags = orjson.loads(pending)
        open_now = [p for p in flags if p["created_at"] <= now_iso < p["expires_at"]]
        if len(open_now) != len(flags):
            pending = orjson.dumps(open_now)
    head = card[lists:pending_at]
    churn = card[churn_at:]
    if pending == b"[]" and head == _NOTHING_LISTED and churn == _NO_CHURN:
        return None
    contact = quiet.contact(card[contact_at + len(_CONTACT) : churn_at], quiet.contains(hhmm))
    return b"".join(
        (
            b'{"msisdn":"', msisdn.encode(), b'",', card[1:lists], b',"as_of":"', now_iso.encode(), b'"',
            head, _PENDING, pending, _CONTACT, contact, churn,
        )
    )  # fmt: skip

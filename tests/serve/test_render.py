"""The answer put together from the stored card's bytes equals the card decoded, changed and encoded.

The reference below is the straightforward rendering (decode the whole card, filter, add, encode),
written independently of ``cxradar.serve.render``; every card of the test run folder, and cards
with several pending flags, are rendered both ways at moments that open and close the flags and
fall in and out of the quiet hours.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from cxradar.serve.render import QuietHours, render_card
from cxradar.serve.snapshot import Snapshot

from .conftest import A, B, C, D, E, F, G, H

MOMENTS = ["2026-10-15T12:00:00", "2026-11-05T10:30:00", "2026-11-05T22:30:00", "2026-12-15T08:59:59"]
MARKERS = (b',"lists":', b',"pending":', b',"contact":', b',"churn":')


def reference(card: bytes, msisdn: str, now_iso: str, quiet: QuietHours) -> dict[str, Any] | None:
    body = json.loads(card)
    pending = [p for p in body["pending"] if p["created_at"] <= now_iso < p["expires_at"]]
    if not (body["lists"] or body["care"] or pending or body["churn"]):
        return None
    contact = dict(body["contact"])
    en: list[str] = []
    zh: list[str] = []
    if contact["do_not_disturb"]:
        en.append("on the do-not-disturb list")
        zh.append("在免打扰名单中")
    if contact["fatigue"]:
        en.append(contact["fatigue"]["detail_en"])
        zh.append(contact["fatigue"]["detail_zh"])
    hhmm = now_iso[11:16]
    start, end = quiet.start, quiet.end
    in_quiet = start != end and (start <= hhmm < end if start < end else hhmm >= start or hhmm < end)
    if in_quiet:
        channels = ", ".join(quiet.channels)
        en.append(f"quiet hours now ({start}-{end}, {channels})")
        zh.append(f"当前为免打扰时段（{start}-{end}，{channels}）")
    contact.update(
        quiet_hours={"channels": quiet.channels, "start": start, "end": end}, in_quiet_hours=in_quiet,
        proactive_allowed_now=not en, reasons_en=en, reasons_zh=zh,
    )  # fmt: skip
    return {
        "msisdn": msisdn, "month": body["month"], "as_of": now_iso, "lists": body["lists"],
        "care": body["care"], "pending": pending, "contact": contact, "churn": body["churn"],
    }  # fmt: skip


@pytest.fixture
def stored(run_dir: Path) -> dict[str, bytes]:
    manifest = json.loads((run_dir / "serve" / "current.json").read_text())
    snap = Snapshot(run_dir / "serve" / "snapshots" / manifest["file"])
    try:
        cards = {n: snap.get(int(n)) for n in (A, B, C, D, E, F, G, H)}
    finally:
        snap.close()
    found = {n: c for n, c in cards.items() if c is not None}
    assert len(found) == 6  # E (control group) and G (delivered) have none
    return found


def _with_pending(card: bytes, flags: list[tuple[str, str]]) -> bytes:
    """The card with these (created_at, expires_at) pending flags, encoded as cards.sql does."""
    body = orjson.loads(card)
    template = {"care_id": "x", "campaign": "c", "strategy": "wait_for_contact", "channel": "hall",
                "script_zh": "话术", "created_at": "", "expires_at": ""}  # fmt: skip
    body["pending"] = [
        {**template, "care_id": f"p{i}", "created_at": c, "expires_at": e} for i, (c, e) in enumerate(flags)
    ]
    return orjson.dumps(body)


def test_every_card_has_the_layout_the_renderer_cuts(stored: dict[str, bytes]) -> None:
    for number, card in stored.items():
        assert card.startswith(b'{"month":'), number
        assert [card.count(marker) for marker in MARKERS] == [1, 1, 1, 1], number
        offsets = [card.find(marker) for marker in MARKERS]
        assert offsets == sorted(offsets), number


@pytest.mark.parametrize("now_iso", MOMENTS)
@pytest.mark.parametrize("quiet", [("21:00", "09:00"), ("12:00", "13:00"), ("00:00", "00:00")])
def test_the_answer_equals_the_reference(
    stored: dict[str, bytes], now_iso: str, quiet: tuple[str, str]
) -> None:
    hours = QuietHours(["outbound", "hall"], *quiet)
    cards = dict(stored)
    cards["two flags"] = _with_pending(stored[B], [("2026-10-01T09:00:00", "2026-11-01T09:00:00"),
                                                    ("2026-11-01T09:00:00", "2026-12-01T09:00:00")])  # fmt: skip
    cards["flags only"] = _with_pending(
        orjson.dumps({**orjson.loads(stored[H]), "churn": None}),
        [("2026-10-01T09:00:00", "2026-11-30T00:00:00")],
    )
    for name, card in cards.items():
        for shown in ("138****0001", "13800000001"):
            got = render_card(card, msisdn=shown, now_iso=now_iso, hhmm=now_iso[11:16], quiet=hours)
            want = reference(card, shown, now_iso, hours)
            if want is None:
                assert got is None, (name, now_iso)
                continue
            assert got is not None, (name, now_iso)
            answer = orjson.loads(got)
            assert answer == want, (name, now_iso)
            assert list(answer) == list(want) and list(answer["contact"]) == list(want["contact"])
    # and again from the cache of rendered contact objects, which must not mix the quiet states up
    again = render_card(stored[A], msisdn="x", now_iso=MOMENTS[2], hhmm="22:30", quiet=hours)
    assert again is not None and orjson.loads(again) == reference(stored[A], "x", MOMENTS[2], hours)


def test_a_card_in_another_layout_is_refused(stored: dict[str, bytes]) -> None:
    hours = QuietHours([], "00:00", "00:00")
    reordered = orjson.dumps(dict(sorted(orjson.loads(stored[A]).items())))
    with pytest.raises(ValueError, match="layout"):
        render_card(reordered, msisdn="x", now_iso=MOMENTS[1], hhmm="10:30", quiet=hours)

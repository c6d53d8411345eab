"""Routes and keys: what each key may do and see, every error in one shape, the audit log."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from cxradar.serve.app import create_app
from cxradar.serve.keys import KeyFile, KeyRing
from cxradar.serve.settings import ServeSettings

from .conftest import A, B, C, D, E, F, G, H, Keys, at, bearer

NOON = "2026-11-05T10:30:00"
Client = Callable[[str], TestClient]


def _error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "message_zh", "fix"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    return body["error"]


def test_a_card_says_lists_care_pending_contact_and_churn(client_at: Client, keys: Keys) -> None:
    client = client_at(NOON)
    card = client.get(f"/v1/subscribers/{A}/care", headers=bearer(keys["reader"])).json()
    assert card["msisdn"] == "138****0001" and card["month"] == "2026-10" and card["as_of"] == NOON
    assert (
        card["lists"][0]["list"] == "explicit_pool"
        and card["care"]["script_zh"] == "话术care-2026-10-0000001"
    )
    assert card["churn"]["band"] == "high"
    contact = card["contact"]
    assert contact["proactive_allowed_now"] is False and contact["in_quiet_hours"] is False
    assert contact["reasons_en"] == ["1 contact in 30 days"] and contact["reasons_zh"] == ["30天内1次接触"]
    b = client.get(f"/v1/subscribers/{B}/care", headers=bearer(keys["reader"])).json()
    assert [p["care_id"] for p in b["pending"]] == ["care-2026-10-0000002"]
    assert b["contact"]["proactive_allowed_now"] is True and b["contact"]["reasons_en"] == []
    d = client.get(f"/v1/subscribers/{D}/care", headers=bearer(keys["reader"])).json()
    assert d["contact"]["do_not_disturb"] is True and d["contact"]["reasons_zh"] == ["在免打扰名单中"]
    h = client.get(f"/v1/subscribers/{H}/care", headers=bearer(keys["reader"])).json()
    assert h["lists"] == [] and h["churn"]["band"] == "watch"


def test_numbers_in_any_operator_form_find_the_same_card(client_at: Client, keys: Keys) -> None:
    client = client_at(NOON)
    for form in (C, f"+86{C}", f"0086 {C[:3]} {C[3:7]} {C[7:]}", f"{C[:3]}-{C[3:7]}-{C[7:]}"):
        response = client.get(f"/v1/subscribers/{form}/care", headers=bearer(keys["reader"]))
        assert response.status_code == 200 and response.json()["msisdn"] == "139****0003", form
    bad = _error(
        client.get("/v1/subscribers/1234/care", headers=bearer(keys["reader"])), 422, "invalid_msisdn"
    )
    assert "13812345678" in bad["fix"] and "+86" in bad["fix"]


def test_nothing_applies_is_a_404_with_a_body(client_at: Client, keys: Keys) -> None:
    client = client_at(NOON)
    for number in (E, G, "13512345678"):  # control group, already delivered, unknown
        _error(client.get(f"/v1/subscribers/{number}/care", headers=bearer(keys["reader"])), 404, "no_care")
    # F's September flag ran 2026-10-01 09:00 .. 2026-10-31 09:00: open in October, gone in November
    _error(client.get(f"/v1/subscribers/{F}/care", headers=bearer(keys["reader"])), 404, "no_care")
    october = client_at("2026-10-15T12:00:00").get(
        f"/v1/subscribers/{F}/care", headers=bearer(keys["reader"])
    )
    assert [p["care_id"] for p in october.json()["pending"]] == ["care-2026-09-0000001"]
    # B's November flag is not open yet on 2026-10-15
    assert (
        client_at("2026-10-15T12:00:00")
        .get(f"/v1/subscribers/{B}/care", headers=bearer(keys["reader"]))
        .json()["pending"]
        == []
    )


def test_quiet_hours_forbid_proactive_contact_at_night(client_at: Client, keys: Keys) -> None:
    night = (
        client_at("2026-11-05T22:30:00")
        .get(f"/v1/subscribers/{B}/care", headers=bearer(keys["reader"]))
        .json()
    )
    assert night["contact"]["in_quiet_hours"] is True and night["contact"]["proactive_allowed_now"] is False
    assert night["contact"]["reasons_en"] == ["quiet hours now (21:00-09:00, outbound)"]
    morning = (
        client_at("2026-11-06T09:00:00")
        .get(f"/v1/subscribers/{B}/care", headers=bearer(keys["reader"]))
        .json()
    )
    assert morning["contact"]["in_quiet_hours"] is False


def test_keys_and_scopes(client_at: Client, keys: Keys) -> None:
    client = client_at(NOON)
    path = f"/v1/subscribers/{A}/care"
    _error(client.get(path), 401, "no_key")
    _error(client.get(path, headers=bearer(keys["revoked"])), 401, "bad_key")
    _error(client.get(path, headers=bearer(keys["reader"][:-1] + "x")), 401, "bad_key")
    _error(client.get(path, headers={"Authorization": "Basic abc"}), 401, "no_key")
    _error(client.get(path, headers=bearer(keys["dashboard"])), 403, "missing_scope")
    assert client.get(path, headers={"X-API-Key": keys["reader"]}).status_code == 200
    assert client.get(path, headers=bearer(keys["admin"])).json()["msisdn"] == A  # msisdn:unmasked
    delivery = {"channel": "hotline", "time": "2026-11-05T10:00:00", "outcome": "delivered"}
    denied = client.post(
        f"/v1/subscribers/{B}/care/deliveries",
        json=delivery,
        headers={**bearer(keys["reader"]), "Idempotency-Key": "k1"},
    )
    assert _error(denied, 403, "missing_scope")["fix"].endswith("(cxradar keys create)")


def test_a_revoked_key_stops_working_without_a_restart(run_dir: Path, keys: Keys) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))
    with TestClient(app) as client:
        headers = bearer(keys["deliverer"])
        assert client.get(f"/v1/subscribers/{A}/care", headers=headers).status_code == 200
        key_id = keys["deliverer"].split("_")[1]
        KeyFile(keys.path).revoke(key_id)
        app.state.service.tick()  # what the housekeeping task does every second
        _error(client.get(f"/v1/subscribers/{A}/care", headers=headers), 401, "bad_key")


def test_batch_lookup_keeps_the_order_and_reports_each_number(client_at: Client, keys: Keys) -> None:
    client = client_at(NOON)
    body = client.post(
        "/v1/care:lookup", json={"msisdns": [A, "nope", E, f"+86 {C}"]}, headers=bearer(keys["reader"])
    ).json()
    assert body["month"] == "2026-10" and [r["index"] for r in body["results"]] == [0, 1, 2, 3]
    assert [r["found"] for r in body["results"]] == [True, False, False, True]
    assert body["results"][1]["error"]["code"] == "invalid_msisdn" and body["results"][2]["error"] is None
    assert body["results"][3]["card"]["msisdn"] == "139****0003"
    _error(
        client.post("/v1/care:lookup", json={"msisdns": [A] * 101}, headers=bearer(keys["reader"])),
        422,
        "invalid_body",
    )
    _error(
        client.post("/v1/care:lookup", json={"numbers": [A]}, headers=bearer(keys["reader"])),
        422,
        "invalid_body",
    )
    _error(
        client.post(
            "/v1/care:lookup",
            content=b"{",
            headers={**bearer(keys["reader"]), "Content-Type": "application/json"},
        ),
        400,
        "bad_json",
    )
    _error(
        client.post(
            "/v1/care:lookup", content=b"x", headers={**bearer(keys["reader"]), "Content-Type": "text/plain"}
        ),
        415,
        "unsupported_media_type",
    )
    _error(
        client.post("/v1/care:lookup", json={"msisdns": ["1" * 70_000]}, headers=bearer(keys["reader"])),
        413,
        "too_large",
    )


def test_health_readiness_and_unknown_routes(client_at: Client, keys: Keys, run_dir: Path) -> None:
    client = client_at(NOON)
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["ready"] is True and ready["month"] == "2026-10" and ready["cards"] == 6
    _error(client.get("/v2/whatever"), 404, "http_404")
    _error(client.delete(f"/v1/subscribers/{A}/care/deliveries"), 405, "http_405")
    assert client.get("/v1/openapi.json").json()["openapi"] == "3.1.0"
    shutil.rmtree(run_dir / "serve")
    fresh = client_at(NOON)
    assert fresh.get("/readyz").status_code == 503 and fresh.get("/readyz").json()["ready"] is False
    _error(fresh.get(f"/v1/subscribers/{A}/care", headers=bearer(keys["reader"])), 503, "not_ready")


def test_the_audit_log_names_every_request_but_never_a_number(run_dir: Path, keys: Keys) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))
    with TestClient(app) as client:
        client.get(f"/v1/subscribers/{A}/care", headers=bearer(keys["reader"]))
        client.get(f"/v1/subscribers/{E}/care", headers=bearer(keys["reader"]))
        client.get(f"/v1/subscribers/{A}/care")
        client.get("/v1/subscribers/12345/care", headers=bearer(keys["reader"]))
        client.post("/v1/care:lookup", json={"msisdns": [A, E]}, headers=bearer(keys["reader"]))
        client.get(f"/nowhere/{A}")
    text = "".join(p.read_text() for p in (run_dir / "serve" / "audit").glob("audit-*.jsonl"))
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 6
    # Subjects are hex digests, which may hold a run of 11 decimal digits by chance (CI saw one):
    # a number is a run of digits that no other hex character borders.
    number = r"(?<![0-9a-f])(?:1[3-9]\d{9}|12345)(?![0-9a-f])|\*\*\*\*"
    assert not re.search(number, text), "a number in the audit log"
    assert all(n not in text for n in (A, E, A[-4:] + '"')), "a number in the audit log"
    assert keys["reader"] not in text and keys["reader"].split("_", 2)[2] not in text
    care = [e for e in lines if e["route"] == "/v1/subscribers/{msisdn}/care"]
    assert [(e["status"], e["result"]) for e in care] == [
        (200, "found"),
        (404, "not_found"),
        (401, "error 401"),
        (422, "error 422"),
    ]
    secret = KeyRing(keys.path).audit_secret
    import hmac

    assert care[0]["subject"] == hmac.digest(secret, A.encode(), "sha256")[:16].hex()
    assert (
        care[0]["key"] == keys["reader"].split("_")[1]
        and care[0]["channel"] == "hotline"
        and care[2]["key"] is None
    )
    assert lines[-1]["route"] == "(unmatched)" and lines[-2]["result"] == "1/2 found"
    assert all(
        set(e) == {"time", "key", "channel", "method", "route", "subject", "status", "result", "ms", "pid"}
        for e in lines
    )


@pytest.mark.parametrize("scope", ["care:read", "care:deliver", "msisdn:unmasked", "dashboard:read"])
def test_every_scope_can_be_granted(tmp_path: Path, scope: str) -> None:
    token, key = KeyFile(tmp_path / "k.json").create("app", [scope])
    assert KeyRing(tmp_path / "k.json").verify(token) == key and key.allows(scope)
    assert oct((tmp_path / "k.json").stat().st_mode & 0o777) == "0o600"
    assert token not in (tmp_path / "k.json").read_text()

"""Deliveries: validated, idempotent, append-only, and read back as care_actions by the run."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest
from starlette.testclient import TestClient

from cxradar.serve.app import create_app
from cxradar.serve.deliveries import store_path
from cxradar.serve.delivery_io import (
    apply_deliveries,
    care_action_columns,
    read_deliveries,
    read_delivery_log,
)
from cxradar.serve.settings import ServeSettings

from .conftest import A, B, C, D, E, F, Keys, at, bearer

NOON = "2026-11-05T10:30:00"
Client = Callable[[str], TestClient]
GOOD = {"channel": "hotline", "time": "2026-11-05T10:00:00", "outcome": "delivered", "agent": "A0017"}


def _post(client: TestClient, token: str, number: str, body: dict, key: str | None = "k-1") -> httpx.Response:
    headers = {**bearer(token), **({"Idempotency-Key": key} if key is not None else {})}
    return client.post(f"/v1/subscribers/{number}/care/deliveries", json=body, headers=headers)


def test_a_retry_gets_the_first_answer_and_another_body_is_refused(
    client_at: Client, keys: Keys, run_dir: Path
) -> None:
    client = client_at(NOON)
    first = _post(client, keys["deliverer"], B, GOOD)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    body = first.json()
    assert body["msisdn"] == "138****0002" and body["outcome"] == "delivered" and body["month"] == "2026-10"
    assert body["recorded"] == [
        {"care_id": "care-2026-10-0000002", "campaign": "care-2026-10", "strategy": "wait_for_contact"}
    ]
    again = _post(
        client, keys["deliverer"], f"+86 {B}", GOOD
    )  # the same number in another form is the same request
    assert (
        again.status_code == 201 and again.headers["idempotent-replayed"] == "true" and again.json() == body
    )
    changed = _post(client, keys["deliverer"], B, {**GOOD, "outcome": "refused"})
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    other_system = _post(client, keys["admin"], B, GOOD)  # keys are scoped per channel system
    assert other_system.status_code == 201 and other_system.json()["delivery_id"] != body["delivery_id"]
    log = read_delivery_log(run_dir)
    assert len(log) == 2 and set(log["delivery_id"]) == {
        body["delivery_id"],
        other_system.json()["delivery_id"],
    }


def test_concurrent_requests_with_one_key_store_one_delivery(run_dir: Path, keys: Keys) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))

    async def race() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {**bearer(keys["deliverer"]), "Idempotency-Key": "same"}
            url = f"/v1/subscribers/{C}/care/deliveries"
            return await asyncio.gather(*[client.post(url, json=GOOD, headers=headers) for _ in range(20)])

    try:
        responses = asyncio.run(race())
    finally:
        asyncio.run(app.state.service.stop())  # no lifespan through ASGITransport: stop it here
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["delivery_id"] for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 19
    assert len(read_delivery_log(run_dir)) == 1


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({**GOOD, "note": "x"}, "invalid_body", "note: unknown field"),
        ({k: v for k, v in GOOD.items() if k != "outcome"}, "invalid_body", "outcome: is required"),
        ({**GOOD, "outcome": "deliverd"}, "invalid_body", "Did you mean 'delivered'?"),
        ({**GOOD, "channel": "fax"}, "invalid_body", "channel: 'fax' is not allowed"),
        ({**GOOD, "rating": 6}, "invalid_body", "rating: must be from 1 to 5"),
        ({**GOOD, "rating": True}, "invalid_body", "rating: must be integer"),
        ({**GOOD, "time": "yesterday"}, "invalid_body", "not an ISO 8601 date-time"),
        (
            {**GOOD, "time": "0001-01-01T00:00:00+00:01"},
            "invalid_body",
            "is out of range",
        ),  # found by schemathesis
        ({**GOOD, "time": "2026-11-06T10:00:00"}, "time_in_future", "is in the future"),
        ({**GOOD, "time": "2026-10-20T10:00:00"}, "before_assignment", "before the care was assigned"),
        ({**GOOD, "care_id": "care-x"}, "unknown_care_id", "is not on this number's card"),
    ],
)
def test_bad_deliveries_are_refused_with_the_field(
    client_at: Client, keys: Keys, run_dir: Path, body: dict, code: str, words: str
) -> None:
    response = _post(client_at(NOON), keys["deliverer"], A, body)
    assert response.status_code in (404, 422) and response.json()["error"]["code"] == code
    assert words in response.json()["error"]["message"]
    assert read_delivery_log(run_dir).empty


def test_no_key_header_or_no_care_is_refused(client_at: Client, keys: Keys) -> None:
    client = client_at(NOON)
    missing = _post(client, keys["deliverer"], A, GOOD, key=None)
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "missing_idempotency_key"
    assert _post(client, keys["deliverer"], E, GOOD).json()["error"]["code"] == "no_care"  # control group
    assert _post(client, keys["deliverer"], "13512345678", GOOD).status_code == 404


def test_the_right_care_is_recorded_and_read_back_in_the_contract_columns(
    client_at: Client, keys: Keys, run_dir: Path
) -> None:
    client = client_at(NOON)
    # A has no pending flag: the month's proactive care is recorded; local time from an offset
    assert (
        _post(
            client, keys["deliverer"], A, {**GOOD, "channel": "outbound", "time": "2026-11-05T02:00:00Z"}, "a"
        ).status_code
        == 201
    )
    # D: an unreachable attempt, then delivered; the delivered report wins
    _post(
        client,
        keys["deliverer"],
        D,
        {**GOOD, "channel": "sms", "outcome": "unreachable", "time": "2026-11-02T10:00:00"},
        "d1",
    )
    _post(
        client,
        keys["deliverer"],
        D,
        {**GOOD, "channel": "sms", "time": "2026-11-03T10:00:00", "rating": 5},
        "d2",
    )
    # C: unreachable only
    _post(client, keys["deliverer"], C, {**GOOD, "outcome": "unreachable"}, "c1")
    # F: September's flag, delivered while it was open (the lookup clock is in October)
    october = client_at("2026-10-20T12:00:00")
    assert (
        _post(
            october,
            keys["deliverer"],
            F,
            {**GOOD, "channel": "hall", "time": "2026-10-20T11:00:00", "outcome": "resolved"},
            "f",
        ).status_code
        == 201
    )
    got = read_deliveries(run_dir).set_index("id")
    assert list(got.reset_index().columns) == care_action_columns()
    assert got.loc["care-2026-10-0000001", "delivered_at"] == pd.Timestamp("2026-11-05 10:00")
    assert (
        got.loc["care-2026-10-0000001", "strategy"] == "targeted_remedy"
        and got.loc["care-2026-10-0000001", "channel"] == "outbound"
    )
    assert got.loc["care-2026-10-0000004", "outcome"] == "delivered"
    assert got.loc["care-2026-10-0000004", "delivered_at"] == pd.Timestamp("2026-11-03 10:00")
    assert got.loc["care-2026-10-0000003", "outcome"] == "unreachable" and pd.isna(
        got.loc["care-2026-10-0000003", "delivered_at"]
    )
    assert got.loc["care-2026-09-0000001", "outcome"] == "resolved" and (got["group"] == "treatment").all()
    log = read_delivery_log(run_dir)
    ratings = log.loc[log["care_id"] == "care-2026-10-0000004", "rating"]
    assert ratings.isna().iloc[0] and ratings.iloc[1] == 5

    counts = apply_deliveries(run_dir)
    pending = pd.concat(
        [pd.read_parquet(p) for p in sorted((run_dir / "care").glob("*/pending_care.parquet"))]
    )
    by_id = pending.set_index("care_id")
    assert (
        by_id.loc["care-2026-09-0000001", "status"] == "delivered"
        and by_id.loc["care-2026-09-0000001", "outcome"] == "resolved"
    )
    assert by_id.loc["care-2026-09-0000001", "delivered_channel"] == "hall"
    assert by_id.loc["care-2026-10-0000003", "status"] == "pending"  # unreachable: still waiting for contact
    plan = pd.read_parquet(run_dir / "care" / "2026-10" / "care_plan.parquet").set_index("id")
    assert plan.loc["care-2026-10-0000001", "delivered_at"] == pd.Timestamp("2026-11-05 10:00")
    assert plan.loc["care-2026-10-0000004", "outcome"] == "delivered" and pd.isna(
        plan.loc["care-2026-10-0000002", "outcome"]
    )
    assert counts == {"pending": 1, "plan": 4}
    assert apply_deliveries(run_dir) == {"pending": 0, "plan": 0}  # idempotent


def test_the_store_is_append_only(client_at: Client, keys: Keys, run_dir: Path) -> None:
    _post(client_at(NOON), keys["deliverer"], B, GOOD)
    con = sqlite3.connect(store_path(run_dir))
    try:
        for statement in ("UPDATE deliveries SET outcome = 'refused'", "DELETE FROM deliveries"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(statement)
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()
    assert read_deliveries(run_dir.parent / "nothing").empty

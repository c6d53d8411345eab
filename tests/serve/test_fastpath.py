"""What the speed-ups must not change: the hot route's crash answer and audit entry, the audit
log's chunks, the key check's shape tests, and a delivery group with the same key twice."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from cxradar.serve.app import create_app
from cxradar.serve.audit import AuditLog
from cxradar.serve.deliveries import DeliveryRecord, connect, store_path, write_group
from cxradar.serve.keys import KeyRing
from cxradar.serve.service import AUDIT_SECONDS
from cxradar.serve.settings import ServeSettings

from .conftest import A, Keys, at, bearer

NOON = "2026-11-05T10:30:00"


def _audit(run_dir: Path) -> list[dict[str, Any]]:
    text = "".join(p.read_text() for p in sorted((run_dir / "serve" / "audit").glob("audit-*.jsonl")))
    return [json.loads(line) for line in text.splitlines()]


def test_a_crash_on_the_hot_route_is_a_json_500_in_the_audit_log(
    run_dir: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))
    with TestClient(app) as client:

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(app.state.service, "card_for", broken)
        response = client.get(f"/v1/subscribers/{A}/care", headers=bearer(keys["reader"]))
    assert response.status_code == 500 and response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "internal" and "a bug" not in response.text  # never the details
    entry = _audit(run_dir)[-1]
    assert (entry["status"], entry["result"], entry["route"]) == (
        500,
        "error 500",
        "/v1/subscribers/{msisdn}/care",
    )
    assert entry["key"] == keys["reader"].split("_")[1] and entry["subject"] is not None


def test_the_audit_log_is_written_while_the_service_runs(run_dir: Path, keys: Keys) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))
    with TestClient(app) as client:
        for _ in range(3):
            assert client.get(f"/v1/subscribers/{A}/care", headers=bearer(keys["reader"])).status_code == 200
        deadline = time.monotonic() + 5
        while len(_audit(run_dir)) < 3 and time.monotonic() < deadline:  # no tick: the audit task's doing
            time.sleep(AUDIT_SECONDS)
        assert [e["result"] for e in _audit(run_dir)] == ["found"] * 3


def test_audit_chunks_keep_the_order_and_every_entry(tmp_path: Path) -> None:
    log = AuditLog(tmp_path, b"s" * 32, ZoneInfo("Asia/Shanghai"))
    for i in range(1234):
        log.record(key="k", channel='a "quoted" \\ name', method="GET", route="/r", subject=f"1380000{i:04d}",
                   status=200 + i % 3, result=f"r{i}", ms=i / 7)  # fmt: skip
    written = []
    while n := log.flush(500):
        written.append(n)
    assert written == [500, 500, 234]
    lines = [json.loads(line) for p in tmp_path.glob("audit-*.jsonl") for line in p.read_text().splitlines()]
    assert [e["result"] for e in lines] == [f"r{i}" for i in range(1234)]
    assert lines[7]["channel"] == 'a "quoted" \\ name' and lines[7]["ms"] == pytest.approx(1.0, abs=1e-3)
    assert lines[8]["subject"] == log.subject_hash("13800000008") and lines[8]["status"] == 202


def test_tokens_of_the_wrong_shape_are_refused(keys: Keys) -> None:
    ring = KeyRing(keys.path)
    good = keys["reader"]
    assert ring.verify(good) is not None
    for bad in (
        good[:-1],
        good + "x",
        "cxq" + good[3:],
        good[:12] + "-" + good[13:],
        good[:-1] + "!",
        "",
        "cxr_",
    ):
        assert ring.verify(bad) is None, bad


def _record(key: str, fingerprint: str, n_rows: int = 1) -> DeliveryRecord:
    rows = tuple(
        {"delivery_id": f"d-{key}-{fingerprint}", "scope": "hall", "idempotency_key": key, "key_id": "k1",
         "month": "2026-10", "care_id": f"care-{i}", "campaign": None, "strategy": "wait_for_contact",
         "assigned_channel": "hall", "assigned_at": "2026-11-01T09:00:00", "msisdn": "13800000002",
         "delivered_channel": "hall", "agent": "张三", "delivered_at": "2026-11-05T10:00:00",
         "outcome": "delivered", "rating": 5, "received_at": "2026-11-05T10:30:00"}
        for i in range(n_rows)
    )  # fmt: skip
    return DeliveryRecord(scope="hall", idempotency_key=key, fingerprint=fingerprint, rows=rows, status=201,
                          response=json.dumps({"delivery_id": f"d-{key}-{fingerprint}"}), received_at="2026-11-05T10:30:00")  # fmt: skip


def test_a_group_with_one_key_twice_stores_it_once_and_survives_reopening(run_dir: Path) -> None:
    path = store_path(run_dir)
    con = connect(path)
    try:
        first = write_group(con, [_record("a", "f1", 2)])
        group = [
            _record("a", "f1"),
            _record("b", "f2"),
            _record("b", "f2"),
            _record("b", "other"),
            _record("c", "f3"),
        ]
        outcomes = write_group(con, group)
    finally:
        con.close()
    assert [o.kind for o in first] == ["new"]
    assert [o.kind for o in outcomes] == ["replay", "new", "replay", "conflict", "new"]
    assert outcomes[0].response == first[0].response and outcomes[2].response == outcomes[1].response
    reopened = connect(path, readonly=True)
    try:
        rows = reopened.execute(
            "SELECT idempotency_key, care_id, agent, rating FROM deliveries ORDER BY seq"
        ).fetchall()
        requests = reopened.execute("SELECT idempotency_key, fingerprint FROM requests ORDER BY 1").fetchall()
    finally:
        reopened.close()
    assert rows == [
        ("a", "care-0", "张三", 5),
        ("a", "care-1", "张三", 5),
        ("b", "care-0", "张三", 5),
        ("c", "care-0", "张三", 5),
    ]
    assert requests == [("a", "f1"), ("b", "f2"), ("c", "f3")]

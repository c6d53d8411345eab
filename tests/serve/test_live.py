"""The real server (uvicorn, as ``cxradar serve`` runs it): a month swapped in under load without a
failed request, and deliveries acknowledged before a kill -9 all still there afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from cxradar.serve.cards import cards_meta_path, cards_path
from cxradar.serve.delivery_io import read_delivery_log
from cxradar.serve.publish import publish

from .conftest import A, B, C, D, E, H, Keys, bearer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, run_dir: Path, keys: Keys) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "cxradar",
            "serve",
            str(run_dir),
            "--port",
            str(self.port),
            "--keys",
            str(keys.path),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
        raise AssertionError("the server did not become ready in 30 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def server(run_dir: Path, keys: Keys) -> Iterator[Server]:
    running = Server(run_dir, keys)
    yield running
    running.stop()


def _next_month_cards(run_dir: Path) -> None:
    """The same cards as November's (month renamed), as the next run would write them."""
    source, target = cards_path(run_dir, "2026-10"), cards_path(run_dir, "2026-11")
    duckdb.execute(
        f'COPY (SELECT msisdn, replace(card, \'"month":"2026-10"\', \'"month":"2026-11"\') AS card FROM \'{source}\') '
        f"TO '{target}' (FORMAT parquet)"
    )
    cards_meta_path(run_dir, "2026-11").write_text(
        cards_meta_path(run_dir, "2026-10").read_text().replace("2026-10", "2026-11")
    )


def test_a_new_month_is_swapped_in_under_load_without_a_failed_request(
    server: Server, run_dir: Path, keys: Keys
) -> None:
    _next_month_cards(run_dir)
    expected = {A: 200, B: 200, C: 200, D: 200, H: 200, E: 404, "13512345678": 404}
    seen: list[tuple[int, str | None]] = []
    failures: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=server.url, headers=bearer(keys["reader"]), timeout=10) as client:
            while not stop.is_set():
                for number, status in expected.items():
                    try:
                        response = client.get(f"/v1/subscribers/{number}/care")
                    except httpx.HTTPError as error:
                        failures.append(repr(error))
                        continue
                    if response.status_code != status:
                        failures.append(f"{number}: {response.status_code}")
                    seen.append((response.status_code, response.json().get("month")))

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        publish(run_dir, "2026-11")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and httpx.get(f"{server.url}/readyz").json()["month"] != "2026-11":
            time.sleep(0.05)
        time.sleep(0.5)
        publish(run_dir, "2026-10")  # and back, while the load goes on
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not failures, failures[:5]
    months = [month for status, month in seen if status == 200]
    assert len(seen) > 200 and {"2026-10", "2026-11"} <= set(months)
    switched = months.index("2026-11")
    assert set(months[:switched]) == {"2026-10"}  # the old month until the swap, never a mixture before
    assert httpx.get(f"{server.url}/readyz").json()["month"] == "2026-10"


def test_an_acknowledged_delivery_survives_kill_9(server: Server, run_dir: Path, keys: Keys) -> None:
    acknowledged: dict[str, str] = {}  # idempotency key -> delivery id
    lock = threading.Lock()
    stop = threading.Event()
    targets = [B, C, D, A]

    def deliver(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers=bearer(keys["deliverer"]), timeout=5) as client:
            n = 0
            while not stop.is_set():
                n += 1
                key = f"w{worker}-{n}-{uuid.uuid4().hex[:6]}"
                body = {"channel": "hotline", "time": "2026-11-02T10:00:00", "outcome": "delivered"}
                try:
                    response = client.post(
                        f"/v1/subscribers/{targets[n % 4]}/care/deliveries",
                        json=body,
                        headers={"Idempotency-Key": key},
                    )
                except httpx.HTTPError:
                    return  # the server is gone: this one was never acknowledged
                if response.status_code == 201:
                    with lock:
                        acknowledged[key] = response.json()["delivery_id"]

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(server.process.pid, signal.SIGKILL)  # mid-stream: requests are in flight
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    with lock:
        acked = dict(acknowledged)
    assert len(acked) >= 150
    stored = read_delivery_log(run_dir)
    assert set(acked.values()) <= set(stored["delivery_id"])  # not one acknowledged delivery lost
    # after a restart, a retry of an acknowledged delivery is answered from the store, not stored twice
    again = Server(run_dir, keys)
    try:
        key, delivery_id = next(iter(acked.items()))
        worker_number = int(key.split("-")[1])
        retry = httpx.post(
            f"{again.url}/v1/subscribers/{targets[worker_number % 4]}/care/deliveries",
            json={"channel": "hotline", "time": "2026-11-02T10:00:00", "outcome": "delivered"},
            headers={**bearer(keys["deliverer"]), "Idempotency-Key": key},
        )
        assert retry.status_code == 201 and retry.json()["delivery_id"] == delivery_id
        assert retry.headers["idempotent-replayed"] == "true"
    finally:
        again.stop()
    assert len(read_delivery_log(run_dir)) == len(stored)

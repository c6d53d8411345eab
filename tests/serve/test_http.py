"""The HTTP protocol ``cxradar serve`` gives uvicorn: the hot route inline, one write a response,
otherwise uvicorn's own.

The protocol is driven as uvicorn's server drives it (``connection_made``, ``data_received``) over
a transport that records every write, so the test sees exactly the bytes and the system calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from uvicorn.config import Config
from uvicorn.server import ServerState

from cxradar.serve.app import create_app
from cxradar.serve.http import HttpProtocol
from cxradar.serve.settings import ServeSettings

from .conftest import A, B, Keys, at, bearer


class Recording:
    """A transport that keeps what is written."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return default

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def _answer(scope: Any, receive: Any, send: Any) -> None:
    body = b""
    if scope["method"] == "POST":
        message = await receive()
        body = message["body"]
    payload = b'{"path":"%s","got":"%s"}' % (scope["path"].encode(), body)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]})  # fmt: skip
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else payload})


async def _fails_after_the_head(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
    raise RuntimeError("halfway")


def _drive(app: Any, *chunks: bytes) -> Recording:
    loop = asyncio.new_event_loop()
    try:
        config = Config(app=app, http=HttpProtocol, lifespan="off", log_level="critical")
        config.load()
        protocol = HttpProtocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
        transport = Recording()
        protocol.connection_made(transport)  # type: ignore[arg-type]
        for chunk in chunks:
            protocol.data_received(chunk)
            loop.run_until_complete(asyncio.sleep(0.01))
        protocol.connection_lost(None)
        return transport
    finally:
        loop.close()


def _responses(transport: Recording) -> list[bytes]:
    return [w for w in transport.writes if not w.startswith(b"HTTP/1.1 100")]


def test_a_get_is_answered_with_one_write() -> None:
    transport = _drive(_answer, b"GET /v1/a HTTP/1.1\r\nHost: x\r\n\r\n")
    assert len(transport.writes) == 1
    head, body = transport.writes[0].split(b"\r\n\r\n", 1)
    assert head == b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 25"
    assert body == b'{"path":"/v1/a","got":""}'


def test_pipelined_requests_and_a_post_with_100_continue() -> None:
    transport = _drive(
        _answer,
        b"GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /three HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
        b"hi",
    )
    assert transport.writes[2] == b"HTTP/1.1 100 Continue\r\n\r\n"  # at once: the client waits for it
    answers = _responses(transport)
    assert len(answers) == 3  # one write each
    assert [a.split(b"\r\n\r\n", 1)[1] for a in answers] == [
        b'{"path":"/one","got":""}',
        b'{"path":"/two","got":""}',
        b'{"path":"/three","got":"hi"}',
    ]


@pytest.mark.parametrize(("method", "writes"), [("HEAD", 1), ("OPTIONS", 2)])
def test_other_methods_are_written_as_uvicorn_writes_them(method: str, writes: int) -> None:
    transport = _drive(_answer, f"{method} /x HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert len(transport.writes) == writes  # the head on its own, then the body (HEAD has none)
    assert transport.writes[0].startswith(b"HTTP/1.1 200 OK\r\n") and transport.writes[0].endswith(
        b"\r\n\r\n"
    )


def test_a_response_cut_off_halfway_still_sends_its_head() -> None:
    transport = _drive(_fails_after_the_head, b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
    assert transport.closed and transport.writes[0].startswith(b"HTTP/1.1 200 OK\r\n")


# ---- the hot route answered inline (no ASGI cycle), against the same route through ASGI

NOON = "2026-11-05T10:30:00"


@contextlib.contextmanager
def _service(run_dir: Path, keys: Keys) -> Iterator[Any]:
    """The service's application (not started: the protocol tests drive no lifespan), closed after."""
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))
    try:
        yield app
    finally:
        app.state.service.holder.close()


def _split(response: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    head, body = response.split(b"\r\n\r\n", 1)
    status, *lines = head.split(b"\r\n")
    return status, dict(line.split(b": ", 1) for line in lines), body


def _get(path: str, token: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n{extra}\r\n".encode()


def test_the_hot_route_is_answered_inline_with_the_asgi_routes_bytes(run_dir: Path, keys: Keys) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(NOON))
    paths = [f"/v1/subscribers/{A}/care", "/v1/subscribers/13900000000/care", "/v1/subscribers/12/care"]
    tokens = [keys["reader"], keys["reader"], keys["reader"]]
    paths.append(f"/v1/subscribers/{A}/care")
    tokens.append(keys["dashboard"])  # a key without care:read: 403
    transport = _drive(app, *(_get(p, t) for p, t in zip(paths, tokens, strict=True)))
    assert len(transport.writes) == len(paths)  # one write each
    with TestClient(app) as client:
        for written, path, token in zip(transport.writes, paths, tokens, strict=True):
            status, headers, body = _split(written)
            expected = client.get(path, headers=bearer(token))
            assert status == f"HTTP/1.1 {expected.status_code} ".encode() + status.split(b" ", 2)[2]
            assert body == expected.content
            assert headers[b"content-type"] == b"application/json"
            assert int(headers[b"content-length"]) == len(body)
    assert [_split(w)[0].split(b" ")[1] for w in transport.writes] == [b"200", b"404", b"422", b"403"]
    service = app.state.service
    service.audit.flush()
    entries = [
        json.loads(line)
        for f in sorted((run_dir / "serve" / "audit").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    inline = entries[: len(paths)]  # the protocol's answers come first, then the test client's
    assert [e["status"] for e in inline] == [200, 404, 422, 403]
    assert {e["route"] for e in inline} == {"/v1/subscribers/{msisdn}/care"}
    assert inline[0]["subject"] == service.audit.subject_hash(A)


def test_pipelined_requests_keep_their_order_around_the_inline_answer(run_dir: Path, keys: Keys) -> None:
    with _service(run_dir, keys) as app:
        counted = _CountingWrapper(app)  # as uvicorn's middlewares wrap it: found through .app
        transport = _drive(counted, *_pipelined(keys))
    assert counted.paths == ["/v1/care:lookup", f"/v1/subscribers/{B}/care", f"/v1/subscribers/{A}/care"]
    bodies = [json.loads(_split(w)[2]) for w in transport.writes]
    assert len(bodies) == 4
    assert bodies[0]["msisdn"].endswith(A[-4:])  # inline
    assert [r["msisdn"][-4:] for r in bodies[1]["results"]] == [A[-4:], B[-4:]]  # Starlette's route
    assert bodies[2]["msisdn"].endswith(B[-4:])  # behind the POST: queued, through ASGI
    assert bodies[3] == bodies[0]  # a query string: through ASGI, the same answer


class _CountingWrapper:
    """An ASGI middleware that notes the path of every request that reaches the application."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.paths.append(scope["path"])
        await self.app(scope, receive, send)


def _pipelined(keys: Keys) -> tuple[bytes]:
    lookup = json.dumps({"msisdns": [A, B]}).encode()
    post = (
        f"POST /v1/care:lookup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {keys['reader']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(lookup)}\r\n\r\n"
    ).encode() + lookup
    hot_a, hot_b = (
        _get(f"/v1/subscribers/{A}/care", keys["reader"]),
        _get(f"/v1/subscribers/{B}/care", keys["reader"]),
    )
    return (hot_a + post + hot_b + _get(f"/v1/subscribers/{A}/care?x=1", keys["reader"]),)


def test_an_inline_answer_honours_connection_close(run_dir: Path, keys: Keys) -> None:
    with _service(run_dir, keys) as app:
        transport = _drive(app, _get(f"/v1/subscribers/{A}/care", keys["reader"], "Connection: close\r\n"))
    assert len(transport.writes) == 1 and transport.closed
    assert _split(transport.writes[0])[1][b"connection"] == b"close"

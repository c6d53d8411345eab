"""The HTTP protocol ``cxradar serve`` gives uvicorn: one write a response, otherwise uvicorn's own.

The protocol is driven as uvicorn's server drives it (``connection_made``, ``data_received``) over
a transport that records every write, so the test sees exactly the bytes and the system calls.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from cxradar.serve.http import HttpProtocol


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

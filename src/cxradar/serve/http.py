"""uvicorn's httptools protocol, writing each response's head and body with one system call.

uvicorn writes the status line and headers when the application sends ``http.response.start``
and the body when it sends ``http.response.body``: two ``write`` calls, two TCP segments, a
response. A system call costs ~5 µs on this machine and the hot route's whole answer ~80 µs of
CPU (``strace -c`` under ``wrk``: two writes a lookup), so :class:`HttpProtocol` - which
``cxradar serve`` gives uvicorn as its ``http`` protocol - holds a GET or POST response's head
back and writes it together with the first part of the body. Everything else is uvicorn's: the
parsing, keep-alive, flow control, pipelining, ``100 Continue`` (written at once: the client
waits for it), errors. A connection closed after the head (an application that fails halfway)
gets the head first, as before.

The one coupling to uvicorn's internals: after :meth:`on_headers_complete` the protocol's
``cycle`` is the new request's, with its ``transport`` and ``response_started`` (so in uvicorn
0.54, the locked version; ``tests/serve/test_http.py`` drives the protocol with a recording
transport and fails if a response takes two writes or comes out wrong, and the live tests run
``cxradar serve`` with it).
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

__all__ = ["HttpProtocol"]

_HELD_METHODS = frozenset({"GET", "POST"})  # every response to these has a body write, if empty


class _HeadWithBody:
    """A transport that holds the response head back until the first body write."""

    __slots__ = ("_cycle", "_head", "_held", "_transport")

    def __init__(self, transport: Any, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head: bytes | None = None
        self._held = False

    def write(self, data: bytes) -> None:
        if not self._held and self._cycle.response_started:  # uvicorn's write of the head
            self._head, self._held = data, True
            return
        if self._head is not None:
            data, self._head = self._head + data, None
        self._transport.write(data)

    def close(self) -> None:
        if self._head is not None:
            self._transport.write(self._head)
            self._head = None
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, ...
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    """uvicorn's ``httptools`` protocol with one write a response (see the module docstring)."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if (
            cycle is not None
            and type(cycle.transport) is not _HeadWithBody
            and cycle.scope.get("method") in _HELD_METHODS
        ):
            cycle.transport = _HeadWithBody(cycle.transport, cycle)  # type: ignore[assignment]

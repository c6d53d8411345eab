"""uvicorn's httptools protocol, with the hot route answered inline and one write a response.

Two changes to uvicorn's ``HttpToolsProtocol``, which ``cxradar serve`` gives uvicorn as its
``http`` protocol. Everything else is uvicorn's: the parsing, keep-alive, flow control,
pipelining, ``100 Continue``, errors, shutdown.

* **The card lookup answered inline.** ``GET /v1/subscribers/{msisdn}/care`` is the channels'
  hot route (issue 13's floor: 10,000 lookups a second at p99 ≤ 5 ms on one core, with 50
  connections in flight - by Little's law ~70 µs a request for everything). Its answer needs no
  I/O: the key, the number, the mapped card, the audit buffer. Yet uvicorn gives every request a
  ``RequestResponseCycle``, an ``asyncio.Event``, a task on the event loop and two ASGI messages:
  ~50 µs of the 136 µs a lookup took under ``wrk`` (py-spy). So when that route's request is
  complete (``on_message_complete``) and no other request of the connection is in flight, the
  protocol computes the answer with :meth:`~cxradar.serve.fastpath.ServiceApp.answer_care` - the
  same code, audit entry and bytes as the ASGI route - and writes head and body at once, then
  does what uvicorn does after a response (count it, re-arm keep-alive, resume reading). A path
  with a query string or an escape, HTTP/1.0, an upgrade, a client that is not reading (writes
  paused), an application that is not a :class:`~cxradar.serve.fastpath.ServiceApp`, or a
  request behind another in the pipeline takes uvicorn's ASGI path, which ends in the same code.
* **One write a response** for the other GET and POST routes: uvicorn writes the status line and
  headers at ``http.response.start`` and the body at ``http.response.body`` - two system calls
  (~5 µs each). :class:`_HeadWithBody` holds the head back and writes it with the first part of
  the body. A connection closed after the head (an application that fails halfway) gets the head.

The coupling to uvicorn's internals (0.54, the locked version): the parser callbacks, ``cycle``
with its ``transport`` and ``response_started``, ``server_state.default_headers``,
``on_response_complete``. ``tests/serve/test_http.py`` drives the protocol over a recording
transport and fails if a response takes two writes, comes out wrong or out of order; the live
tests run ``cxradar serve`` with it.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

from cxradar.serve.fastpath import CARE_HEADERS, ServiceApp, care_subject

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
    """uvicorn's ``httptools`` protocol, the hot route inline, one write a response (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain = not self.root_path and self.limit_concurrency is None
        self._service_app = _service_app(self.app) if plain else None
        self._inline: str | None = None  # the msisdn of a hot-route request being read

    def on_headers_complete(self) -> None:
        service_app, cycle = self._service_app, self.cycle
        if (
            service_app is not None
            and self.parser.get_method() == b"GET"
            and (cycle is None or cycle.response_complete)
            and not self.flow.write_paused  # a client that does not read: uvicorn's path waits
            and self.parser.get_http_version() == "1.1"
            and not self.parser.should_upgrade()
            and b"?" not in self.url
            and b"%" not in self.url
        ):
            try:
                self._inline = care_subject(self.url.decode("ascii"))
            except UnicodeDecodeError:
                self._inline = None
            if self._inline is not None:
                return
        super().on_headers_complete()
        cycle = self.cycle
        if (
            cycle is not None
            and type(cycle.transport) is not _HeadWithBody
            and cycle.scope.get("method") in _HELD_METHODS
        ):
            cycle.transport = _HeadWithBody(cycle.transport, cycle)  # type: ignore[assignment]

    def on_body(self, body: bytes) -> None:
        if self._inline is None:
            super().on_body(body)
        # a body sent with the lookup is not read, as the ASGI route does not read it

    def on_message_complete(self) -> None:
        raw = self._inline
        if raw is None or self._service_app is None:
            super().on_message_complete()
            return
        self._inline = None
        status, body = self._service_app.answer_care(self.headers, raw)
        keep_alive = self.parser.should_keep_alive()
        content = [STATUS_LINE[status]]
        for name, value in (*self.server_state.default_headers, *CARE_HEADERS):
            content += (name, b": ", value, b"\r\n")
        content.append(b"content-length: %d\r\n" % len(body))
        if not keep_alive:
            content.append(b"connection: close\r\n")
        content += (b"\r\n", body)
        self.transport.write(b"".join(content))
        if keep_alive:
            self.on_response_complete()  # uvicorn's: count it, keep-alive timer, resume reading
        else:
            self.server_state.total_requests += 1
            self.transport.close()


def _service_app(app: Any) -> ServiceApp | None:
    """The :class:`ServiceApp` under uvicorn's wrappers (``.app`` attributes), if it is one."""
    for _ in range(8):
        if isinstance(app, ServiceApp):
            return app
        app = getattr(app, "app", None)
        if app is None:
            return None
    return None

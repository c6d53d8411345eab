"""The hot route, ``GET /v1/subscribers/{msisdn}/care``, answered before the framework's layers.

A channel asks this while the customer is on the line, thousands of times a second, and the
floor is 10,000 lookups a second at p99 ≤ 5 ms on one core. With 50 connections in flight,
Little's law makes that ~13,000/s at least, about 75 µs a request for everything: uvicorn's
HTTP, key, lookup, rendering, audit. Starlette's routing, request and response objects, its
error middleware and exception wrappers cost ~50 µs of that on this machine, so this one route
is a plain ASGI callable in front of the whole Starlette application (:class:`ServiceApp`, what
:func:`cxradar.serve.app.create_app` returns): it matches the path with two string tests and
answers with the same error shape (a crash included: a 500 with the JSON body, as Starlette's
handler gives), the same audit entry and the same
:meth:`~cxradar.serve.service.Service.card_for` as the other routes. Every other request, and
the lifespan, goes to Starlette.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.datastructures import State
from starlette.types import ASGIApp, Receive, Scope, Send

from cxradar.serve.api_errors import ApiError, crash_body
from cxradar.serve.routes import number_or_422
from cxradar.serve.service import Service, presented_key

__all__ = ["CARE_HEADERS", "CARE_ROUTE", "ServiceApp", "care_subject"]

CARE_ROUTE = "/v1/subscribers/{msisdn}/care"
_PREFIX, _SUFFIX = "/v1/subscribers/", "/care"
_NOT_FOUND = ApiError(
    404, "no_care", "this number is on no care list and has no pending care this month",
    "该号码本月不在任何关怀名单中，也没有待关怀任务", "treat the caller as usual; nothing to do",
)  # fmt: skip
_JSON = (b"content-type", b"application/json")
CARE_HEADERS = (_JSON,)  # besides content-length, on every answer of the hot route


class ServiceApp:
    """The service's ASGI application: the card lookup answered here, everything else by ``app``.

    ``state`` is the Starlette application's (``app.state.service`` is the running
    :class:`~cxradar.serve.service.Service`)."""

    def __init__(self, app: ASGIApp, service: Service, state: State) -> None:
        self.app = app
        self.service = service
        self.state = state
        self._not_found = _NOT_FOUND.body()
        self._crash = crash_body()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            raw = care_subject(scope["path"])
            if raw is not None:
                status, body = self.answer_care(scope["headers"], raw)
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [*CARE_HEADERS, (b"content-length", b"%d" % len(body))],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def answer_care(self, headers: list[tuple[bytes, bytes]], raw: str) -> tuple[int, bytes]:
        """(status, JSON body) of ``GET /v1/subscribers/{raw}/care`` with these request headers,
        its audit entry recorded: what the ASGI route above and the protocol's inline answer
        (:mod:`cxradar.serve.http`) both send."""
        started = time.perf_counter()
        service = self.service
        note: dict[str, Any] = {}
        subject = None
        try:
            key = service.check_key(presented_key(headers), "care:read", note)
            subject = number_or_422(raw)
            card = service.card_for(key, subject)
            if card is None:
                status, body, result = 404, self._not_found, "not_found"
            else:
                status, body, result = 200, card, "found"
        except ApiError as error:
            status, body, result = error.status, error.body(), f"error {error.status}"
        except Exception:  # the same answer as Starlette's handler for the other routes (app.py)
            status, body, result = 500, self._crash, "error 500"
        service.audit.record(
            key=note.get("key"), channel=note.get("channel"), method="GET", route=CARE_ROUTE, subject=subject,
            status=status, result=result, ms=(time.perf_counter() - started) * 1000,
        )  # fmt: skip
        return status, body


def care_subject(path: str) -> str | None:
    """The ``{msisdn}`` part of a path of the hot route, or None for any other path."""
    if path.startswith(_PREFIX) and path.endswith(_SUFFIX) and "/" not in path[16:-5] and len(path) > 21:
        return path[16:-5]
    return None

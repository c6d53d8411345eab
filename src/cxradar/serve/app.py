"""The Starlette application: routes, one error shape, the audit log, the lifespan, a dashboard slot.

:func:`create_app` builds the application for one :class:`~cxradar.serve.settings.ServeSettings`;
:func:`app_from_env` is the factory uvicorn's worker processes call (``cxradar serve`` passes the
settings through environment variables, because ``--workers`` starts fresh interpreters).

Routes (docs/serve.md#api; the OpenAPI document at ``/v1/openapi.json``)::

    GET  /v1/subscribers/{msisdn}/care              care:read      (cxradar.serve.fastpath, in front)
    POST /v1/care:lookup                            care:read      up to 100 numbers
    POST /v1/subscribers/{msisdn}/care/deliveries   care:deliver   Idempotency-Key, durable
    GET  /healthz, /readyz, /v1/openapi.json        no key

The dashboard (issue 14) mounts here: pass its ASGI application as ``dashboard=`` and it is served
under ``/dashboard``. It finds the running :class:`~cxradar.serve.service.Service` in
``request.state.service`` (lifespan state reaches mounted applications too) and checks its
visitors' keys with ``service.authenticate(request, "dashboard:read")``; its requests are in the
audit log like every other.

Every request, whatever its outcome, leaves one audit entry (:class:`AuditMiddleware` for the
routes here; the hot route writes its own). uvicorn's own access log is off: its lines hold
paths, and paths hold numbers.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cxradar.serve.api_errors import ApiError, crash_body, error_response
from cxradar.serve.fastpath import ServiceApp
from cxradar.serve.routes import Api
from cxradar.serve.service import Service
from cxradar.serve.settings import ServeSettings, load_serve_config

__all__ = [
    "ENV_CONFIG",
    "ENV_KEYS",
    "ENV_RUN_DIR",
    "AuditMiddleware",
    "app_from_env",
    "create_app",
    "settings_from_env",
]

ENV_RUN_DIR = "CXRADAR_SERVE_RUN_DIR"
ENV_KEYS = "CXRADAR_KEYS"
ENV_CONFIG = "CXRADAR_SERVE_CONFIG"

_HTTP_WORDS = {
    404: ("no such route", "没有该接口", "see /v1/openapi.json for the routes"),
    405: ("method not allowed on this route", "该接口不支持此方法", "see /v1/openapi.json for the methods"),
}


class AuditMiddleware:
    """Write one audit entry per HTTP request: key, channel, route, subject, status, result, time."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            note = scope.get("cxradar.audit") or {}
            route = note.get("route") or _route_of(scope)
            self.service.audit.record(
                key=note.get("key"), channel=note.get("channel"), method=scope["method"], route=route,
                subject=note.get("subject"), status=status, result=note.get("result") or _result(status),
                ms=(time.perf_counter() - started) * 1000,
            )  # fmt: skip


def _route_of(scope: Scope) -> str:
    path = scope.get("path", "")
    return "/dashboard/*" if path.startswith("/dashboard") else "(unmatched)"  # never the path itself


def _result(status: int) -> str:
    return "ok" if status < 400 else f"error {status}"


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message, message_zh, fix = _HTTP_WORDS.get(
        exc.status_code, (str(exc.detail), str(exc.detail), "see docs/serve.md")
    )
    return error_response(
        exc.status_code,
        f"http_{exc.status_code}",
        message,
        message_zh,
        fix,
        dict(exc.headers) if exc.headers else None,
    )


async def _crash(request: Request, exc: Exception) -> Response:
    return Response(crash_body(), status_code=500, media_type="application/json")


def create_app(
    settings: ServeSettings, *, dashboard: ASGIApp | None = None, now: Callable[[], datetime] | None = None
) -> ServiceApp:
    """The service for ``settings``; ``dashboard`` is mounted at /dashboard; ``now`` fixes the clock
    (tests). The hot route answers in front of Starlette (:mod:`cxradar.serve.fastpath`);
    ``.state.service`` is the running :class:`Service`."""
    service = Service(settings, now)
    api = Api(service)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        await service.start()
        try:
            yield {"service": service}
        finally:
            await service.stop()

    routes: list[BaseRoute] = [
        Route("/v1/care:lookup", api.lookup, methods=["POST"]),
        Route("/v1/subscribers/{msisdn}/care/deliveries", api.record_delivery, methods=["POST"]),
        Route("/healthz", api.healthz, methods=["GET"]),
        Route("/readyz", api.readyz, methods=["GET"]),
        Route("/v1/openapi.json", api.openapi, methods=["GET"]),
    ]
    if dashboard is not None:  # issue 14: the bilingual dashboard (see the module docstring)
        routes.append(Mount("/dashboard", app=dashboard))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _crash},
    )
    app.state.service = service
    app.add_middleware(AuditMiddleware, service=service)
    return ServiceApp(app, service, app.state)  # GET .../care skips every layer of Starlette


def settings_from_env() -> ServeSettings:
    """The settings ``cxradar serve`` passes to its worker processes through the environment."""
    config = os.environ.get(ENV_CONFIG)
    return ServeSettings(
        run_dir=Path(os.environ[ENV_RUN_DIR]),
        keys_path=Path(os.environ[ENV_KEYS]),
        config=load_serve_config(Path(config) if config else None),
    )


def app_from_env() -> ServiceApp:
    """The application as ``cxradar serve`` configures it through the environment (worker factory)."""
    return create_app(settings_from_env())

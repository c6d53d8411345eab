"""The report's pages live: a Starlette sub-application for ``cxradar serve`` to mount at ``/dashboard``.

::

    app = create_dashboard_app(published_root, authorise)
    service.mount("/dashboard", app)

``published_root`` is a run folder (``RUN_DIR/report/`` holds the stored months) or a folder of run
folders (one per month or per run); it is scanned on every request, so a month published while the
service runs appears in the month picker at once. ``authorise(request)`` is the service's check (for
example an API key of scope ``dashboard:read``): it returns ``None`` to let the request through or
the :class:`~starlette.responses.Response` to send instead (the service's own 401/403 shape); it
may be a coroutine function. Routes, relative to the mount point::

    GET /                       redirect to the latest month
    GET /months.json            {"months": [...], "latest": "YYYY-MM"}
    GET /{month}                the report of that month, with a month picker (same pages as the file)
    GET /{month}/tables/{name}.csv   one aggregate table of that month (UTF-8 with BOM)

A page is rendered once per month and stored table version (the manifest's build time).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

# The report's modules (pandas, the analytics) are imported on the first dashboard request, not
# when the service starts: a lookup worker with 5M cards is ready in well under a second instead
# of after the analytics stack has loaded.

__all__ = ["Authorise", "create_dashboard_app", "published_months"]

Authorise = Callable[[Request], "Response | Awaitable[Response | None] | None"]
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:;"


def published_months(published_root: Path) -> dict[str, Path]:
    """Month -> the ``report`` folder holding it, over the root and its sub-folders (latest build wins)."""
    from cxradar.dashboard.store import REPORT_DIR, read_manifest

    root = Path(published_root)
    folders = (
        [root / REPORT_DIR, *sorted(p / REPORT_DIR for p in root.iterdir() if p.is_dir())]
        if root.is_dir()
        else []
    )
    found: dict[str, tuple[str, Path]] = {}
    for folder in folders:
        manifest = read_manifest(folder)
        for month in manifest.get("months", []):
            built = str(manifest.get("built", {}).get(month, ""))
            if month not in found or built >= found[month][0]:
                found[month] = (built, folder)
    return {month: folder for month, (_built, folder) in sorted(found.items())}


def _error(status: int, code: str, message: str, fix: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "fix": fix}}, status_code=status)


def create_dashboard_app(published_root: Path, authorise: Authorise) -> Starlette:
    """The dashboard sub-application over ``published_root`` with the service's ``authorise`` check."""
    root = Path(published_root)
    cache: dict[tuple[str, str, str], str] = {}

    async def guard(request: Request) -> Response | None:
        verdict: Any = authorise(request)
        if inspect.isawaitable(verdict):
            verdict = await verdict
        return verdict if isinstance(verdict, Response) else None

    def lookup(month: str) -> tuple[dict[str, Path], Path | None]:
        months = published_months(root)
        return months, months.get(month)

    def missing(month: str, months: dict[str, Path]) -> JSONResponse:
        listed = ", ".join(months) or "none"
        return _error(
            404,
            "month_not_found",
            f"no published report for month '{month}' (published: {listed})",
            "pick a published month, or publish it: cxradar report RUN_DIR after the month's run",
        )

    async def index(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        months = published_months(root)
        if not months:
            return missing("latest", months)
        latest = list(months)[-1]
        return RedirectResponse(str(request.url).rstrip("/") + "/" + latest, status_code=307)

    async def months_json(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        months = list(published_months(root))
        return JSONResponse({"months": months, "latest": months[-1] if months else None})

    def render(month: str, folder: Path, months: list[str]) -> str:
        from cxradar.dashboard.build import load_month
        from cxradar.dashboard.document import build_report
        from cxradar.dashboard.html import render_html
        from cxradar.dashboard.store import read_manifest

        key = (month, str(folder), str(read_manifest(folder).get("built", {}).get(month, "")))
        if key not in cache:
            report = build_report(load_month(folder, month))
            cache[key] = render_html(report, picker=[(m, m) for m in months])
        return cache[key]

    async def page(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        month = str(request.path_params["month"])
        months, folder = lookup(month)
        if not _MONTH.match(month) or folder is None:
            return missing(month, months)
        html = await run_in_threadpool(render, month, folder, list(months))
        return HTMLResponse(
            html, headers={"Content-Security-Policy": _CSP, "Cache-Control": "private, no-cache"}
        )

    async def table_csv(request: Request) -> Response:
        if (denied := await guard(request)) is not None:
            return denied
        month, name = str(request.path_params["month"]), str(request.path_params["name"])
        months, folder = lookup(month)
        if folder is None:
            return missing(month, months)
        from cxradar.dashboard.aggregates import SPECS
        from cxradar.dashboard.build import load_month

        if name not in SPECS:
            return _error(
                404, "table_not_found", f"no table '{name}'", f"use one of: {', '.join(sorted(SPECS))}"
            )

        def rows() -> bytes:
            frame = load_month(folder, month).current[name]
            frame.insert(0, "month", month)
            sink = pa.BufferOutputStream()
            pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), sink)
            return b"\xef\xbb\xbf" + sink.getvalue().to_pybytes()

        body = await run_in_threadpool(rows)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}-{month}.csv"'},
        )

    return Starlette(
        routes=[
            Route("/", index),
            Route("/months.json", months_json),
            Route("/{month}", page),
            Route("/{month}/tables/{name}.csv", table_csv),
        ]
    )

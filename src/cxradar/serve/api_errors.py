"""One JSON error shape for every API error, and the checks of request bodies against the document.

Every error the service returns, whatever the route or the cause (no key, bad number, unknown
route, a crash), has the body::

    {"error": {"status": 422, "code": "invalid_msisdn", "message": "...", "message_zh": "...",
               "fix": "..."}}

:func:`check_body` validates a JSON body against the flat object schemas of
:mod:`cxradar.serve.openapi` (type, enum, length, range, date-time, no unknown fields), so what
the document promises is what the service checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from starlette.responses import Response

from cxradar.errors import did_you_mean

__all__ = ["ApiError", "check_body", "crash_body", "error_body", "error_response", "parse_time"]

_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}


class ApiError(Exception):
    """An error answered with :func:`error_response`'s shape."""

    def __init__(self, status: int, code: str, message: str, message_zh: str, fix: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.message_zh, self.fix = (
            status,
            code,
            message,
            message_zh,
            fix,
        )

    def body(self) -> bytes:
        return error_body(self.status, self.code, self.message, self.message_zh, self.fix)

    def response(self) -> Response:
        return Response(self.body(), status_code=self.status, media_type="application/json")


def error_body(status: int, code: str, message: str, message_zh: str, fix: str) -> bytes:
    """The one error shape, as JSON bytes."""
    detail = {"status": status, "code": code, "message": message, "message_zh": message_zh, "fix": fix}
    return orjson.dumps({"error": detail})


def crash_body() -> bytes:
    """The 500 answer to a request the service failed on (never with the details)."""
    return error_body(
        500, "internal", "the service failed on this request", "服务处理该请求时出错",
        "retry; if it persists, tell the operator's cxradar admin (see the service log)",
    )  # fmt: skip


def error_response(
    status: int, code: str, message: str, message_zh: str, fix: str, headers: dict[str, str] | None = None
) -> Response:
    body = error_body(status, code, message, message_zh, fix)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _invalid(field: str, message: str, message_zh: str, fix: str) -> ApiError:
    return ApiError(422, "invalid_body", f"{field}: {message}", f"{field}：{message_zh}", fix)


def check_body(body: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """``body`` if it satisfies the object ``schema``; else an :class:`ApiError` 422 naming the field."""
    if not isinstance(body, dict):
        raise _invalid(
            "body", "must be a JSON object", "必须是JSON对象", "send a JSON object, see /v1/openapi.json"
        )
    properties: dict[str, Any] = schema["properties"]
    if schema.get("additionalProperties") is False:
        for name in body:
            if name not in properties:
                raise _invalid(
                    str(name)[:40], f"unknown field.{did_you_mean(str(name), properties)}", "未知字段",
                    f"send only: {', '.join(properties)}",
                )  # fmt: skip
    for name in schema.get("required", []):
        if name not in body:
            raise _invalid(name, "is required", "为必填项", f"add '{name}' (see /v1/openapi.json)")
    for name, rule in properties.items():
        if name in body:
            _check_value(name, body[name], rule)
    return body


def _check_value(name: str, value: Any, rule: dict[str, Any]) -> None:
    kind = rule.get("type")
    expected = _TYPES.get(kind) if isinstance(kind, str) else None
    if expected is not None and (
        not isinstance(value, expected) or (kind == "integer" and isinstance(value, bool))
    ):
        raise _invalid(name, f"must be {kind}", f"类型应为{kind}", f"send {name} as a JSON {kind}")
    if "enum" in rule and value not in rule["enum"]:
        shown = str(value)[:40]
        raise _invalid(
            name, f"'{shown}' is not allowed.{did_you_mean(shown, rule['enum'])}", f"取值'{shown}'不允许",
            f"use one of: {', '.join(rule['enum'])}",
        )  # fmt: skip
    if isinstance(value, str):
        if len(value) < rule.get("minLength", 0) or len(value) > rule.get("maxLength", 1 << 30):
            lo, hi = rule.get("minLength", 0), rule.get("maxLength", "any")
            raise _invalid(
                name, f"length must be {lo} to {hi}", f"长度应为{lo}至{hi}", f"shorten or fill in {name}"
            )
        if rule.get("format") == "date-time":
            parse_time(value, name)
    if isinstance(value, int) and not isinstance(value, bool):
        lo, hi = rule.get("minimum"), rule.get("maximum")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise _invalid(
                name, f"must be from {lo} to {hi}", f"取值应在{lo}至{hi}之间", f"send {name} in {lo}..{hi}"
            )


def parse_time(value: str, name: str = "time") -> datetime:
    """An ISO 8601 date-time (``2026-11-05T10:30:00``, ``…+08:00`` or ``…Z``)."""
    try:
        if len(value) < 16 or value[10] not in "Tt ":
            raise ValueError(value)
        return datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise _invalid(
            name, f"'{value[:40]}' is not an ISO 8601 date-time", "不是ISO 8601时间",
            "send e.g. 2026-11-05T10:30:00+08:00 (no offset = the operator's local time)",
        ) from None  # fmt: skip

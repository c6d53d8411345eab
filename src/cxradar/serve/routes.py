"""The API's routes, thin: authenticate, parse, look up or store, answer (docs/serve.md#api).

The hot route, ``GET /v1/subscribers/{msisdn}/care``, is :mod:`cxradar.serve.fastpath`.

Each handler notes what the audit log needs in ``scope["cxradar.audit"]`` (key, channel, route
template, subject, result); :mod:`cxradar.serve.app` writes the entry whatever happens.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from cxradar.serve.api_errors import ApiError, check_body, parse_time
from cxradar.serve.deliveries import DeliveryRecord
from cxradar.serve.keys import ApiKey
from cxradar.serve.msisdn import VALID_FORM, InvalidMsisdnError, normalise_msisdn
from cxradar.serve.openapi import DELIVERY_REQUEST, openapi_document
from cxradar.serve.service import Service

__all__ = ["Api", "number_or_422"]

_JSON = "application/json"
_MAX_BODY = 64 * 1024


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=_JSON, headers=headers)


def number_or_422(raw: str) -> str:
    """The normalised number, or the 422 that says what a valid one looks like."""
    try:
        return normalise_msisdn(raw)
    except InvalidMsisdnError as error:
        raise ApiError(422, "invalid_msisdn", error.message, "号码格式不正确", f"send {VALID_FORM}") from None


class Api:
    """Route handlers bound to one :class:`Service`."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._openapi = orjson.dumps(openapi_document())

    def _note(self, request: Request, route: str, subject: str | None = None, result: str = "") -> None:
        note = request.scope.setdefault("cxradar.audit", {})
        note["route"], note["subject"], note["result"] = route, subject, result

    async def lookup(self, request: Request) -> Response:
        self._note(request, "/v1/care:lookup")
        key = self.service.authenticate(request, "care:read")
        body = await _read_json(request)
        limit = self.service.config.max_batch
        numbers = body.get("msisdns") if isinstance(body, dict) else None
        if (
            not isinstance(body, dict)
            or set(body) != {"msisdns"}
            or not isinstance(numbers, list)
            or not 1 <= len(numbers) <= limit
        ):
            raise ApiError(
                422, "invalid_body", f"send {{'msisdns': [...]}} with 1 to {limit} numbers",
                f"请求体应为{{'msisdns': [...]}}，包含1至{limit}个号码", f"split longer lists into calls of {limit}",
            )  # fmt: skip
        if not all(isinstance(raw, str) for raw in numbers):
            raise ApiError(
                422, "invalid_body", "every number must be a JSON string", "每个号码都必须是字符串",
                'send numbers as strings, e.g. {"msisdns": ["13812345678"]}',
            )  # fmt: skip
        snap = self.service.snapshot()
        results = []
        for i, raw in enumerate(numbers):
            try:
                msisdn = normalise_msisdn(raw)
            except InvalidMsisdnError as error:
                results.append(_bad(i, error.message))
                continue
            card = self.service.card_for(key, msisdn)
            results.append(
                {
                    "index": i,
                    "msisdn": self.service.shown(key, msisdn),
                    "found": card is not None,
                    "card": None if card is None else orjson.Fragment(card),
                    "error": None,
                }
            )
        self._note(
            request, "/v1/care:lookup", None, f"{sum(r['found'] for r in results)}/{len(results)} found"
        )
        return _json({"month": snap.month, "as_of": self.service.clock.iso(), "results": results})

    async def record_delivery(self, request: Request) -> Response:
        route = "/v1/subscribers/{msisdn}/care/deliveries"
        self._note(request, route)
        key = self.service.authenticate(request, "care:deliver")
        msisdn = number_or_422(request.path_params["msisdn"])
        self._note(request, route, msisdn)
        idempotency_key = request.headers.get("idempotency-key", "")
        if (
            not 1 <= len(idempotency_key) <= 128
            or not idempotency_key.isprintable()
            or " " in idempotency_key
        ):
            raise ApiError(
                422, "missing_idempotency_key", "the Idempotency-Key header is missing or malformed",
                "缺少或格式错误的Idempotency-Key请求头",
                "send a unique Idempotency-Key per delivery (e.g. a UUID), the same one when retrying",
            )  # fmt: skip
        body = check_body(await _read_json(request), DELIVERY_REQUEST)
        fingerprint = hashlib.sha256(
            orjson.dumps({"msisdn": msisdn, **body}, option=orjson.OPT_SORT_KEYS)
        ).hexdigest()
        try:
            record = self._delivery(key, msisdn, idempotency_key, fingerprint, body)
        except ApiError:
            # a retry of a delivery stored before (when the card may since have changed) is answered
            # from the store; only a request that was never stored gets the error
            stored = self.service.find_request(key.channel, idempotency_key)
            if stored is None:
                raise
            kind = "replay" if stored[0] == fingerprint else "conflict"
            status, response = stored[1], stored[2]
        else:  # the writer checks the key again, in the transaction: the authoritative answer
            outcome = await self.service.store.append(record)
            kind, status, response = outcome.kind, outcome.status, outcome.response
        if kind == "conflict":
            self._note(request, route, msisdn, "idempotency_conflict")
            raise ApiError(
                422, "idempotency_key_reused", "this Idempotency-Key was used for another delivery",
                "该Idempotency-Key已用于另一条记录", "use a new Idempotency-Key for a new delivery",
            )  # fmt: skip
        self._note(request, route, msisdn, "replayed" if kind == "replay" else "stored")
        answer = {"msisdn": self.service.shown(key, msisdn), **orjson.loads(response)}
        return _json(answer, status, {"Idempotent-Replayed": "true"} if kind == "replay" else None)

    def _delivery(
        self, key: ApiKey, msisdn: str, idempotency_key: str, fingerprint: str, body: dict[str, Any]
    ) -> DeliveryRecord:
        service = self.service
        zone = service.config.zone
        when = parse_time(body["time"])
        try:
            local = (when.astimezone(zone) if when.tzinfo else when.replace(tzinfo=zone)).replace(tzinfo=None)
        except OverflowError:  # e.g. 0001-01-01T00:00:00+00:01: before year 1 in local time
            raise ApiError(
                422, "invalid_body", f"time: '{body['time'][:40]}' is out of range", "time：时间超出范围",
                "send the time the care was given, e.g. 2026-11-05T10:30:00+08:00",
            ) from None  # fmt: skip
        now = service.clock.local().replace(tzinfo=None)
        if local > now + timedelta(seconds=service.config.max_clock_skew_seconds):
            raise ApiError(
                422, "time_in_future", f"time {local:%Y-%m-%d %H:%M:%S} is in the future (local time now "
                f"{now:%Y-%m-%d %H:%M:%S})", "触达时间晚于当前时间", "send the time the care was given; check the clock",
            )  # fmt: skip
        snap = service.snapshot()
        stored = snap.get(int(msisdn))
        card = orjson.loads(stored) if stored is not None else None
        delivered_at = local.isoformat(timespec="seconds")  # YYYY-MM-DDTHH:MM:SS (naive), as the run writes
        targets = _targets(card, body.get("care_id"), delivered_at)
        for target in targets:
            if target.get("assigned_at") and delivered_at < target["assigned_at"]:
                raise ApiError(
                    422, "before_assignment", f"time {delivered_at} is before the care was assigned "
                    f"({target['assigned_at']})", "触达时间早于关怀分配时间", "send the time the care was given",
                )  # fmt: skip
        received_at = now.isoformat(timespec="seconds")
        delivery_id = uuid.uuid4().hex
        rows = tuple(
            {
                "delivery_id": delivery_id,
                "scope": key.channel,
                "idempotency_key": idempotency_key,
                "key_id": key.id,
                "month": snap.month,
                "care_id": t["care_id"],
                "campaign": t.get("campaign"),
                "strategy": t.get("strategy"),
                "assigned_channel": t.get("channel"),
                "assigned_at": t.get("assigned_at"),
                "msisdn": msisdn,
                "delivered_channel": body["channel"],
                "agent": body.get("agent"),
                "delivered_at": delivered_at,
                "outcome": body["outcome"],
                "rating": body.get("rating"),
                "received_at": received_at,
            }
            for t in targets
        )
        response = {
            "delivery_id": delivery_id, "month": snap.month, "outcome": body["outcome"],
            "delivered_at": delivered_at, "received_at": received_at,
            "recorded": [{"care_id": t["care_id"], "campaign": t.get("campaign"), "strategy": t.get("strategy")} for t in targets],
        }  # fmt: skip
        return DeliveryRecord(
            scope=key.channel, idempotency_key=idempotency_key, fingerprint=fingerprint, rows=rows,
            status=201, response=orjson.dumps(response).decode(), received_at=received_at,
        )  # fmt: skip

    async def healthz(self, request: Request) -> Response:
        self._note(request, "/healthz", None, "ok")
        return _json({"status": "ok"})

    async def readyz(self, request: Request) -> Response:
        holder = self.service.holder
        snap, manifest = holder.current, holder.manifest or {}
        self._note(request, "/readyz", None, "ready" if snap else "not_ready")
        body = {
            "ready": snap is not None,
            "month": snap.month if snap else None,
            "cards": snap.count if snap else None,
            "published_at": manifest.get("published_at") if snap else None,
            "reason": holder.error,
        }
        return _json(body, 200 if snap is not None else 503)

    async def openapi(self, request: Request) -> Response:
        self._note(request, "/v1/openapi.json", None, "ok")
        return Response(self._openapi, media_type=_JSON)


def _bad(index: int, message: str) -> dict[str, Any]:
    error = {
        "status": 422,
        "code": "invalid_msisdn",
        "message": message,
        "message_zh": "号码格式不正确",
        "fix": f"send {VALID_FORM}",
    }
    return {"index": index, "msisdn": None, "found": False, "card": None, "error": error}


def _targets(card: dict[str, Any] | None, care_id: str | None, at: str) -> list[dict[str, Any]]:
    """The care actions a delivery at ``at`` records: the one named, else the pending care open
    then, else the month's care."""
    if card is None:
        raise ApiError(
            404, "no_care", "this number has no care to deliver this month", "该号码本月没有待执行的关怀",
            "look the number up first (GET /v1/subscribers/{msisdn}/care)",
        )  # fmt: skip
    pending = [p for p in card["pending"] if p["created_at"] <= at < p["expires_at"]]
    items = {c["care_id"]: c for c in [*([card["care"]] if card["care"] else []), *card["pending"]]}
    if care_id is not None:
        if care_id not in items:
            raise ApiError(
                404, "unknown_care_id", f"care_id '{care_id[:64]}' is not on this number's card",
                "该号码的关怀卡中没有此关怀编号", "send a care_id from the card, or leave it out",
            )  # fmt: skip
        return [items[care_id]]
    if pending:
        return pending
    if card["care"]:
        return [card["care"]]
    raise ApiError(
        404, "no_care", "this number has no care to deliver at that time", "该号码在该时间没有待执行的关怀",
        "check the time, or look the number up first",
    )  # fmt: skip


async def _read_json(request: Request) -> Any:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != _JSON:
        raise ApiError(415, "unsupported_media_type", "the body must be application/json", "请求体须为JSON",
                       "send Content-Type: application/json")  # fmt: skip
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > _MAX_BODY:
        raise ApiError(413, "too_large", f"the body is larger than {_MAX_BODY} bytes", "请求体过大",
                       "send at most 100 numbers per lookup")  # fmt: skip
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > _MAX_BODY:
            raise ApiError(413, "too_large", f"the body is larger than {_MAX_BODY} bytes", "请求体过大",
                           "send at most 100 numbers per lookup")  # fmt: skip
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiError(400, "bad_json", "the body is not valid JSON", "请求体不是有效的JSON",
                       "send a JSON document (see /v1/openapi.json)") from None  # fmt: skip

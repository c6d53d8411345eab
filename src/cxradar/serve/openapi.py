"""The API's OpenAPI 3.1 document, written as data: every route, body and error shape.

It is the contract the tests hold the service to (schemathesis generates requests from it and
checks every response against it), served at ``GET /v1/openapi.json``. Delivery bodies are
checked against :data:`DELIVERY_REQUEST` by the service itself, so the document and the checks
cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from cxradar.serve.msisdn import MSISDN_PATTERN

__all__ = ["API_VERSION", "DELIVERY_CHANNELS", "DELIVERY_OUTCOMES", "DELIVERY_REQUEST", "openapi_document"]

API_VERSION = "1.0.0"
DELIVERY_CHANNELS = ("hotline", "hall", "app", "web", "wechat", "sms", "outbound")
DELIVERY_OUTCOMES = ("delivered", "resolved", "refused", "unreachable")
RATING_RANGE = (1, 5)  # the post-contact SMS rating scale of conf/contract/contacts.yaml


def _s(nullable: bool = False, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string", **extra}
    return schema


def _obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        **extra,
    }


def _ref(name: str, nullable: bool = False) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"oneOf": [ref, {"type": "null"}]} if nullable else ref


_LABELLED = _obj({"kind": _s(), "label_en": _s(True), "label_zh": _s(True)})
_CAUSE = _obj({"code": _s(True), "en": _s(True), "zh": _s(True)})
_TEXTS = {"script_en": _s(True), "script_zh": _s(True), "decision_en": _s(True), "decision_zh": _s(True)}

DELIVERY_REQUEST: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["channel", "time", "outcome"],
    "properties": {
        "channel": {"type": "string", "enum": list(DELIVERY_CHANNELS), "description": "where the care was given"},
        "time": {"type": "string", "format": "date-time", "description": "when (ISO 8601; no offset = local time)"},
        "outcome": {"type": "string", "enum": list(DELIVERY_OUTCOMES)},
        "agent": {"type": "string", "minLength": 1, "maxLength": 64, "description": "agent or staff id"},
        "rating": {"type": "integer", "minimum": RATING_RANGE[0], "maximum": RATING_RANGE[1]},
        "care_id": {
            "type": "string", "minLength": 1, "maxLength": 64,
            "description": "which care action (default: the open pending care, else the month's care)",
        },
    },
}  # fmt: skip

_SCHEMAS: dict[str, Any] = {
    "ErrorDetail": _obj(
        {"status": {"type": "integer"}, "code": _s(), "message": _s(), "message_zh": _s(), "fix": _s()}
    ),
    "Error": _obj({"error": _ref("ErrorDetail")}),
    "ListEntry": _obj(
        {
            "list": _s(enum=["explicit_pool", "potential"]),
            "label_en": _s(),
            "label_zh": _s(),
            "kinds": {"type": "array", "items": _LABELLED},
            "cause": _CAUSE,
            "since": _s(True),
            "probability": {"type": ["number", "null"]},
            "reasons_en": _s(True),
            "reasons_zh": _s(True),
        }
    ),
    "CareAction": _obj(
        {
            "care_id": _s(),
            "campaign": _s(True),
            "strategy": _s(True),
            "strategy_en": _s(True),
            "strategy_zh": _s(True),
            "channel": _s(True),
            "channel_en": _s(True),
            "channel_zh": _s(True),
            "remedy_action": _s(True),
            **_TEXTS,
            "policy_note_en": _s(True),
            "policy_note_zh": _s(True),
            "assigned_at": _s(True),
            "scheduled_date": _s(True),
            "allowed_hours": _s(True),
        }
    ),
    "PendingCare": _obj(
        {
            "care_id": _s(),
            "campaign": _s(True),
            "strategy": _s(),
            "channel": _s(True),
            "remedy_action": _s(True),
            **_TEXTS,
            "assigned_at": _s(True),
            "created_at": _s(),
            "expires_at": _s(),
        }
    ),
    "Contact": _obj(
        {
            "do_not_disturb": {"type": "boolean"},
            "fatigue": {
                "oneOf": [
                    _obj({"reason": _s(), "detail_en": _s(True), "detail_zh": _s(True)}),
                    {"type": "null"},
                ]
            },
            "quiet_hours": _obj({"channels": {"type": "array", "items": _s()}, "start": _s(), "end": _s()}),
            "in_quiet_hours": {"type": "boolean"},
            "proactive_allowed_now": {"type": "boolean"},
            "reasons_en": {"type": "array", "items": _s()},
            "reasons_zh": {"type": "array", "items": _s()},
        }
    ),
    "Churn": _obj(
        {
            "band": _s(),
            "label_en": _s(),
            "label_zh": _s(),
            "probability": {"type": "number"},
            "rank": {"type": ["integer", "null"]},
            "group_id": _s(True),
            "reasons_en": _s(True),
            "reasons_zh": _s(True),
        }
    ),
    "CareCard": _obj(
        {
            "msisdn": _s(description="the number, masked (138****5678) unless the key has msisdn:unmasked"),
            "month": _s(description="the run month of the snapshot served"),
            "as_of": _s(description="local time the answer is for"),
            "lists": {"type": "array", "items": _ref("ListEntry")},
            "care": _ref("CareAction", nullable=True),
            "pending": {"type": "array", "items": _ref("PendingCare")},
            "contact": _ref("Contact"),
            "churn": _ref("Churn", nullable=True),
        }
    ),
    "LookupRequest": _obj(
        {"msisdns": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 100}},
        additionalProperties=False,
    ),
    "LookupResult": _obj(
        {
            "index": {"type": "integer"},
            "msisdn": _s(True),
            "found": {"type": "boolean"},
            "card": _ref("CareCard", nullable=True),
            "error": _ref("ErrorDetail", nullable=True),
        }
    ),
    "LookupResponse": _obj(
        {"month": _s(), "as_of": _s(), "results": {"type": "array", "items": _ref("LookupResult")}}
    ),
    "DeliveryRequest": DELIVERY_REQUEST,
    "DeliveryResponse": _obj(
        {
            "delivery_id": _s(),
            "msisdn": _s(),
            "month": _s(),
            "outcome": _s(enum=list(DELIVERY_OUTCOMES)),
            "delivered_at": _s(),
            "received_at": _s(),
            "recorded": {
                "type": "array",
                "items": _obj({"care_id": _s(), "campaign": _s(True), "strategy": _s(True)}),
            },
        }
    ),
    "Health": _obj({"status": _s(enum=["ok"])}),
    "Ready": _obj(
        {
            "ready": {"type": "boolean"},
            "month": _s(True),
            "cards": {"type": ["integer", "null"]},
            "published_at": _s(True),
            "reason": _s(True),
        }
    ),
}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "the body is not JSON", 401: "no key, or an unknown or revoked key",
        403: "the key lacks the scope", 404: "nothing applies / no such route", 409: "ambiguous or conflicting",
        413: "the body is too large", 415: "the body is not application/json", 422: "invalid input",
        503: "no month published yet",
    }  # fmt: skip
    return {
        str(c): {"description": words[c], "content": {"application/json": {"schema": _ref("Error")}}}
        for c in codes
    }


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_MSISDN = {
    "name": "msisdn",
    "in": "path",
    "required": True,
    "description": "11 digits (13812345678); +86, 0086, 86, spaces and dashes are accepted",
    "schema": {"type": "string", "pattern": MSISDN_PATTERN},
}
_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "a unique value per delivery (e.g. a UUID); a retry with the same key and body is "
    "answered like the first, the same key with another body is refused",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x21-\\x7e]+$"},
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of API version 1."""
    secured: list[dict[str, list[str]]] = [{"bearer": []}, {"apiKey": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "cxradar lookup service",
            "version": API_VERSION,
            "description": "Is this caller on a care list, why, and what do we say? Channels record what they "
            "did; the next monthly run reads it back. See docs/serve.md.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer cxr_…"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
        "paths": {
            "/v1/subscribers/{msisdn}/care": {
                "get": {
                    "operationId": "getCare",
                    "summary": "The caller's care card: lists and reasons, care, pending care, contact now, churn",
                    "parameters": [_MSISDN],
                    "security": secured,
                    "responses": {
                        "200": _json("CareCard", "the card"),
                        **_errors(401, 403, 404, 422, 503),
                    },
                }
            },
            "/v1/care:lookup": {
                "post": {
                    "operationId": "lookupCare",
                    "summary": "Up to 100 numbers in one call; results in the order asked",
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("LookupRequest")}},
                    },
                    "responses": {
                        "200": _json("LookupResponse", "one result per number"),
                        **_errors(400, 401, 403, 413, 415, 422, 503),
                    },
                }
            },
            "/v1/subscribers/{msisdn}/care/deliveries": {
                "post": {
                    "operationId": "recordDelivery",
                    "summary": "Record what the channel did; acknowledged only once stored durably",
                    "parameters": [_MSISDN, _IDEMPOTENCY],
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("DeliveryRequest")}},
                    },
                    "responses": {
                        "201": _json("DeliveryResponse", "stored (or, for a retry, stored before)"),
                        **_errors(400, 401, 403, 404, 409, 413, 415, 422, 503),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "The process is up",
                    "security": [],
                    "responses": {"200": _json("Health", "up")},
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "ready",
                    "summary": "A month is published and mapped: its month and card count",
                    "security": [],
                    "responses": {"200": _json("Ready", "ready"), "503": _json("Ready", "not ready")},
                }
            },
        },
    }

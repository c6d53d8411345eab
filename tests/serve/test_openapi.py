"""The OpenAPI document is the contract: schemathesis sends what it allows (and, in negative mode,
what it does not), and every answer must be documented, match its schema, and never be a server
error (schemathesis' default checks: not_a_server_error, status_code_conformance,
content_type_conformance, response_schema_conformance, negative_data_rejection, ...)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from cxradar.serve.app import create_app
from cxradar.serve.openapi import openapi_document
from cxradar.serve.settings import ServeSettings

from .conftest import A, B, Keys, at

# A delivery can be schema-valid and still refused on its facts (a time in the future, before the
# care was assigned, a number with no care): no schema can say those, so for that operation the
# "valid data is accepted" check does not apply; every other check does.
FACT_CHECKED = {"POST /v1/subscribers/{msisdn}/care/deliveries"}
NO_INPUT = {"GET /healthz", "GET /readyz"}
OPERATIONS = ["GET /v1/subscribers/{msisdn}/care", "POST /v1/care:lookup", "POST /v1/subscribers/{msisdn}/care/deliveries",
              "GET /healthz", "GET /readyz"]  # fmt: skip


CASES = [
    (label, mode)
    for label in OPERATIONS
    for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    if not (label in NO_INPUT and mode is schemathesis.GenerationMode.NEGATIVE)  # nothing to make invalid
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_every_answer_matches_the_document(
    run_dir: Path, keys: Keys, label: str, mode: schemathesis.GenerationMode
) -> None:
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at("2026-11-05T10:30:00"))
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    # known numbers too, so that the 200 and 201 answers are checked, not only the errors
    known = {"msisdn": B} if "{msisdn}" in label and mode is schemathesis.GenerationMode.POSITIVE else None
    strategies = [operation.as_strategy(generation_mode=mode)]
    if known:
        strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=known))
    headers = {"Authorization": f"Bearer {keys['admin']}"}
    try:
        for strategy in strategies:

            @given(case=strategy)
            @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def check(case: schemathesis.Case) -> None:
                excluded = [positive_data_acceptance] if label in FACT_CHECKED else []
                case.call_and_validate(headers=headers, excluded_checks=excluded)

            check()
    finally:
        asyncio.run(app.state.service.stop())


def test_the_document_covers_every_route_and_known_cards_validate(run_dir: Path, keys: Keys) -> None:
    paths = openapi_document()["paths"]
    assert {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops} == set(OPERATIONS)
    app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at("2026-11-05T10:30:00"))
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app)
    operation = schema.find_operation_by_label("GET /v1/subscribers/{msisdn}/care")
    assert operation is not None
    try:
        for number in (A, B):
            response = operation.Case(path_parameters={"msisdn": number}).call(
                headers={"Authorization": f"Bearer {keys['admin']}"}
            )
            assert response.status_code == 200
            operation.validate_response(response)
    finally:
        asyncio.run(app.state.service.stop())

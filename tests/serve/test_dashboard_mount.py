"""The service's worker factory mounts the dashboard at /dashboard for keys of scope dashboard:read."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from cxradar.cli.serve import service_with_dashboard
from cxradar.serve.app import ENV_KEYS, ENV_RUN_DIR

from .conftest import Keys, bearer


def test_dashboard_needs_a_key_with_its_scope(
    run_dir: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_RUN_DIR, str(run_dir))
    monkeypatch.setenv(ENV_KEYS, str(keys.path))
    with TestClient(service_with_dashboard()) as client:
        assert client.get("/dashboard/months.json").status_code == 401
        denied = client.get("/dashboard/months.json", headers=bearer(keys["reader"]))
        assert denied.status_code == 403 and denied.json()["error"]["code"]
        allowed = client.get("/dashboard/months.json", headers=bearer(keys["dashboard"]))
        assert allowed.status_code == 200
        assert isinstance(allowed.json(), (list, dict))

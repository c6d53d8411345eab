"""The live dashboard sub-application on its own, through Starlette's TestClient."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from cxradar.dashboard.asgi import create_dashboard_app, published_months

from .conftest import MONTHS, SmallRun

KEY = "secret-dashboard-key"


def _authorise(request: Request) -> Response | None:
    if request.headers.get("x-api-key") != KEY:
        return JSONResponse({"error": {"code": "unauthorised"}}, status_code=401)
    return None


async def _authorise_async(request: Request) -> Response | None:
    return _authorise(request)


@pytest.fixture
def client(small_run: SmallRun) -> TestClient:
    return TestClient(create_dashboard_app(small_run.run_dir, _authorise), headers={"x-api-key": KEY})


def test_every_route_asks_the_injected_check(small_run: SmallRun) -> None:
    for authorise in (_authorise, _authorise_async):
        anonymous = TestClient(create_dashboard_app(small_run.run_dir, authorise))
        for path in ("/", "/months.json", f"/{MONTHS[-1]}", f"/{MONTHS[-1]}/tables/headline.csv"):
            response = anonymous.get(path, follow_redirects=False)
            assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorised", path


def test_months_and_redirect_to_the_latest(client: TestClient) -> None:
    assert client.get("/months.json").json() == {"months": list(MONTHS), "latest": MONTHS[-1]}
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"].endswith(f"/{MONTHS[-1]}")


def test_a_month_page_with_a_month_picker(client: TestClient) -> None:
    for month in MONTHS:
        response = client.get(f"/{month}")
        assert response.status_code == 200
        assert "default-src 'none'" in response.headers["content-security-policy"]
        html = response.text
        assert (
            f'不满意客户分析专题</span><span class="l-en" lang="en">Dissatisfied-customer topic</span> · {month}'
            in html
        )
        assert 'id="cx-month"' in html
        for other in MONTHS:
            selected = " selected" if other == month else ""
            assert f'<option value="{other}"{selected}>{other}</option>' in html


def test_unknown_month_and_table_are_404_with_the_fix(client: TestClient) -> None:
    response = client.get("/2026-03")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "month_not_found" and "2026-09, 2026-10" in error["message"] and error["fix"]
    assert client.get(f"/{MONTHS[-1]}/tables/nope.csv").status_code == 404


def test_table_download_is_that_months_rows_with_a_bom(client: TestClient) -> None:
    response = client.get(f"/{MONTHS[0]}/tables/pool_flow.csv")
    assert response.status_code == 200 and response.content.startswith(codecs.BOM_UTF8)
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].replace('"', "").startswith("month,period,entered")
    assert all(line.startswith(f'"{MONTHS[0]}"') for line in lines[1:])


def test_a_folder_of_run_folders_is_published_month_by_month(small_run: SmallRun, tmp_path: Path) -> None:
    for name in ("run-a", "run-b"):
        shutil.copytree(small_run.run_dir / "report", tmp_path / name / "report")
    months = published_months(tmp_path)
    assert list(months) == list(MONTHS)
    assert published_months(tmp_path / "nowhere") == {}
    client = TestClient(create_dashboard_app(tmp_path, _authorise), headers={"x-api-key": KEY})
    assert client.get(f"/{MONTHS[0]}").status_code == 200

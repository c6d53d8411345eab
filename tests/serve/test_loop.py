"""The loop: deliveries posted through the API change the next month's pending list and pool exits.

A small simulated operator runs September; its cards are published and served; channels deliver
some wait-for-contact care (hotline) and report some pool members' care as resolved; October's
run then reads those deliveries back as care_actions.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from starlette.testclient import TestClient

from cxradar.pipeline import run_month
from cxradar.serve.app import create_app
from cxradar.serve.cards import cards_path
from cxradar.serve.keys import KeyFile
from cxradar.serve.publish import publish
from cxradar.serve.settings import ServeSettings
from cxradar.simulate import simulate

from .conftest import at, bearer

SKIP = ("survey", "churn")  # not needed for the loop; churn alone would take most of the time
DELIVERED_AT = "2026-10-03T11:11:11"  # a time no simulated contact or delivery has
RESOLVED_AT = "2026-10-02T12:34:56"


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("loop")
    simulate(3000, 6, 7, root / "data")
    run = root / "run"
    run_month(root / "data", "2026-09", run, skip=SKIP)
    assert cards_path(run, "2026-09").is_file()  # the run's last step wrote the cards
    publish(run)
    cards = {
        m: json.loads(c)
        for m, c in duckdb.sql(f"SELECT msisdn, card FROM '{cards_path(run, '2026-09')}'").fetchall()
    }
    plan = pd.read_parquet(run / "care" / "2026-09" / "care_plan.parquet")
    pool = set(pd.read_parquet(run / "pool.parquet")["msisdn"])
    pending = sorted(m for m, c in cards.items() if c["pending"] and m not in pool)
    treated_pool = plan.loc[plan["msisdn"].isin(pool) & plan["group"].eq("treatment"), "msisdn"]
    resolved = sorted(set(treated_pool))[:15]
    delivered, untouched = pending[: len(pending) // 2], pending[len(pending) // 2 :]
    token, _ = KeyFile(root / "keys.json").create("hotline", ["care:read", "care:deliver"])
    app = create_app(ServeSettings(run_dir=run, keys_path=root / "keys.json"), now=at("2026-10-05T10:00:00"))
    answers = {}
    with TestClient(app) as client:
        for number, outcome, when in [(m, "delivered", DELIVERED_AT) for m in delivered] + [
            (m, "resolved", RESOLVED_AT) for m in resolved
        ]:
            response = client.post(
                f"/v1/subscribers/{number}/care/deliveries",
                json={"channel": "hotline", "time": when, "outcome": outcome, "agent": "H001"},
                headers={**bearer(token), "Idempotency-Key": f"{number}-{outcome}"},
            )
            assert response.status_code == 201, response.text
            answers[number] = response.json()["recorded"]
    history_before = pd.read_parquet(run / "pool_history.parquet")
    run_month(root / "data", "2026-10", run, skip=SKIP)
    return {
        "run": run, "delivered": delivered, "untouched": untouched, "resolved": resolved, "answers": answers,
        "history_before": history_before,
    }  # fmt: skip


@pytest.mark.slow
def test_delivered_pending_care_leaves_the_next_months_pending_list(loop: dict) -> None:
    run = loop["run"]
    assert len(loop["delivered"]) >= 5 and len(loop["untouched"]) >= 5
    september = pd.read_parquet(run / "care" / "2026-09" / "pending_care.parquet").set_index("msisdn")
    ours = september.loc[loop["delivered"]]
    assert (ours["status"] == "delivered").all() and (ours["delivered_channel"] == "hotline").all()
    assert (ours["delivered_at"] == pd.Timestamp(DELIVERED_AT)).all()
    # the others were settled by the run itself (a simulated contact, or expiry), never at our time
    assert not (september.loc[loop["untouched"], "delivered_at"] == pd.Timestamp(DELIVERED_AT)).any()
    october = {
        m: json.loads(c)
        for m, c in duckdb.sql(f"SELECT msisdn, card FROM '{cards_path(run, '2026-10')}'").fetchall()
    }
    delivered_ids = {r["care_id"] for m in loop["delivered"] for r in loop["answers"][m]}
    shown = {p["care_id"] for card in october.values() for p in card["pending"]}
    assert delivered_ids and not delivered_ids & shown  # gone from the next month's pending list
    assert any(p["campaign"] == "care-2026-10" for card in october.values() for p in card["pending"])
    actions = pd.read_parquet(run / "care_actions.parquet").set_index("id")
    assert (actions.loc[sorted(delivered_ids), "delivered_at"] == pd.Timestamp(DELIVERED_AT)).all()


@pytest.mark.slow
def test_care_reported_resolved_lets_the_customer_exit_the_pool(loop: dict) -> None:
    history = pd.read_parquet(loop["run"] / "pool_history.parquet")
    october = history.loc[history["month"] == "2026-10"]
    exits = october.loc[october["event"] == "exit"].set_index("msisdn")
    resignalled = set(october.loc[october["event"] == "re_signal", "msisdn"])
    before = loop["history_before"]
    # who was in the pool when we delivered and gave no new negative signal since
    eligible = [
        m
        for m in loop["resolved"]
        if m not in resignalled and m not in set(before.loc[before["event"] == "exit", "msisdn"])
    ]
    assert len(eligible) >= 5
    for number in eligible:
        assert number in exits.index, number
        if exits.loc[number, "signal"] != "churned":
            assert exits.loc[number, "signal"] == "care_resolved"
            assert exits.loc[number, "at"] == pd.Timestamp(RESOLVED_AT)
    assert (exits.loc[eligible, "signal"] == "care_resolved").sum() >= 5

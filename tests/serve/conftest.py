"""A small hand-made run folder whose every card is known, published, with keys of each kind.

Subscribers (month 2026-10; the campaign starts 2026-11-01 09:00)::

    A 13800000001  explicit pool (complaint)   treatment targeted_remedy outbound  fatigue   churn high
    B 13800000002  explicit pool (low rating)  treatment wait_for_contact hotline  pending
    C 13900000003  potential silent+model      treatment wait_for_contact hotline  pending
    D 13900000004  potential incident_hit      treatment proactive_outreach sms    do-not-disturb
    E 15000000005  potential model_predicted   control                             -> no card
    F 13700000006  September's pending flag, open 2026-10-01 .. 2026-10-31 09:00
    G 13700000007  September's flag already delivered                             -> no card
    H 18800000008  churn list only (written as '+86 188-0000-0008')                 churn watch
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from starlette.testclient import TestClient

from cxradar.serve.app import create_app
from cxradar.serve.cards import build_cards
from cxradar.serve.keys import KeyFile
from cxradar.serve.publish import publish
from cxradar.serve.settings import ServeSettings

ZONE = ZoneInfo("Asia/Shanghai")
A, B, C, D, E, F, G, H = (
    "13800000001", "13800000002", "13900000003", "13900000004", "15000000005", "13700000006",
    "13700000007", "18800000008",
)  # fmt: skip
T = pd.Timestamp


def _write(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_parquet(path, index=False)


def _plan(rows: list[tuple[str, str, str, str, str, str]], assigned: str) -> pd.DataFrame:
    msisdn, care_id, group, strategy, channel, remedy = zip(*rows, strict=True)
    n = len(rows)
    return pd.DataFrame(
        {
            "msisdn": msisdn, "id": care_id, "campaign": [care_id[0][:12]] * n, "group": group,
            "strategy": strategy, "channel": channel, "remedy_action": remedy,
            "script_en": [f"script for {c}" for c in care_id], "script_zh": [f"话术{c}" for c in care_id],
            "decision_en": [f"decision for {c}" for c in care_id], "decision_zh": [f"依据{c}" for c in care_id],
            "policy_note_en": [""] * n, "policy_note_zh": [""] * n,
            "assigned_at": [T(assigned)] * n, "scheduled_date": [T(assigned[:10])] * n,
            "allowed_hours": ["09:00-21:00"] * n, "delivered_at": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
            "outcome": pd.Series([None] * n, dtype="string"),
        }
    )  # fmt: skip


def _pending(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    msisdn, care_id, created, status = zip(*rows, strict=True)
    created_at = pd.to_datetime(list(created)).astype("datetime64[us]")
    n = len(rows)
    return pd.DataFrame(
        {
            "care_id": pd.Series(care_id, dtype="string"), "msisdn": pd.Series(msisdn, dtype="string"),
            "campaign": pd.Series([c[:12] for c in care_id], dtype="string"),
            "remedy": pd.Series([None] * n, dtype="string"), "remedy_action": pd.Series([None] * n, dtype="string"),
            "script_en": [f"script for {c}" for c in care_id], "script_zh": [f"话术{c}" for c in care_id],
            "decision_en": [f"decision for {c}" for c in care_id], "decision_zh": [f"依据{c}" for c in care_id],
            "created_at": created_at, "expires_at": created_at + pd.Timedelta(days=30), "status": list(status),
            "delivered_at": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
            "delivered_channel": pd.Series([None] * n, dtype="string"), "outcome": pd.Series([None] * n, dtype="string"),
        }
    )  # fmt: skip


def make_run_dir(root: Path) -> Path:
    """Write the run folder described in the module docstring (outputs only, no inputs)."""
    run = root / "run"
    (run).mkdir(parents=True)
    (run / "summary.json").write_text(json.dumps({"month": "2026-10"}))
    _write(
        pd.DataFrame(
            {
                "msisdn": [A, B], "entered_at": [T("2026-10-10 08:00"), T("2026-09-20 12:00")],
                "entry_signal": ["complaint", "low_rating"], "cause": ["service", "network"],
                "reasons_en": ["complaint about service", "low rating after a hall visit"],
                "reasons_zh": ["投诉服务问题", "营业厅接触后低评价"],
            }
        ),
        run / "pool.parquet",
    )  # fmt: skip
    _write(
        pd.DataFrame(
            {
                "msisdn": [C, D, E], "kinds": ["silent;model_predicted", "incident_hit", "model_predicted"],
                "probability": [0.81234, 0.4, 0.7], "cause": ["value", "network", "billing"],
                "reasons_en": ["no contact in 3 months", "12 h outage", "model risk 70 %"],
                "reasons_zh": ["近3个月未接触", "网络中断12小时", "模型预测70%"],
            }
        ),
        run / "potential_dissatisfied.parquet",
    )  # fmt: skip
    october = [
        (A, "care-2026-10-0000001", "treatment", "targeted_remedy", "outbound", "bill_explanation"),
        (B, "care-2026-10-0000002", "treatment", "wait_for_contact", "hotline", None),
        (C, "care-2026-10-0000003", "treatment", "wait_for_contact", "hotline", None),
        (D, "care-2026-10-0000004", "treatment", "proactive_outreach", "sms", None),
        (E, "care-2026-10-0000005", "control", "proactive_outreach", "outbound", None),
    ]
    _write(_plan(october, "2026-11-01 09:00"), run / "care" / "2026-10" / "care_plan.parquet")  # type: ignore[arg-type]
    _write(
        _pending([(B, "care-2026-10-0000002", "2026-11-01 09:00", "pending"),
                  (C, "care-2026-10-0000003", "2026-11-01 09:00", "pending")]),
        run / "care" / "2026-10" / "pending_care.parquet",
    )  # fmt: skip
    _write(
        pd.DataFrame(
            {
                "msisdn": [D, A], "reason": ["dnd", "fatigue_30d"], "detail_en": ["on the DND list", "1 contact in 30 days"],
                "detail_zh": ["免打扰名单", "30天内1次接触"],
            }
        ),
        run / "care" / "2026-10" / "care_left_out.parquet",
    )  # fmt: skip
    september = [
        (F, "care-2026-09-0000001", "treatment", "wait_for_contact", "hall", None),
        (G, "care-2026-09-0000002", "treatment", "wait_for_contact", "hall", None),
    ]
    _write(_plan(september, "2026-10-01 09:00"), run / "care" / "2026-09" / "care_plan.parquet")  # type: ignore[arg-type]
    _write(
        _pending([(F, "care-2026-09-0000001", "2026-10-01 09:00", "pending"),
                  (G, "care-2026-09-0000002", "2026-10-01 09:00", "delivered")]),
        run / "care" / "2026-09" / "pending_care.parquet",
    )  # fmt: skip
    _write(
        pd.DataFrame(
            {
                "rank": [1, 2], "msisdn": [A, "+86 188-0000-0008"], "probability": [0.62, 0.07],
                "group_id": ["G1", None], "reasons_en": ["call forwards rose", "spend fell"],
                "reasons_zh": ["呼叫转移增加", "消费下降"],
            }
        ),
        run / "churn" / "churners.parquet",
    )  # fmt: skip
    (run / "churn" / "churn_report.json").write_text(json.dumps({"month": "2026-10"}))
    return run


@pytest.fixture(scope="session")
def published_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run folder with its cards built and published (copy it before changing anything)."""
    run = make_run_dir(tmp_path_factory.mktemp("serve-template"))
    build_cards(run, "2026-10")
    publish(run, "2026-10")
    return run


@pytest.fixture
def run_dir(published_template: Path, tmp_path: Path) -> Path:
    """A private copy of the published run folder."""
    target = tmp_path / "run"
    shutil.copytree(published_template, target)
    return target


class Keys(dict[str, str]):
    """Keys by role: reader, deliverer, admin (every scope), dashboard, revoked; ``.path``."""

    path: Path


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    store = KeyFile(tmp_path / "keys.json")
    out = Keys()
    out["reader"], _ = store.create("hotline", ["care:read"])
    out["deliverer"], _ = store.create("hall-crm", ["care:read", "care:deliver"])
    out["admin"], _ = store.create("crm", ["care:read", "care:deliver", "msisdn:unmasked", "dashboard:read"])
    out["dashboard"], _ = store.create("bi", ["dashboard:read"])
    out["revoked"], record = store.create("ivr", ["care:read"])
    store.revoke(record.id)
    out.path = store.path
    return out


def at(text: str) -> Callable[[], datetime]:
    """A fixed local clock."""
    moment = datetime.fromisoformat(text).replace(tzinfo=ZONE)
    return lambda: moment


@pytest.fixture
def client_at(run_dir: Path, keys: Keys) -> Iterator[Callable[[str], TestClient]]:
    """``client_at("2026-11-05T10:30")``: a started test client whose clock shows that local time."""
    opened: list[TestClient] = []

    def make(moment: str) -> TestClient:
        app = create_app(ServeSettings(run_dir=run_dir, keys_path=keys.path), now=at(moment))
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

"""A small, fully valid data folder (every contract table) that tests then break one rule at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

AS_OF = date(2026, 11, 15)
SURVEY_ITEMS = [
    "img1",
    "img2",
    "img3",
    "exp1",
    "exp2",
    "exp3",
    "qnet1",
    "qnet2",
    "qnet3",
    "qsvc1",
    "qsvc2",
    "qbil1",
    "qbil2",
    "val1",
    "val2",
    "sat1",
    "sat2",
    "sat3",
    "cmp1",
    "loy1",
    "loy2",
    "loy3",
    "tp_search",
    "tp_site",
    "tp_shopping",
    "tp_satisfaction",
]
MSISDNS = ["13800000001", "13800000002", "13900000003", "15000000004"]


def valid_frames() -> dict[str, pd.DataFrame]:
    """Hand-written rows that satisfy every rule of the shipped contracts (as text, like a CSV)."""
    subscribers = pd.DataFrame(
        {
            "msisdn": MSISDNS,
            "join_date": ["2019-03-01", "2021-07-15", "2024-01-10", "2025-12-31"],
            "brand": ["gotone", "mzone", "easyown", "gotone"],
            "plan": ["P128", "P58", "P18", "P198"],
            "segment": ["high_end", "data", "mass", "enterprise"],
            "customer_level": ["gold", "silver", "normal", "diamond"],
            "gender": ["M", "F", "", "M"],
            "age": ["45", "23", "", "38"],
            "occupation": ["教师", "学生", "", "工程师"],
            "district": ["海淀区", "朝阳区", "东城区", "海淀区"],
            "payment_type": ["postpaid", "prepaid", "prepaid", "postpaid"],
            "group_id": ["", "", "", "G001"],
            "group_paid": ["false", "false", "false", "true"],
            "contact_complete": ["true", "true", "false", "true"],
            "status": ["active", "active", "suspended", "active"],
            "status_date": ["2019-03-01", "2021-07-15", "2026-10-02", "2025-12-31"],
            "churn_type": ["none", "none", "involuntary", "none"],
        }
    )
    months = ["2026-08", "2026-09", "2026-10"]
    usage = pd.DataFrame(
        [
            {
                "msisdn": m,
                "month": mo,
                "spend": "88.5",
                "voice_minutes": "300",
                "onnet_minutes": "200",
                "offnet_minutes": "100",
                "call_forward_count": "0",
                "missed_calls": "3",
                "data_mb": "2048.5",
                "roaming_days": "0",
                "sms_count": "12",
                "dropped_calls": "1",
                "arrears_suspensions": "0",
                "payment_method_changes": "0",
                "payment_channel": "wechat",
            }
            for m in MSISDNS
            for mo in months
        ]
    )
    cells = pd.DataFrame(
        {
            "cell_id": ["C1", "C2"],
            "district": ["海淀区", "朝阳区"],
            "drop_rate": ["0.01", "0.02"],
            "congestion_rate": ["0.05", "0.1"],
            "throughput_mbps": ["35.2", "12"],
        }
    )
    subscriber_cells = pd.DataFrame(
        [
            {"msisdn": m, "month": mo, "cell_id": c, "traffic_share": "0.5"}
            for m in MSISDNS
            for mo in months
            for c in ("C1", "C2")
        ]
    )
    complaints = pd.DataFrame(
        {
            "id": ["T1", "T2"],
            "msisdn": MSISDNS[:2],
            "opened_at": ["2026-09-03 10:00:00", "2026-10-05 09:30:00"],
            "type": ["network", "billing"],
            "severity": ["1", "2"],
            "channel": ["hotline", "app"],
            "resolved_at": ["2026-09-04 10:00:00", ""],
            "first_contact_resolved": ["true", ""],
        }
    )
    contacts = pd.DataFrame(
        {
            "id": ["K1", "K2", "K3"],
            "msisdn": MSISDNS[:3],
            "at": ["2026-09-01 08:00:00", "2026-09-15 12:00:00", "2026-10-20 18:45:00"],
            "channel": ["hall", "hotline", "app"],
            "reason": ["inquiry", "", "billing"],
            "rating": ["5", "", "2"],
            "hall_id": ["H01001", "", ""],
            "agent_id": ["AG001", "AG002", ""],
        }
    )
    staff = pd.DataFrame(
        {
            "agent_id": ["AG001", "AG002"],
            "hall_id": ["H01001", ""],
            "role": ["service_adviser", "customer_service_agent"],
            "district": ["chaoyang", "chaoyang"],
            "start_date": ["2020-03-01", "2024-07-15"],
        }
    )
    followups = pd.DataFrame(
        {
            "id": ["F1", "F2"],
            "contact_id": ["K1", "K2"],
            "called_at": ["2026-09-02 10:00:00", "2026-09-16 09:30:00"],
            "answered": ["true", "false"],
            "score_attitude": ["9", ""],
            "score_competence": ["8", ""],
            "score_resolution": ["7", ""],
            "score_wait": ["6", ""],
            "score_explanation": ["8", ""],
            "verbatim": ["long_wait", ""],
            "action": ["apology", ""],
        }
    )
    incidents = pd.DataFrame(
        {
            "id": ["I1"],
            "type": ["network_outage"],
            "start": ["2026-09-10 01:00:00"],
            "end": ["2026-09-10 05:00:00"],
            "severity": ["2"],
            "scope_type": ["cells"],
            "scope": ["C1;C2"],
        }
    )
    surveys = pd.DataFrame(
        {
            "response_id": ["R1"],
            "msisdn": [MSISDNS[0]],
            "wave": ["2026-09"],
            "answered_at": ["2026-09-20 11:00:00"],
            "channel": ["sms"],
            "weight": ["25"],
            "overall": ["8"],
        }
    )
    for item in SURVEY_ITEMS:
        surveys[item] = ["9"]
    care_actions = pd.DataFrame(
        {
            "id": ["A1"],
            "msisdn": [MSISDNS[2]],
            "campaign": ["c1"],
            "strategy": ["proactive_outreach"],
            "channel": ["outbound"],
            "assigned_at": ["2026-10-01 09:00:00"],
            "group": ["treatment"],
            "delivered_at": ["2026-10-02 10:00:00"],
            "outcome": ["delivered"],
        }
    )
    return {
        "subscribers": subscribers,
        "usage_monthly": usage,
        "cells": cells,
        "subscriber_cells": subscriber_cells,
        "complaints": complaints,
        "contacts": contacts,
        "incidents": incidents,
        "surveys": surveys,
        "care_actions": care_actions,
        "staff": staff,
        "followups": followups,
    }


def write_csvs(folder: Path, frames: dict[str, pd.DataFrame], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False, encoding=encoding)
    return folder


@pytest.fixture
def make_data(tmp_path: Path) -> Callable[..., Path]:
    """``make_data(edit=lambda frames: ...)`` writes the valid folder after applying ``edit``."""

    def make(
        edit: Callable[[dict[str, pd.DataFrame]], None] | None = None,
        encoding: str = "utf-8",
        name: str = "data",
    ) -> Path:
        frames = valid_frames()
        if edit is not None:
            edit(frames)
        return write_csvs(tmp_path / name, frames, encoding)

    return make

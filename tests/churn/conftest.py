"""Hand-built fixtures: a few subscribers with known fates and their monthly usage."""

from __future__ import annotations

import pandas as pd
import pytest


def _subs() -> pd.DataFrame:
    rows = [
        # msisdn, join, status, status_date, churn_type, reason, group_id, group_paid, is_local
        ("13800000001", "2024-01-05", "churned", "2026-05-10", "voluntary", "port_out", None, False, True),
        ("13800000002", "2024-01-05", "churned", "2026-08-10", "voluntary", "competitor", None, False, True),
        ("13800000003", "2024-01-05", "churned", "2026-05-20", "voluntary", "relocation", None, False, True),
        ("13800000004", "2024-01-05", "churned", "2026-06-02", "involuntary", "arrears", None, False, True),
        ("13800000005", "2024-01-05", "active", "2024-01-05", "none", None, "G1", True, True),
        ("13800000006", "2024-01-05", "active", "2024-01-05", "none", None, None, False, False),
        ("13800000007", "2026-02-15", "active", "2026-02-15", "none", None, None, False, True),
        ("13800000008", "2024-01-05", "churned", "2026-03-15", "voluntary", "port_out", None, False, True),
    ]
    cols = [
        "msisdn",
        "join_date",
        "status",
        "status_date",
        "churn_type",
        "churn_reason",
        "group_id",
        "group_paid",
        "is_local",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("join_date", "status_date"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def _usage() -> pd.DataFrame:
    months = pd.date_range("2026-01-01", "2026-08-01", freq="MS")
    rows = []
    for m in months:
        for i in range(1, 9):
            msisdn = f"1380000000{i}"
            brand = "gotone"
            spend = 100.0
            if i == 6 and m >= pd.Timestamp("2026-05-01"):
                brand = "easyown"  # downgrade in May
            if i == 7 and m >= pd.Timestamp("2026-04-01"):
                spend = 20.0  # ARPU drop from April
            susp = 1 if (i == 5 and m == pd.Timestamp("2026-03-01")) else 0
            rows.append((msisdn, m, brand, spend, susp))
    return pd.DataFrame(rows, columns=["msisdn", "month", "brand", "spend", "arrears_suspensions"])


@pytest.fixture
def subscribers() -> pd.DataFrame:
    return _subs()


@pytest.fixture
def usage() -> pd.DataFrame:
    return _usage()

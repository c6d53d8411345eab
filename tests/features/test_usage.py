"""base_usage.sql, usage_window.sql, feat_usage.sql and feat_payment.sql against hand computations.

As-of month M = 2026-06, so the 6-month window is Jan..Jun 2026 (k = 5..0) and the 3-month
window is Apr..Jun (k = 2..0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .tables import run_model, write_tables

M = "2026-06"
A, B, C = "13800000001", "13800000002", "13800000003"


def _usage(msisdn: str, month: str, **values: object) -> dict[str, object]:
    return {"msisdn": msisdn, "month": month, **values}


@pytest.fixture()
def usage(tmp_path: Path):  # type: ignore[no-untyped-def]
    spends = {1: 100.0, 2: 90.0, 3: 80.0, 4: 60.0, 5: 50.0, 6: 40.0}  # A: falling spend
    rows = [
        _usage(
            A,
            f"2026-{m:02d}",
            spend=s,
            voice_minutes=10.0 * m,
            data_mb=1000.0,
            onnet_minutes=6.0 * m,
            offnet_minutes=4.0 * m,
            call_forward_count=m,
            missed_calls=1,
            roaming_days=m % 2,
            dropped_calls=m,
            incoming_calls=10,
            outgoing_calls=30,
            arrears_suspensions=1 if m in (1, 5) else 0,
            payment_method_changes=1 if m == 3 else 0,
            payment_channel="bank" if m <= 4 else ("wechat" if m == 5 else None),
        )
        for m, s in spends.items()
    ]
    rows.append(
        _usage(A, "2025-12", spend=999.0, call_forward_count=50, arrears_suspensions=9)
    )  # before window
    rows.append(_usage(A, "2026-07", spend=999.0, call_forward_count=50))  # after M
    # B: joined 10 April 2026; no usage row in May (a month of zero usage), 30 in June
    rows += [_usage(B, "2026-04", spend=20.0), _usage(B, "2026-06", spend=30.0)]
    # C: no usage rows at all
    folder = write_tables(
        tmp_path,
        subscribers=[
            {"msisdn": A},
            {"msisdn": B, "join_date": "2026-04-10", "status_date": "2026-04-10"},
            {"msisdn": C},
        ],
        usage_monthly=rows,
    )
    return run_model(folder, M, "feat_usage").set_index("msisdn"), folder


def test_spend_windows_trends_by_hand(usage) -> None:  # type: ignore[no-untyped-def]
    got, _ = usage
    a = got.loc[A]
    assert a["active_months_6m"] == 6 and a["usage_months_6m"] == 6
    assert a["avg_spend_6m"] == pytest.approx((100 + 90 + 80 + 60 + 50 + 40) / 6)  # 70
    assert a["avg_spend_3m"] == pytest.approx((60 + 50 + 40) / 3)  # 50
    assert a["spend_ratio_3m_6m"] == pytest.approx(50 / 70)
    # slope of spend on month number x = -5..0: least squares by hand
    x = np.arange(-5, 1, dtype=float)
    y = np.array([100, 90, 80, 60, 50, 40], dtype=float)
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    assert slope == pytest.approx(-12.571428571, rel=1e-9)  # = -44/3.5
    assert a["spend_slope_6m"] == pytest.approx(slope, rel=1e-9)
    assert a["spend_slope_6m"] == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9)  # independent: numpy
    assert a["spend_mom_change"] == pytest.approx(40 - 50)
    assert a["minutes_mom_change"] == pytest.approx(60 - 50)
    assert a["minutes_slope_6m"] == pytest.approx(10.0)
    assert a["data_slope_6m"] == pytest.approx(0.0)
    assert a["avg_data_3m"] == pytest.approx(1000.0)


def test_usage_counts_and_rates_by_hand(usage) -> None:  # type: ignore[no-untyped-def]
    got, _ = usage
    a = got.loc[A]
    # call forwarding: m1 = June (6), m2 = May (5), m3 = April (4); July's 50 is after M
    assert (a["call_forward_m1"], a["call_forward_m2"], a["call_forward_m3"]) == (6, 5, 4)
    # off-net / on-net over Apr-Jun: (4*4+4*5+4*6) / (6*4+6*5+6*6) = 60 / 90
    assert a["offnet_onnet_ratio_3m"] == pytest.approx(60 / 90)
    assert a["total_minutes_m1"] == pytest.approx(60.0)
    assert (a["missed_calls_m1"], a["missed_calls_3m"]) == (1, 3)
    assert (a["roaming_days_m1"], a["roaming_days_3m"]) == (0, 1)  # 6%2=0; 4%2+5%2+6%2 = 1
    assert (a["dropped_calls_m1"], a["dropped_calls_3m"]) == (6, 15)
    assert a["dropped_per_100_calls_3m"] == pytest.approx(100 * 15 / (3 * 40))
    assert a["dropped_per_100_minutes_3m"] == pytest.approx(100 * 15 / (40 + 50 + 60))
    assert a["incoming_outgoing_ratio_3m"] == pytest.approx(30 / 90)


def test_month_without_usage_counts_as_zero_and_new_line_averages_its_own_months(usage) -> None:  # type: ignore[no-untyped-def]
    got, _ = usage
    b = got.loc[B]
    # B existed in Apr, May, Jun: 3 active months, 2 with usage; May counts as 0
    assert b["active_months_6m"] == 3 and b["usage_months_6m"] == 2
    assert b["avg_spend_6m"] == pytest.approx((20 + 0 + 30) / 3)
    assert b["avg_spend_3m"] == pytest.approx((20 + 0 + 30) / 3)
    assert b["spend_mom_change"] == pytest.approx(30 - 0)
    assert b["spend_slope_6m"] == pytest.approx(np.polyfit([-2, -1, 0], [20, 0, 30], 1)[0])
    c = got.loc[C]
    assert c["active_months_6m"] == 6 and c["usage_months_6m"] == 0
    assert c["avg_spend_6m"] == 0 and c["spend_slope_6m"] == 0 and c["call_forward_m1"] == 0
    assert np.isnan(c["offnet_onnet_ratio_3m"])  # 0 / 0 is unknown, not 0


def test_payment_by_hand(usage) -> None:  # type: ignore[no-untyped-def]
    _, folder = usage
    got = run_model(folder, M, "feat_payment").set_index("msisdn")
    a = got.loc[A]
    assert a["arrears_suspensions_6m"] == 2  # Jan and May (Dec 2025's 9 is outside)
    assert a["payment_method_changes_3m"] == 0  # the change was in March, outside Apr-Jun
    assert a["last_payment_channel"] == "wechat"  # May named wechat, June named none
    assert got.loc[C, "arrears_suspensions_6m"] == 0
    assert pd.isna(got.loc[C, "last_payment_channel"])

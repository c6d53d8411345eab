"""incident_scope.sql, base_incident_hits.sql, feat_incidents.sql and feat_cells.sql by hand (M = 2026-06).

Cells c1, c2 are in haidian, c3 in chaoyang. A lives in haidian, B in chaoyang, C has no incidents.
Traffic shares: A June c1 0.6 + c2 0.4, A May c1 1.0; B June c3 0.7 + c1 0.3.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from .tables import run_model, write_tables

M = "2026-06"
A, B, C = "13800000001", "13800000002", "13800000003"

INCIDENTS = [
    # 2 h in May (22:00-24:00) + 4 h in June; scope has blanks and an unknown cell
    {
        "id": "i1",
        "type": "network_outage",
        "severity": 2,
        "scope_type": "cells",
        "scope": " c1 ; c9;",
        "start": "2026-05-31 22:00",
        "end": "2026-06-01 04:00",
    },
    # runs past the end of June: only the 4 h up to 1 July count
    {
        "id": "i2",
        "type": "network_degradation",
        "severity": 1,
        "scope_type": "district",
        "scope": "haidian",
        "start": "2026-06-30 20:00",
        "end": "2026-07-02 00:00",
    },
    # billing error for chaoyang in April: B's home district
    {
        "id": "i3",
        "type": "billing_error",
        "severity": 3,
        "scope_type": "district",
        "scope": "chaoyang",
        "start": "2026-04-10 00:00",
        "end": "2026-04-11 00:00",
    },
    # system failure on listed accounts (A listed twice: weight capped at 1)
    {
        "id": "i4",
        "type": "system_failure",
        "severity": 1,
        "scope_type": "accounts",
        "scope": f"{A};{B};{A}",
        "start": "2026-06-15 08:00",
        "end": "2026-06-15 10:00",
    },
    {
        "id": "i5",
        "type": "network_outage",
        "severity": 3,
        "scope_type": "cells",
        "scope": "c3",
        "start": "2026-07-01 01:00",
        "end": "2026-07-01 05:00",
    },  # after M
    {
        "id": "i6",
        "type": "network_outage",
        "severity": 3,
        "scope_type": "cells",
        "scope": "c1",
        "start": "2026-03-01 00:00",
        "end": "2026-03-02 00:00",
    },  # before the 3-month window
]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write_tables(
        tmp_path,
        subscribers=[
            {"msisdn": A, "district": "haidian"},
            {"msisdn": B, "district": "chaoyang"},
            {"msisdn": C},
        ],
        cells=[
            {
                "cell_id": "c1",
                "district": "haidian",
                "drop_rate": 0.02,
                "congestion_rate": 0.1,
                "throughput_mbps": 40.0,
            },
            {
                "cell_id": "c2",
                "district": "haidian",
                "drop_rate": 0.05,
                "congestion_rate": 0.2,
                "throughput_mbps": 10.0,
            },
            {
                "cell_id": "c3",
                "district": "chaoyang",
                "drop_rate": 0.01,
                "congestion_rate": 0.0,
                "throughput_mbps": 100.0,
            },
        ],
        subscriber_cells=[
            {"msisdn": A, "month": "2026-06", "cell_id": "c1", "traffic_share": 0.6},
            {"msisdn": A, "month": "2026-06", "cell_id": "c2", "traffic_share": 0.4},
            {"msisdn": A, "month": "2026-05", "cell_id": "c1", "traffic_share": 1.0},
            {"msisdn": B, "month": "2026-06", "cell_id": "c3", "traffic_share": 0.7},
            {"msisdn": B, "month": "2026-06", "cell_id": "c1", "traffic_share": 0.3},
        ],
        incidents=INCIDENTS,
    )


def test_scope_is_exploded_and_trimmed(folder: Path) -> None:
    got = run_model(folder, M, "incident_scope")
    pairs = sorted(zip(got["incident_id"], got["scope_item"], strict=True))
    assert pairs == [
        ("i1", "c1"),
        ("i1", "c9"),
        ("i2", "haidian"),
        ("i3", "chaoyang"),
        ("i4", A),
        ("i4", A),
        ("i4", B),
        ("i5", "c3"),
        ("i6", "c1"),
    ]


def test_hits_split_by_month_clip_and_cap(folder: Path) -> None:
    """The base months of the 3-month window (April - June; k = 0 is June)."""
    got = run_model(folder, M, "base_incident_hits")
    june = 2026 * 12 + 5
    rows = {
        (r.incident_id, june - r.month_index, r.msisdn): (r.microseconds / 3.6e9, r.weight_e12 / 1e12)
        for r in got.itertuples()
    }
    expected_ns = (got["microseconds"].astype(float) * got["weight_e12"].astype(float) / 1e9).round()
    assert (got["weighted_ns"] == expected_ns).all()
    assert rows[("i1", 1, A)] == pytest.approx((2.0, 1.0))  # May: c1 share 1.0
    assert rows[("i1", 0, A)] == pytest.approx((4.0, 0.6))
    assert rows[("i1", 0, B)] == pytest.approx((4.0, 0.3))
    assert rows[("i2", 0, A)] == pytest.approx((4.0, 1.0))  # c1 + c2 in haidian: 0.6 + 0.4
    assert rows[("i2", 0, B)] == pytest.approx((4.0, 0.3))  # clipped at 1 July 00:00
    assert rows[("i3", 2, B)] == pytest.approx((24.0, 1.0))  # home district
    assert rows[("i4", 0, A)] == pytest.approx((2.0, 1.0))  # listed twice, capped at 1
    assert ("i1", 1, B) not in rows and not any(key[2] == C for key in rows)
    assert len(rows) == 8


def test_incident_exposure_by_hand(folder: Path) -> None:
    got = run_model(folder, M, "feat_incidents").set_index("msisdn")
    a, b = got.loc[A], got.loc[B]
    assert a["outage_hours_1m"] == pytest.approx(4 * 0.6)
    assert a["outage_hours_3m"] == pytest.approx(4 * 0.6 + 2 * 1.0)
    assert a["degradation_hours_1m"] == pytest.approx(4.0)
    assert a["network_exposure_1m"] == pytest.approx(4 * 0.6 * 2 + 4 * 1.0 * 1)  # 8.8
    assert a["network_exposure_3m"] == pytest.approx(8.8 + 2 * 1.0 * 2)
    assert (a["incidents_hit_1m"], a["incidents_hit_3m"]) == (3, 3)
    assert (a["billing_error_hits_3m"], a["system_failure_hits_1m"], a["max_incident_severity_3m"]) == (
        0,
        1,
        2,
    )
    assert b["outage_hours_1m"] == pytest.approx(1.2) and b["degradation_hours_1m"] == pytest.approx(1.2)
    assert b["network_exposure_3m"] == pytest.approx(1.2 * 2 + 1.2 * 1)
    assert (b["incidents_hit_1m"], b["incidents_hit_3m"]) == (3, 4)
    assert (b["billing_error_hits_1m"], b["billing_error_hits_3m"], b["max_incident_severity_3m"]) == (
        0,
        1,
        3,
    )


def test_subscriber_without_incidents_gets_zeros(folder: Path) -> None:
    got = run_model(folder, M, "feat_incidents").set_index("msisdn")
    assert (got.loc[C] == 0).all()


def test_no_incidents_table_rows_at_all(tmp_path: Path) -> None:
    folder = write_tables(tmp_path, subscribers=[{"msisdn": A}])
    got = run_model(folder, M, "feat_incidents")
    assert len(got) == 1 and (got.drop(columns="msisdn") == 0).all(axis=None)


def test_cell_quality_by_hand(folder: Path) -> None:
    got = run_model(folder, M, "feat_cells").set_index("msisdn")
    a = got.loc[A]
    assert a["cells_used_1m"] == 2
    assert a["cell_drop_rate_wavg"] == pytest.approx(0.6 * 0.02 + 0.4 * 0.05)
    assert a["cell_congestion_rate_wavg"] == pytest.approx(0.6 * 0.1 + 0.4 * 0.2)
    assert a["cell_throughput_wavg"] == pytest.approx(0.6 * 40 + 0.4 * 10)
    assert (a["worst_cell_drop_rate"], a["worst_cell_throughput"]) == pytest.approx((0.05, 10.0))
    assert a["worst_cell_weighted_drop"] == pytest.approx(max(0.6 * 0.02, 0.4 * 0.05))
    c = got.loc[C]
    assert c["cells_used_1m"] == 0 and pd.isna(c["cell_drop_rate_wavg"])

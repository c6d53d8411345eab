"""Incident-hit matching: traffic shares and time overlap, account lists, district scope, sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from cxradar.identify import load_identify_config
from cxradar.identify.incidents import incident_exposure, incident_hits

CFG = load_identify_config().potential
A, B, C = "13800000001", "13800000002", "13800000003"


def _incidents(rows: list[tuple[str, str, str, str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["id", "type", "start", "end", "severity", "scope_type", "scope"]
    ).assign(
        start=lambda d: pd.to_datetime(d["start"], format="ISO8601"),
        end=lambda d: pd.to_datetime(d["end"], format="ISO8601"),
    )


CELLS = pd.DataFrame(
    {
        "msisdn": [A, A, B, B, A],
        "month": pd.to_datetime(["2026-09-01"] * 4 + ["2026-08-01"]),
        "cell_id": ["1203", "1300", "1203", "1400", "1203"],
        "traffic_share": [0.72, 0.28, 0.1, 0.9, 1.0],
    }
)
SUBS = pd.DataFrame({"msisdn": [A, B, C], "district": ["chaoyang", "haidian", "chaoyang"]})


def test_network_outage_weighted_by_share_hours_and_severity() -> None:
    inc = _incidents(
        [("i1", "network_outage", "2026-09-14 08:00", "2026-09-14 12:30", 2, "cells", "1203;9999")]
    )
    hits = incident_exposure("2026-09", incidents=inc, subscriber_cells=CELLS, subscribers=SUBS, config=CFG)
    # B carries only 10 % of its traffic on 1203 < incident_min_share 0.2 -> no match; A: 72 %, 4.5 h,
    # severity 2 (weight 1.0), outage (weight 1.0): exposure = 1.0 * 1.0 * 4.5 * 0.72 = 3.24 (by hand).
    assert list(hits["msisdn"]) == [A]
    assert hits.loc[0, "exposure"] == pytest.approx(3.24)
    out = incident_hits("2026-09", incidents=inc, subscriber_cells=CELLS, subscribers=SUBS, config=CFG)
    assert out.loc[0, "reason_en"] == "4.5 h network outage on cell 1203 (72 % of your traffic), 2026-09-14"
    assert out.loc[0, "reason_zh"] == "2026-09-14 小区1203网络中断4.5小时（占您流量的72%）"
    assert out.loc[0, "cause"] == "network"


def test_time_overlap_clips_to_the_month_and_ignores_other_months() -> None:
    inc = _incidents(
        [
            (
                "i1",
                "network_outage",
                "2026-08-31 22:00",
                "2026-09-01 02:00",
                3,
                "cells",
                "1203",
            ),  # 2 h in September
            (
                "i2",
                "network_outage",
                "2026-10-02 00:00",
                "2026-10-02 05:00",
                3,
                "cells",
                "1203",
            ),  # later month
        ]
    )
    hits = incident_exposure("2026-09", incidents=inc, subscriber_cells=CELLS, subscribers=SUBS, config=CFG)
    assert list(hits["incident_id"]) == ["i1"]  # only A: B carries 10 % < incident_min_share on cell 1203
    a = hits.set_index("msisdn").loc[A]
    assert a["hours"] == pytest.approx(2.0)
    assert a["exposure"] == pytest.approx(2.0 * 2.0 * 0.72)  # severity 3 weighs 2.0


def test_accounts_and_district_scopes_and_top_reasons() -> None:
    inc = _incidents(
        [
            ("b1", "billing_error", "2026-09-03", "2026-09-04", 2, "accounts", f"{A};{C}"),
            ("s1", "system_failure", "2026-09-10 09:00", "2026-09-10 15:00", 3, "district", "chaoyang"),
            ("n1", "network_degradation", "2026-09-20", "2026-09-20 02:00", 1, "cells", "1300"),
        ]
    )
    out = incident_hits(
        "2026-09", incidents=inc, subscriber_cells=CELLS, subscribers=SUBS, config=CFG
    ).set_index("msisdn")
    assert sorted(out.index) == [A, C]
    # A: system failure 2.0*0.5*6 h = 6.0; billing 1.0*1.0*4 = 4.0; degradation 0.5*0.5*2*0.28 = 0.14
    assert out.loc[A, "exposure"] == pytest.approx(6.0 + 4.0 + 0.14)
    assert out.loc[A, "n_incidents"] == 3 and out.loc[A, "cause"] == "service"
    assert out.loc[A, "reason_en"] == (
        "6.0 h system failure in chaoyang district, 2026-09-10; billing error on your account (severity 2), "
        "2026-09-03; and 1 more"
    )
    assert out.loc[A, "reason_zh"].startswith(
        "2026-09-10 朝阳区系统故障6.0小时；2026-09-03 您的账户出现计费差错"
    )
    assert out.loc[C, "exposure"] == pytest.approx(10.0)


def test_no_incidents_gives_an_empty_frame() -> None:
    inc = _incidents([])
    out = incident_hits("2026-09", incidents=inc, subscriber_cells=CELLS, subscribers=SUBS, config=CFG)
    assert out.empty and "reason_en" in out.columns

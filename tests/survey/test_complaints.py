"""Complaint concentration, resolution vs targets and repeat complainants on hand-computed fixtures."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cxradar.errors import ConfigError, MissingColumnError
from cxradar.survey.complaints import complaint_concentration, pareto, repeat_complainants, resolution_table
from cxradar.survey.config import load_survey_config

CONFIG = load_survey_config()


def _complaints() -> pd.DataFrame:
    rows = [
        # id, msisdn, opened, type, product, channel, resolved hours later, fcr
        ("c1", "13800000001", "2026-08-10 09:00", "network", "data", "hotline", 2, True),
        ("c2", "13800000001", "2026-09-02 09:00", "network", "data", "hotline", 30, False),
        ("c3", "13800000001", "2026-09-20 09:00", "billing", "voice", "hall", 5, True),
        ("c4", "13800000002", "2026-09-05 10:00", "network", "value_added", "hotline", 100, False),
        ("c5", "13800000002", "2026-06-15 10:00", "network", "value_added", "app", 1, True),
        ("c6", "13800000003", "2026-09-12 11:00", "network", "value_added", "hotline", 3, True),
        ("c7", "13800000004", "2026-09-13 11:00", "marketing", "value_added", "web", None, None),
        ("c8", "13800000005", "2026-09-14 11:00", "network", "data", "hotline", 10, True),
        ("c9", "13800000006", "2026-09-15 11:00", "service", "voice", "hall", 20, True),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "msisdn",
            "opened_at",
            "type",
            "product",
            "channel",
            "hours",
            "first_contact_resolved",
        ],
    )
    frame["opened_at"] = pd.to_datetime(frame["opened_at"])
    frame["resolved_at"] = frame["opened_at"] + pd.to_timedelta(frame["hours"], unit="h")
    frame["first_contact_resolved"] = frame["first_contact_resolved"].astype("boolean")
    return frame.drop(columns="hours")


SUBSCRIBERS = pd.DataFrame(
    {
        "msisdn": [f"1380000000{i}" for i in range(1, 7)],
        "district": ["东城", "东城", "西城", "西城", "东城", "海淀"],
    }
)


def test_concentration_by_type_counts_rates_and_pareto() -> None:
    usage = pd.DataFrame(
        {"msisdn": [f"1380000{i:04d}" for i in range(2000)], "month": pd.Timestamp("2026-09-01")}
    )
    table = complaint_concentration(_complaints(), "2026-09", CONFIG, by="type", usage=usage)
    sep = table[table["month"] == pd.Timestamp("2026-09-01")].set_index("type")
    # September: network 4 (c2, c4, c6, c8), billing 1, marketing 1, service 1 -> 7 complaints.
    assert sep["count"].to_dict() == {"network": 4, "billing": 1, "marketing": 1, "service": 1}
    assert sep.loc["network", "rate_per_10k"] == pytest.approx(4 / 2000 * 10_000)
    assert sep.loc["network", "share"] == pytest.approx(4 / 7)
    assert sep.loc["network", "vital_few"]
    # six months shown (April..September); August network = 1, so the change is +3
    assert table["month"].nunique() == 6
    assert sep.loc["network", "change"] == 3


def test_concentration_by_district_joins_subscribers() -> None:
    table = complaint_concentration(_complaints(), "2026-09", CONFIG, by="district", subscribers=SUBSCRIBERS)
    sep = table[table["month"] == pd.Timestamp("2026-09-01")].set_index("district")["count"]
    assert sep.to_dict() == {"东城": 4, "西城": 2, "海淀": 1}
    with pytest.raises(MissingColumnError, match="district"):
        complaint_concentration(_complaints(), "2026-09", CONFIG, by="district")


def test_pareto_vital_few_reach_the_share() -> None:
    par = pareto(pd.Series({"a": 50, "b": 30, "c": 15, "d": 5}), 0.8)
    assert par["category"].tolist() == ["a", "b", "c", "d"]
    assert par["vital_few"].tolist() == [True, True, False, False]  # 50 % then 80 %: reached after b
    assert par["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_first_contact_resolution_against_targets() -> None:
    overall = resolution_table(_complaints(), "2026-09", CONFIG).iloc[0]
    # September: 7 complaints, c7 unknown -> 6 known, resolved first time: c3, c6, c8, c9 = 4/6.
    assert overall["complaints"] == 7 and overall["fcr_known"] == 6
    assert overall["fcr"] == pytest.approx(4 / 6)
    lo, hi = proportion_confint(4, 6, method="wilson")  # reference: statsmodels, tol 1e-12
    assert (overall["fcr_lo"], overall["fcr_hi"]) == pytest.approx((lo, hi), rel=1e-12)
    assert overall["fcr_target"] == 0.80 and overall["fcr_missed"]
    assert not overall["fcr_missed_significantly"]
    # hours: c2 30, c3 5, c4 100, c6 3, c8 10, c9 20 -> median 15, within 48 h = 5/6
    assert overall["hours_median"] == pytest.approx(15.0)
    assert overall["within_target"] == pytest.approx(5 / 6)
    assert overall["open"] == 1 and overall["resolve_missed"]
    by_product = resolution_table(_complaints(), "2026-09", CONFIG, by="product").set_index("product")
    assert by_product.loc["value_added", "fcr_target"] == 0.85  # the seed's value-added target
    assert by_product.loc["value_added", "fcr"] == pytest.approx(1 / 2)  # c4 no, c6 yes, c7 unknown
    assert by_product.loc["voice", "fcr_target"] == 0.80 and not by_product.loc["voice", "fcr_missed"]


def test_repeat_complainants_in_30_and_90_days() -> None:
    repeats = repeat_complainants(_complaints(), "2026-09", CONFIG)
    in30 = repeats[repeats["window_days"] == 30]
    in90 = repeats[repeats["window_days"] == 90]
    # window ends 2026-10-01: 30 days from 2026-09-01 -> only 13800000001 (c2, c3) has 2.
    assert in30["msisdn"].tolist() == ["13800000001"]
    # 90 days from 2026-07-03: 13800000001 has 3 (c1, c2, c3); c5 (June) is outside.
    assert in90.set_index("msisdn")["complaints"].to_dict() == {"13800000001": 3}
    assert in90["types"].iloc[0] == "billing,network"


def test_bad_month_names_the_fix() -> None:
    with pytest.raises(ConfigError, match="--month"):
        resolution_table(_complaints(), "September", CONFIG)

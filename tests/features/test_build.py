"""build_features end to end: no leakage from after the as-of month, the output file, the catalog."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxradar.errors import ConfigError
from cxradar.features import build_features, feature_catalog

from .tables import random_tables, write_tables

M = "2026-06"
END = "2026-07-01"


def _snapshot_at_end_of_june(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """What the warehouse held on 1 July: nothing that happened later."""
    cut = {name: [dict(r) for r in rows] for name, rows in tables.items()}
    cut["usage_monthly"] = [r for r in cut["usage_monthly"] if r["month"] < "2026-07"]
    cut["subscriber_cells"] = [r for r in cut["subscriber_cells"] if r["month"] < "2026-07"]
    cut["contacts"] = [r for r in cut["contacts"] if r["at"] < END]
    cut["surveys"] = [r for r in cut["surveys"] if r["answered_at"] < END]
    complaints = []
    for r in cut["complaints"]:
        if r["opened_at"] >= END:
            continue
        if r["resolved_at"] is not None and r["resolved_at"] >= END:  # still open on 1 July
            r["resolved_at"], r["first_contact_resolved"] = None, None
        complaints.append(r)
    cut["complaints"] = complaints
    incidents = []
    for r in cut["incidents"]:
        if r["start"] >= END:
            continue
        if r["end"] >= END:  # still running on 1 July: the end known then is "now"
            r["end"] = END
        incidents.append(r)
    cut["incidents"] = incidents
    return cut


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_leakage_later_data_does_not_change_features(tmp_path: Path, seed: int) -> None:
    tables = random_tables(seed)
    full = build_features(write_tables(tmp_path / "full", **tables), M)
    cut = build_features(write_tables(tmp_path / "cut", **_snapshot_at_end_of_june(tables)), M)
    assert len(full) > 20
    assert full["complaints_3m"].sum() > 0 and full["outage_hours_3m"].sum() > 0  # the data exercises them
    pd.testing.assert_frame_equal(full, cut)


def test_output_file_columns_and_catalog(tmp_path: Path) -> None:
    folder = write_tables(tmp_path / "data", **random_tables(3, n=12))
    out = tmp_path / "out" / "features.parquet"
    frame = build_features(folder, M, out=out)
    assert frame["msisdn"].is_unique and frame["msisdn"].is_monotonic_increasing
    pd.testing.assert_frame_equal(pd.read_parquet(out), frame, check_dtype=False)
    assert [p.name for p in out.parent.iterdir()] == ["features.parquet"]  # no temp file left behind
    catalog = feature_catalog()
    assert list(frame.columns) == ["msisdn", *catalog["name"]]
    assert set(catalog["kind"]) == {"numeric", "categorical"}
    assert catalog["zh"].str.len().gt(0).all() and catalog["en"].str.len().gt(0).all()
    categorical = set(catalog.loc[catalog["kind"] == "categorical", "name"])
    numeric_cols = set(frame.select_dtypes("number").columns)
    assert categorical.isdisjoint(numeric_cols - {"age"}) and "brand" in categorical
    assert numeric_cols >= set(catalog.loc[catalog["kind"] == "numeric", "name"])


def test_every_seed_feature_is_there() -> None:
    names = set(feature_catalog()["name"])
    seeds = {
        "gender",
        "age",
        "occupation",
        "district",
        "payment_type",
        "customer_level",
        "brand",
        "plan",
        "tenure_months",
        "vpmn_member",
        "group_paid",
        "contact_complete",
        "is_local",
        "segment",
        "avg_spend_6m",
        "avg_spend_3m",
        "spend_ratio_3m_6m",
        "spend_slope_6m",
        "spend_mom_change",
        "call_forward_m1",
        "call_forward_m2",
        "call_forward_m3",
        "offnet_onnet_ratio_3m",
        "missed_calls_m1",
        "total_minutes_m1",
        "roaming_days_m1",
        "data_mb_m1",
        "dropped_calls_m1",
        "arrears_suspensions_6m",
        "payment_method_changes_3m",
        "last_payment_channel",
        "complaints_network_1m",
        "complaints_sev3_6m",
        "fcr_failures_3m",
        "contacts_hall_3m",
        "days_since_last_contact",
        "rating_mean_3m",
        "low_rating_count_3m",
        "outage_hours_1m",
        "network_exposure_3m",
        "billing_error_hits_3m",
        "system_failure_hits_3m",
        "worst_cell_drop_rate",
        "no_contact_3m",
        "no_survey_3m",
    }
    assert seeds <= names, seeds - names


def test_unknown_or_non_runnable_engine(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Did you mean 'duckdb'"):
        build_features(tmp_path, M, engine="duckbd")
    with pytest.raises(ConfigError, match="cannot run it here"):
        build_features(tmp_path, M, engine="hive")


def test_docs_list_every_feature() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "features.md").read_text(encoding="utf-8")
    missing = [n for n in feature_catalog()["name"] if f"`{n}`" not in docs]
    assert not missing, f"add these to docs/features.md (feature list): {missing}"

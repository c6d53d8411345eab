"""The aggregate tables against the run's own figures and against independent pandas computations
on the small run's files (small enough to load whole here; the product never does)."""

from __future__ import annotations

import codecs
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from cxradar.dashboard import load_month
from cxradar.dashboard.aggregates import SPECS
from cxradar.dashboard.aggregates.glance import HEADLINE_KEYS
from cxradar.dashboard.aggregates.model import psi
from cxradar.dashboard.store import REPORT_DIR, read_manifest
from cxradar.features.cache import cached_tables

from .conftest import MONTHS, SmallRun


def _features(run: SmallRun, month: str) -> pd.DataFrame:
    """The run's feature table as of ``month`` (a folder of shard files in the feature cache)."""
    folder = cached_tables(run.run_dir / "features")[month]
    return duckdb.sql(f"SELECT * FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = false)").df()


def _month(run: SmallRun, month: str | None = None):  # type: ignore[no-untyped-def]
    return load_month(run.run_dir / REPORT_DIR, month)


def _dig(data, path):  # type: ignore[no-untyped-def]
    for key in path:
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def test_every_table_has_the_declared_columns_in_parquet_and_csv(small_run: SmallRun) -> None:
    folder = small_run.run_dir / REPORT_DIR
    assert read_manifest(folder)["months"] == list(MONTHS)
    for name, spec in SPECS.items():
        frame = pd.read_parquet(folder / f"{name}.parquet")
        assert list(frame.columns) == spec.column_names, name
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), name
        header = raw[len(codecs.BOM_UTF8) :].decode("utf-8").splitlines()[0]
        assert header.replace('"', "").split(",") == spec.column_names, name
        # never one row per subscriber: every table is an aggregate
        assert len(frame) < 500, (name, len(frame))


def test_headline_equals_summary_json(small_run: SmallRun) -> None:
    summary = small_run.summary
    headline = _month(small_run).table("headline").set_index("key")
    assert list(headline.index) == list(HEADLINE_KEYS)
    for key, (path, low, high) in HEADLINE_KEYS.items():
        assert headline.loc[key, "value"] == pytest.approx(float(_dig(summary, path)), rel=1e-12), key
        if low is not None:
            assert headline.loc[key, "ci_low"] == pytest.approx(float(_dig(summary, low)), rel=1e-12)
            assert headline.loc[key, "ci_high"] == pytest.approx(float(_dig(summary, high)), rel=1e-12)


def test_last_months_values_come_from_last_months_report(small_run: SmallRun) -> None:
    october = _month(small_run, MONTHS[1]).table("headline").set_index("key")
    september = _month(small_run, MONTHS[0]).table("headline").set_index("key")
    for key in ("pool_size", "potential_size", "coverage_estimated", "csi_satisfaction"):
        assert october.loc[key, "previous"] == september.loc[key, "value"], key
    # churn was skipped in September: no figure, so no change is claimed
    assert pd.isna(october.loc["churn_listed", "previous"])


def test_pool_flow_matches_the_history_and_the_pool(small_run: SmallRun) -> None:
    flow = _month(small_run).table("pool_flow").set_index("period")
    history = pd.read_parquet(small_run.run_dir / "pool_history.parquet")
    pool = pd.read_parquet(small_run.run_dir / "pool.parquet")
    for period, row in flow.iterrows():
        upto = history.loc[history["month"] <= period]
        assert row["size"] == (upto["event"] == "enter").sum() - (upto["event"] == "exit").sum()
        this = history.loc[history["month"] == period, "event"]
        assert row["entered"] == (this == "enter").sum() and row["exited"] == (this == "exit").sum()
    assert flow.loc[MONTHS[1], "size"] == len(pool) == small_run.summary["pool"]["size"]


def test_segment_trend_pool_members_match_pool_parquet(small_run: SmallRun) -> None:
    trend = _month(small_run).table("segment_trend")
    now = trend.loc[trend["period"] == MONTHS[1]].set_index("segment")
    features = _features(small_run, MONTHS[1])[["msisdn", "segment"]]
    pool = pd.read_parquet(small_run.run_dir / "pool.parquet", columns=["msisdn"])
    expected = features.loc[features["msisdn"].isin(pool["msisdn"])].groupby("segment").size()
    for segment, n in expected.items():
        assert now.loc[segment, "explicit"] == n
    assert (now["subscribers"] == features.groupby("segment").size().reindex(now.index)).all()


def test_dissatisfied_profile_against_pandas(small_run: SmallRun) -> None:
    profile = _month(small_run).table("dissatisfied_profile")
    features = _features(small_run, MONTHS[1])
    flagged = set(pd.read_parquet(small_run.run_dir / "pool.parquet")["msisdn"]) | set(
        pd.read_parquet(small_run.run_dir / "potential_dissatisfied.parquet")["msisdn"]
    )
    features["d"] = features["msisdn"].isin(flagged)
    overall = features["d"].mean()
    for dimension in ("segment", "brand", "district"):
        expected = features.groupby(dimension)["d"].agg(["size", "sum", "mean"])
        got = profile.loc[profile["dimension"] == dimension].set_index("code")
        assert set(got.index) == set(expected.index)
        for code, row in expected.iterrows():
            assert got.loc[code, "subscribers"] == row["size"] and got.loc[code, "dissatisfied"] == row["sum"]
            assert got.loc[code, "share"] == pytest.approx(row["mean"], abs=1e-12)
            assert got.loc[code, "index"] == pytest.approx(row["mean"] / overall, rel=1e-9)
    districts = profile.loc[profile["dimension"] == "district"]
    assert districts["label_zh"].str.endswith("区").all()  # Chinese district names, not pinyin


def test_potential_kinds_match_summary(small_run: SmallRun) -> None:
    kinds = _month(small_run).table("potential_kinds").set_index("kind")
    for kind, entry in small_run.summary["potential"]["kinds"].items():
        assert kinds.loc[kind, "customers"] == entry["count"], kind


def test_survey_and_complaints_match_the_runs_survey_summary(small_run: SmallRun) -> None:
    m = _month(small_run)
    survey = small_run.summary["survey"]
    groups = m.table("survey_groups").set_index(["dimension", "code"])
    assert groups.loc[("all", "all"), "high_share"] == pytest.approx(
        survey["overall"]["high_share"], abs=1e-6
    )
    assert groups.loc[("all", "all"), "mean"] == pytest.approx(survey["overall"]["mean"], abs=1e-6)
    assert groups.loc[("all", "all"), "respondents"] == survey["respondents"]
    dist = m.table("survey_distribution")
    assert dist["share"].sum() == pytest.approx(1.0) and list(dist["score"]) == list(range(1, 11))
    resolution = m.table("complaint_resolution").set_index(["dimension", "code"])
    assert resolution.loc[("all", "all"), "fcr"] == pytest.approx(survey["complaints"]["fcr"], abs=1e-6)
    assert resolution.loc[("all", "all"), "complaints"] == survey["complaints"]["count"]
    # the value-added target (85 %) applies to that product only
    products = resolution.loc["product"]
    assert products.loc["value_added", "fcr_target"] == 0.85
    assert (products.drop(index="value_added")["fcr_target"] == 0.80).all()
    assert (resolution["met"] == (resolution["fcr"] >= resolution["fcr_target"])).all()


def test_complaint_pareto_against_pandas(small_run: SmallRun) -> None:
    types = _month(small_run).table("complaint_types")
    complaints = pd.read_parquet(small_run.run_dir / "validated" / "accepted" / "complaints.parquet")
    month = complaints.loc[complaints["opened_at"].dt.strftime("%Y-%m") == MONTHS[1]]
    counts = month["type"].value_counts()
    got = types.loc[types["period"] == MONTHS[1]].set_index("type")
    assert dict(got["complaints"]) == dict(counts)
    ordered = got.sort_values("complaints", ascending=False)
    assert np.allclose(
        ordered["cumulative_share"], (counts.sort_values(ascending=False).cumsum() / counts.sum()).values
    )


def test_csi_refit_equals_the_runs_index(small_run: SmallRun) -> None:
    m = _month(small_run)
    index = m.table("csi_index").set_index("construct")["index"]
    for construct, value in small_run.summary["survey"]["csi"]["index"].items():
        assert index[construct] == pytest.approx(value, abs=1e-6)
    ipma = m.table("csi_ipma")
    refit = ipma.loc[ipma["level"] == "construct"].set_index("name")["performance"]
    for construct, value in refit.items():  # IPMA performance is the 0-100 index (cSEM definition)
        assert value == pytest.approx(index[construct], abs=1e-4)
    first = small_run.summary["survey"]["csi"]["ipma"]["priorities"][0]
    if first["kind"] == "construct":
        assert ipma.set_index("name").loc[first["name"], "importance"] == pytest.approx(
            first["importance"], abs=1e-4
        )


def test_campaign_and_churn_figures(small_run: SmallRun) -> None:
    m = _month(small_run)
    evaluation = small_run.summary["campaign_evaluation"]
    effects = m.table("campaign_effects").set_index("measure")
    assert effects.loc["index_points_on_participants", "estimate"] == pytest.approx(
        evaluation["index_points_on_participants"]["diff"]
    )
    assert effects.loc["satisfaction_itt", "p_value"] == pytest.approx(
        evaluation["satisfaction_itt"]["p_value"]
    )
    churners = pd.read_parquet(small_run.run_dir / "churn" / "churners.parquet")
    outlook = m.table("churn_outlook").iloc[0]
    assert outlook["listed"] == len(churners) == small_run.summary["churn"]["counts"]["churners_listed"]
    assert outlook["expected_churners"] == pytest.approx(churners["probability"].sum())
    bands = m.table("churn_risk_bands")
    assert bands["customers"].sum() == len(churners)
    factors = m.table("churn_factors")
    assert (factors["factor_zh"] != factors["factor_en"]).all()  # every factor named in Chinese
    top = churners["reasons_en"].str.split(" = ").str[0]
    first = factors.set_index("factor_en")["first_factor"]
    for label, n in top.value_counts().head(3).items():
        if label in first.index:  # labels without "; " or " = " inside: a plain split is exact
            assert first[label] <= n


def test_factor_parsing_handles_labels_with_separators() -> None:
    from cxradar.dashboard.aggregates.churn import _REASON

    sentence = (
        "call forwards in month 1 of the last 3 (m1 = as-of month) = 6 raises the risk; "
        "mean post-contact rating (1-5), 3 months; empty when none = 5 lowers the risk; "
        "age (years) = 31 raises the risk"
    )
    labels = duckdb.connect().execute(f"SELECT regexp_extract_all(?, '{_REASON}', 1)", [sentence]).fetchall()
    assert labels[0][0] == [
        "call forwards in month 1 of the last 3 (m1 = as-of month)",
        "mean post-contact rating (1-5), 3 months; empty when none",
        "age (years)",
    ]


def test_psi_against_a_hand_computation() -> None:
    # shares (0.5, 0.5) vs (0.25, 0.75): (0.25 ln 2) + (-0.25 ln(2/3)) = 0.25 (ln 2 + ln 1.5)
    assert psi([50, 50], [25, 75]) == pytest.approx(0.25 * (np.log(2) + np.log(1.5)), rel=1e-12)
    assert psi([10, 20, 30], [10, 20, 30]) == 0.0


def test_feature_drift_against_numpy(small_run: SmallRun) -> None:
    drift = _month(small_run).table("feature_drift").set_index("feature")
    before = _features(small_run, MONTHS[0])["avg_spend_3m"].dropna()
    now = _features(small_run, MONTHS[1])["avg_spend_3m"].dropna()
    edges = np.unique(np.quantile(before, np.arange(1, 10) / 10))  # linear = DuckDB quantile_cont
    bins_now = np.bincount(np.searchsorted(edges, now, side="left"), minlength=len(edges) + 1)
    bins_before = np.bincount(np.searchsorted(edges, before, side="left"), minlength=len(edges) + 1)
    assert drift.loc["avg_spend_3m", "psi"] == pytest.approx(psi(list(bins_now), list(bins_before)), rel=1e-9)
    assert drift.loc["avg_spend_3m", "mean_now"] == pytest.approx(now.mean())


def test_building_a_month_again_replaces_only_that_month(small_run: SmallRun, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from cxradar.dashboard import build_tables

    run_dir = tmp_path / "run"
    shutil.copytree(small_run.run_dir, run_dir)
    before = {
        name: pd.read_parquet(run_dir / REPORT_DIR / f"{name}.parquet") for name in ("headline", "pool_flow")
    }
    build_tables(run_dir)
    for name, frame in before.items():
        again = pd.read_parquet(run_dir / REPORT_DIR / f"{name}.parquet")
        pd.testing.assert_frame_equal(again, frame)
    assert json.loads((run_dir / REPORT_DIR / "manifest.json").read_text())["months"] == list(MONTHS)


def test_staff_tables_equal_the_staff_analytics_and_name_no_agent(small_run: SmallRun) -> None:
    """The staff page's tables are what cxradar.staff computes on the same window, and no agent id
    reaches a report table."""
    from cxradar.staff import contact_scores, league, load_staff_config
    from cxradar.staff.report import months_up_to

    month = _month(small_run)
    status = month.table("staff_status").iloc[0]
    assert bool(status["has_staff"])
    config = load_staff_config()
    data = small_run.data_dir
    scores = contact_scores(
        pd.read_parquet(data / "contacts.parquet"),
        pd.read_parquet(data / "followups.parquet"),
        pd.read_parquet(data / "staff.parquet"),
        config,
    )
    scores = scores.loc[scores["month"].isin(months_up_to(MONTHS[-1], config.window_months))]
    expected, prior = league(scores, "hall_id", config, config.hall_target)
    halls = month.table("staff_halls").set_index("hall_id").sort_index()
    expected = expected.set_index("hall_id").sort_index()
    assert list(halls.index) == list(expected.index)
    np.testing.assert_allclose(halls["estimate"], expected["estimate"], rtol=1e-12)
    assert status["prior_mean"] == pytest.approx(prior["mu"], rel=1e-12)
    assert (halls["verdict"] == expected["verdict"]).all()
    roles = month.table("staff_roles")
    assert set(roles["role"]) == {r.name for r in config.roles} and roles["label_zh"].str.len().gt(0).all()
    items = month.table("staff_hall_items")
    assert items.groupby("hall_id").size().max() <= 2
    agent_ids = set(pd.read_parquet(data / "staff.parquet")["agent_id"])
    for path in (small_run.run_dir / REPORT_DIR).glob("staff_*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        assert not any(a in text for a in agent_ids), path.name


def test_staff_gender_and_hall_survey_tables_equal_the_staff_report(small_run: SmallRun) -> None:
    """The page's gender view and per-hall survey items are the staff report's (``cxradar staff
    report`` on the same data and month), with labels in both languages; the gender gap is the
    female minus the male mean, shown only when both have enough scored contacts."""
    from cxradar.staff import build_staff_views, load_staff_config, load_staff_tables

    config = load_staff_config()
    views, _summary = build_staff_views(load_staff_tables(small_run.data_dir), MONTHS[-1], config, key="k")
    month = _month(small_run)
    gender = month.table("staff_gender").set_index(["level", "unit"]).sort_index()
    expected = views["gender"].set_index(["level", "unit"]).sort_index()
    assert len(gender) and list(gender.index) == list(expected.index)
    for column in ("n_F", "n_M", "mean_F", "mean_M", "gap_f_minus_m", "gap_lo", "gap_hi"):
        np.testing.assert_allclose(
            gender[column].astype(float), expected[column].astype(float), rtol=1e-9, equal_nan=True
        )
    assert (gender["female_lower"] == expected["female_lower"]).all()
    both = gender.loc[gender["enough_data"]]
    assert (
        len(both)
        and (both["n_F"] >= config.min_contacts).all()
        and (both["n_M"] >= config.min_contacts).all()
    )
    np.testing.assert_allclose(both["gap_f_minus_m"], both["mean_F"] - both["mean_M"], rtol=1e-12)
    assert gender.loc[~gender["enough_data"], "gap_f_minus_m"].isna().all()
    assert gender["label_zh"].str.len().gt(0).all() and gender["level_zh"].isin(["岗位", "营业厅"]).all()
    by_hall = month.table("staff_hall_survey_items").set_index(["hall_id", "item"]).sort_index()
    expected = views["hall_survey_items"].set_index(["hall_id", "item"]).sort_index()
    assert len(by_hall) and list(by_hall.index) == list(expected.index)
    np.testing.assert_allclose(by_hall["mean"].astype(float), expected["mean"].astype(float), equal_nan=True)
    assert (by_hall["answers"] == expected["answers"]).all()
    assert (by_hall["verdict"] == expected["verdict"].astype(str)).all()
    assert by_hall.loc[by_hall["answers"] < config.min_survey_answers, "mean"].isna().all()
    assert by_hall["verdict_zh"].str.len().gt(0).all() and by_hall["owners_zh"].str.len().gt(0).all()


def test_staff_page_without_staff_tables_says_so() -> None:
    from cxradar.dashboard.build import MonthTables
    from cxradar.dashboard.model import Notice, texts
    from cxradar.dashboard.pages import staff

    tables = {s.name: pd.DataFrame(columns=s.column_names[1:]) for s in SPECS.values() if s.page == "staff"}
    tables["staff_status"] = pd.DataFrame([{"has_staff": False}])
    page = staff.build(MonthTables("2026-10", tables, {}))
    blocks = [b for s in page.sections for b in s.blocks]
    assert len(blocks) == 1 and isinstance(blocks[0], Notice)
    assert "no staff tables" in blocks[0].text.en and "没有员工表" in blocks[0].text.zh
    assert all(x.en and x.zh for x in texts(page))


def _held_back(run: SmallRun, month: str) -> tuple[dict[str, int], dict[str, int]]:
    """Customers a policy held back in ``month``, counted by pandas from the care step's own list
    (care_left_out.parquet: one row per customer, ``fallback`` = what became of them)."""
    left = pd.read_parquet(run.run_dir / "care" / month / "care_left_out.parquet")
    moved = left["fallback"].astype(str).eq("wait_for_contact")
    by_reason = [left.loc[rows, "reason"].astype(str).value_counts() for rows in (moved, ~moved)]
    return tuple({str(k): int(v) for k, v in counts.items()} for counts in by_reason)  # type: ignore[return-value]


def test_moved_to_wait_and_left_out_match_the_care_lists(small_run: SmallRun) -> None:
    """Since moved customers count as cared for, care_left_out holds only those without care; the
    moved ones are in care_moved_to_wait, per care month and reason."""
    m = _month(small_run)
    moved_table, left_table = m.table("care_moved_to_wait"), m.table("care_left_out")
    checked = 0
    for period in sorted(p.name for p in (small_run.run_dir / "care").iterdir() if p.is_dir()):
        moved, left = _held_back(small_run, period)
        shown_moved = moved_table.loc[moved_table["period"] == period].set_index("reason")["customers"]
        shown_left = left_table.loc[left_table["period"] == period].set_index("reason")["customers"]
        assert shown_moved.to_dict() == moved, period
        assert shown_left.to_dict() == left, period
        checked += sum(moved.values())
    assert checked > 0, "the small run moves customers to wait-for-contact (fatigue, capacity ...)"
    assert (moved_table["label_zh"] != moved_table["label_en"]).all()  # every reason named in Chinese

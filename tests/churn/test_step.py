"""The churn step end to end on a small simulated operator (slow: builds features for 6 months).

Checks the outputs' shape and content, that validation never trains on a label window reaching
the test month, that re-running gives identical lists, and that the model ranks the simulator's
port-outs better than chance (AUC > 0.6 on 3,000 lines is a loose floor; bench/churn.py reports
the figures at 100,000)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cxradar.churn import churn_step, load_churn_config, plan_months
from cxradar.simulate import simulate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    simulate(3000, 10, 5, out, end_month="2026-10")
    return out


def test_plan_months_leave_a_gap_of_the_horizon() -> None:
    plan = plan_months("2026-10", load_churn_config())
    assert plan["train"] == ["2026-05", "2026-06", "2026-07"]
    assert plan["validation_test"] == "2026-07"
    assert plan["validation_train"] == ["2026-02", "2026-03", "2026-04"]


def test_churn_step_writes_lists_alerts_and_report(world: Path, tmp_path: Path) -> None:
    # gbm only and 4 as-of months keep the test short; bench/churn.py runs the full comparison
    cfg = load_churn_config(horizon_months=2, training={"kinds": ["gbm"], "train_months": 1})
    result = churn_step(tmp_path / "run", world, "2026-10", cfg, validate=True)
    out = tmp_path / "run" / "churn"
    churners = pd.read_parquet(out / "churners.parquet")
    assert len(churners) == result["counts"]["churners_listed"] > 0
    assert churners["probability"].is_monotonic_decreasing
    assert churners["msisdn_masked"].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    assert (churners["retention_value"] >= 0).all() and churners["reasons_zh"].str.len().gt(0).all()
    alerts = pd.read_parquet(out / "group_alerts.parquet")
    assert {"group_id", "alert", "evidence_en", "evidence_zh"} <= set(alerts.columns)
    report = json.loads((out / "churn_report.json").read_text(encoding="utf-8"))
    val = report["validation"]
    assert val["train_months"] == ["2026-06"] and val["test_month"] == "2026-08"
    assert val["models"]["gbm"]["metrics"]["auc"] > 0.6
    assert 0 < val["models"]["gbm"]["signal_share"]["total"] < 1
    assert "gbm_without_signals" in val["models"]
    ex = report["exclusions"]["2026-10"]
    assert ex["rows_in"] == ex["kept"] + sum(v["rows"] for v in ex["excluded"].values())
    again = churn_step(tmp_path / "run", world, "2026-10", cfg, validate=True)
    assert again["counts"] == result["counts"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "churners.parquet"), churners)

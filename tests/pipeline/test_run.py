"""The monthly run end to end on a small simulated operator: outputs, carry-over, idempotence,
order, evaluation against truth, and the two commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cxradar.cli import cli
from cxradar.errors import StateError
from cxradar.identify.pool import HISTORY_COLUMNS, POOL_COLUMNS
from cxradar.identify.potential import POTENTIAL_COLUMNS
from cxradar.pipeline import STEPS, evaluate_run, run_month
from cxradar.simulate import simulate

OUTPUTS = (
    "pool.parquet",
    "pool_history.parquet",
    "potential_dissatisfied.parquet",
    "model_report.json",
    "summary.json",
)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("sim") / "data"
    simulate(20_000, 6, 11, data)
    return data


@pytest.fixture(scope="module")
def two_months(simulated: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    run_dir = tmp_path_factory.mktemp("run") / "run"
    first = run_month(simulated, "2026-09", run_dir)
    second = run_month(simulated, "2026-10", run_dir)
    return run_dir, first, second


@pytest.mark.slow
def test_outputs_have_the_documented_columns(two_months: tuple[Path, dict, dict]) -> None:
    run_dir, _, summary = two_months
    for name in OUTPUTS:
        assert (run_dir / name).is_file(), name
    pool = pd.read_parquet(run_dir / "pool.parquet")
    history = pd.read_parquet(run_dir / "pool_history.parquet")
    potential = pd.read_parquet(run_dir / "potential_dissatisfied.parquet")
    assert list(pool.columns) == POOL_COLUMNS and list(history.columns) == HISTORY_COLUMNS
    assert list(potential.columns) == POTENTIAL_COLUMNS
    assert len(pool) > 0 and len(potential) > 0
    # history carried over: warm-up months, then September, then October, each processed once
    processed = history.loc[history["event"] == "month_processed", "month"].tolist()
    assert processed == ["2026-07", "2026-08", "2026-09", "2026-10"]
    # potential customers are never in the explicit pool, each has a kind and readable reasons
    assert not set(potential["msisdn"]) & set(pool["msisdn"])
    assert (
        potential["kinds"]
        .str.split(";")
        .map(lambda ks: set(ks) <= {"silent", "incident_hit", "model_predicted"} and len(ks) > 0)
        .all()
    )
    assert (potential["reasons_en"].str.len() > 10).all() and (potential["reasons_zh"].str.len() > 5).all()
    assert potential["cause"].isin(["network", "billing", "service", "value", "unknown"]).all()
    assert summary["pool"]["size"] == len(pool) and summary["potential"]["size"] == len(potential)
    examples = summary["potential"]["kinds"]["model_predicted"]["examples"]
    assert examples and all("****" in e["msisdn"] for e in examples)
    report = json.loads((run_dir / "model_report.json").read_text(encoding="utf-8"))
    for key in ("precision", "recall", "f1", "auc", "lift_at_threshold", "top_decile_lift", "brier"):
        assert key in report["holdout"]
    assert report["rule"] == "seed_floors" and report["reliability"] and report["per_segment"]
    assert report["reliability_population"] and report["evaluation"]["method"] == "cross_validation"
    # ~200 respondents a month at 20,000 lines: the training window reaches back from 3 months to
    # the longest (6), all of the simulated data (identify.potential.train_min_respondents)
    assert report["train_months"] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert set(summary["timings"]) == {name for name, _ in STEPS} | {"cards"}
    # a reason says why the customer is flagged: never a factor that lowers the risk, never "100 %"
    assert not potential["reasons_en"].str.contains("lowers the risk").any()
    assert not potential["reasons_zh"].str.contains("风险降低").any()
    assert not potential["reasons_en"].str.contains(r"risk 100 %|risk 0 %").any()
    # nobody waiting for contact carries a proactive script (moved customers get the wait script)
    from cxradar.care.rules import load_rules

    rules = load_rules()
    proactive = {r.script_en for r in rules.rules if r.strategy != "wait_for_contact"}
    for month in ("2026-09", "2026-10"):
        chosen = pd.read_parquet(run_dir / "care" / month / "care_selected.parquet")
        pending = pd.read_parquet(run_dir / "care" / month / "pending_care.parquet")
        waiting = chosen.loc[chosen["strategy"] == "wait_for_contact"]
        assert len(waiting) and not waiting["script_en"].isin(proactive).any()
        assert len(pending) and not pending["script_en"].isin(proactive).any()
        remedied = chosen.loc[chosen["remedy"].notna()]
        assert all(
            rules.remedy_fits(c, ch) for c, ch in zip(remedied["remedy"], remedied["channel"], strict=True)
        )


@pytest.mark.slow
def test_rerun_is_identical_and_order_is_enforced(
    simulated: Path, two_months: tuple[Path, dict, dict]
) -> None:
    run_dir, _, _ = two_months
    before = {name: (run_dir / name).read_bytes() for name in OUTPUTS}
    run_month(simulated, "2026-10", run_dir)
    for name in OUTPUTS:
        if name == "summary.json":  # identical but for the run's own timings
            again = json.loads((run_dir / name).read_text(encoding="utf-8"))
            first = json.loads(before[name])
            assert again.pop("run")["recovered"] is None and first.pop("run")
            assert again == first
        elif name.endswith(".json"):
            assert (run_dir / name).read_bytes() == before[name], name
        else:
            pd.testing.assert_frame_equal(
                pd.read_parquet(run_dir / name), pd.read_parquet(pd.io.common.BytesIO(before[name]))
            )
    with pytest.raises(StateError, match="already runs to 2026-10; month 2026-08"):
        run_month(simulated, "2026-08", run_dir)


@pytest.mark.slow
def test_uplift_priority_set_in_the_run_config(
    simulated: Path, two_months: tuple[Path, dict, dict], tmp_path: Path
) -> None:
    """``care.policies.priority: uplift`` in the run file reaches the run's care step: the first
    month has no evaluated campaign and falls back to risk (the same choice as the default run),
    the second ranks by the uplift learnt from the first month's evaluated campaign."""
    default_dir, _, _ = two_months
    config = tmp_path / "run.yaml"
    config.write_text("care:\n  policies:\n    priority: uplift\n", encoding="utf-8")
    run_dir = tmp_path / "run"
    for month in ("2026-09", "2026-10"):
        run_month(simulated, month, run_dir, config=config)
    first, second = (
        json.loads((run_dir / "care" / m / "care_summary.json").read_text(encoding="utf-8"))
        for m in ("2026-09", "2026-10")
    )
    assert first["priority"] == "risk" and "no evaluated campaign" in first["note"]
    assert second["priority"] == "uplift" and second["note"] == ""

    def expected(folder: Path, month: str) -> pd.Series:
        selected = pd.read_parquet(folder / "care" / month / "care_selected.parquet")
        return selected.set_index("msisdn")["expected_value"].sort_index()

    pd.testing.assert_series_equal(expected(run_dir, "2026-09"), expected(default_dir, "2026-09"))
    by_uplift, by_risk = expected(run_dir, "2026-10"), expected(default_dir, "2026-10")
    assert by_uplift.index.equals(by_risk.index)  # the same customers, valued another way
    assert (by_uplift - by_risk).abs().max() > 0.01


@pytest.mark.slow
def test_evaluation_against_truth(simulated: Path, two_months: tuple[Path, dict, dict]) -> None:
    run_dir, _, _ = two_months
    result = evaluate_run(run_dir, simulated / "truth")
    assert result["month"] == "2026-10"
    assert result["churn"] is None  # the simulation ends with the run's month: no churn after it
    truth = pd.read_parquet(simulated / "truth" / "satisfaction.parquet")
    truth = truth.loc[pd.to_datetime(truth["month"]).dt.strftime("%Y-%m") == "2026-10"]
    flagged = set(pd.read_parquet(run_dir / "pool.parquet")["msisdn"]) | set(
        pd.read_parquet(run_dir / "potential_dissatisfied.parquet")["msisdn"]
    )
    dissatisfied = truth.loc[truth["dissatisfied"], "msisdn"]
    # coverage recomputed by hand from the files
    assert result["coverage"] == pytest.approx(dissatisfied.isin(flagged).mean())
    # the list finds the dissatisfied far better than a random sample would. The seed's 3x against
    # truth is the demo's floor at 50,000 subscribers (3.59x on 2026-12-01, docs/identify.md); at
    # 20,000 the model learns from ~1,300 respondents over the longest training window (6 months)
    # and the list's lift was 2.98x (2.79x with the 3-month window), so the floor here is the one
    # that catches a broken list, a little below the seed's
    assert result["potential"]["lift"] > 2.8, result["potential"]
    assert result["coverage"] > 0.5


@pytest.mark.slow
def test_commands(simulated: Path, two_months: tuple[Path, dict, dict]) -> None:
    run_dir, _, _ = two_months
    out = CliRunner().invoke(cli, ["evaluate", str(run_dir), "--truth", str(simulated / "truth"), "--json"])
    assert out.exit_code == 0, out.output
    assert "coverage" in json.loads(out.output)
    shown = CliRunner().invoke(cli, ["evaluate", str(run_dir), "--truth", str(simulated / "truth")])
    assert "Coverage" in shown.output and "potential list" in shown.output


def test_help_teaches() -> None:
    for command in ("run", "evaluate"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output and "cxradar " + command in result.output


def test_missing_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    from cxradar.errors import UnreadableFileError

    with pytest.raises(UnreadableFileError, match="does not exist"):
        run_month(tmp_path / "nope", "2026-10", tmp_path / "run")
    with pytest.raises(Exception, match="Did you mean 'logit'"):
        run_month(tmp_path, "2026-10", tmp_path / "run", model_kind="logti")

"""The same answers whatever runs the cycle: 1 shard or several, DuckDB or Spark (issue 10).

A small simulated operator goes through two months of the whole cycle - DuckDB with one shard,
DuckDB with five - and every output must agree: the pool and its history, the potential list with
its kinds and reasons, the care decisions and campaign, the churn list and group alerts;
probabilities within 1e-9. Spark ``local[2]`` with three shards runs the second month from the
first month's DuckDB state (a copy of RUN_DIR: the pool history, last month's care plan and its
campaign to evaluate) and must give the second month's outputs; it builds its own features from
scratch, as its cache is its own. (One Spark month keeps the suite's time in bounds: Spark's cost
at this size is its per-job overhead.) Shard functions see their rows in a
total order and all randomness is keyed by msisdn, so nothing may depend on the split.

The churn training sample is bounded far below the operator's lines (``max_train_rows`` 2,500 of
about 11,000), so the sample drawn in SQL before the features - and the training months'
features computed for its lines only - is part of what must agree.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxradar.pipeline import churn_against_truth, run_month
from cxradar.simulate import simulate

MONTHS = ("2026-09", "2026-10")
OUTPUTS = (
    "pool.parquet",
    "pool_history.parquet",
    "potential_dissatisfied.parquet",
    "scores.parquet",
    "care_actions.parquet",
    "care/2026-10/care_selected.parquet",
    "care/2026-10/care_left_out.parquet",
    "care/2026-10/care_plan.parquet",
    "care/2026-10/pending_care.parquet",
    "care/2026-09/care_outcomes.parquet",
    "churn/churners.parquet",
    "churn/group_alerts.parquet",
    "churn/multi_sim.parquet",
)
SECTIONS = ("pool", "potential", "model", "care", "survey", "campaign_evaluation")


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("engines") / "data"
    simulate(4_000, 6, 23, data)
    (data.parent / "run.yaml").write_text("churn:\n  training:\n    max_train_rows: 2500\n", encoding="utf-8")
    return data


def _config(operator: Path) -> Path:
    return operator.parent / "run.yaml"


def _run(operator: Path, run_dir: Path, **kwargs: object) -> Path:
    for month in MONTHS:
        run_month(operator, month, run_dir, config=_config(operator), **kwargs)  # type: ignore[arg-type]
    return run_dir


@pytest.fixture(scope="module")
def first_month(operator: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUN_DIR after the first month on DuckDB with one shard (copied, never changed)."""
    run_dir = tmp_path_factory.mktemp("first") / "run"
    run_month(operator, MONTHS[0], run_dir, shards=1, config=_config(operator))
    return run_dir


@pytest.fixture(scope="module")
def one_shard(operator: Path, first_month: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("one") / "run"
    shutil.copytree(first_month, run_dir)
    run_month(operator, MONTHS[1], run_dir, shards=1, config=_config(operator))
    return run_dir


def test_the_churn_model_is_fitted_on_the_bounded_sample(one_shard: Path) -> None:
    """Every churner of the training months is in the sample, the others at the stated rate with
    weight 1/rate, and the sample stands for the lines it was drawn from."""
    report = json.loads((one_shard / "churn" / "churn_report.json").read_text(encoding="utf-8"))
    sampling = report["model"]["sampling"]
    assert sampling["sampled"] and sampling["cap"] == 2500
    assert 0 < sampling["non_churner_rate"] < 0.4
    assert sampling["sample_lines"] <= 2500 + 50  # the cap, up to the rounding of the rate
    # every churner is drawn; exclusions (tenure, passive churn, ...) then remove some of them
    assert 0 < sampling["churners"] <= sampling["churners_sql"]
    # the weights put the sample back at the scale of the lines kept after exclusions
    represented, lines = report["model"]["n_represented"], sampling["lines"]
    assert 0.6 * lines < represented <= 1.05 * lines


def test_churners_beyond_their_share_of_the_cap_are_sampled_too(operator: Path, tmp_path: Path) -> None:
    """Churners beyond their share of the cap (as at 5M subscribers: 577,015 churners for a
    300,000-line cap) are drawn at their own rate, the other lines fill the rest, the weights
    still stand for the lines, and the model is worth its list. Here the churners' share is
    lowered to 10 % so that this small operator's ~400 churners exceed it."""
    config = tmp_path / "run.yaml"
    config.write_text(
        "churn:\n  training:\n    max_train_rows: 2500\n    max_churner_share: 0.1\n", encoding="utf-8"
    )
    run_month(
        operator, MONTHS[0], tmp_path / "run", shards=1, config=config, skip=("survey", "care", "cards")
    )
    report = json.loads((tmp_path / "run" / "churn" / "churn_report.json").read_text(encoding="utf-8"))
    sampling = report["model"]["sampling"]
    assert sampling["churners_sql"] > 250  # more churners than their 10 % of the cap
    assert sampling["churner_rate"] == pytest.approx(250 / sampling["churners_sql"], rel=1e-12)
    assert 0 < sampling["non_churner_rate"] < sampling["churner_rate"] < 1
    assert 2500 - 150 <= sampling["sample_lines"] <= 2500 + 150  # the cap, within the draw's spread
    churners, fitted = sampling["churners"], sampling["rows_fitted"]
    assert 0.05 * fitted < churners < 0.15 * fitted  # both classes, churners about 10 %
    represented, lines = report["model"]["n_represented"], sampling["lines"]
    assert 0.6 * lines < represented <= 1.2 * lines
    # against the truth's churn after the month; before the churners had their own rate, a cap
    # below the churners drew churners only (one class: no model, or a list worse than random)
    quality = churn_against_truth(tmp_path / "run", operator / "truth", MONTHS[0])
    assert quality is not None and quality["lift"] > 2.0, quality


def _close(a: object, b: object, where: str) -> None:
    """JSON values equal, numbers within 1e-9 (relative): last-bit float noise is not a difference."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _close(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), where
    else:
        assert a == b, where


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    return frame.reset_index(drop=True)


def assert_same_outputs(expected: Path, actual: Path) -> None:
    for name in OUTPUTS:
        left, right = _read(expected / name), _read(actual / name)
        assert list(left.columns) == list(right.columns), name
        assert len(left) == len(right), name
        pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=0, atol=1e-9, obj=name)
    a = json.loads((expected / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((actual / "summary.json").read_text(encoding="utf-8"))
    for key in SECTIONS:
        _close(a.get(key), b.get(key), key)


@pytest.mark.slow
def test_shard_count_changes_no_output(
    operator: Path, one_shard: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    five = _run(operator, tmp_path_factory.mktemp("five") / "run", shards=5)
    assert_same_outputs(one_shard, five)


@pytest.mark.slow
@pytest.mark.spark
def test_spark_gives_the_outputs_of_duckdb(
    operator: Path,
    first_month: Path,
    one_shard: Path,
    tmp_path_factory: pytest.TempPathFactory,
    spark_session: object,
) -> None:
    spark = tmp_path_factory.mktemp("spark") / "run"
    shutil.copytree(first_month, spark)
    run_month(
        operator, MONTHS[1], spark, engine="spark", spark=spark_session, shards=3, config=_config(operator)
    )
    assert_same_outputs(one_shard, spark)
    summary = json.loads((spark / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["engine"] == "spark"

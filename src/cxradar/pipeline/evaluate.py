"""``evaluate_run``: read a run folder and the simulator's truth folder, score the month."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.churn.truth_eval import evaluate_churn_list
from cxradar.errors import UnreadableFileError
from cxradar.identify.truth_eval import evaluate_against_truth

__all__ = ["churn_against_truth", "evaluate_run"]


def _need(path: Path, fix: str) -> Path:
    if not path.is_file():
        raise UnreadableFileError(f"{path} does not exist", fix=fix)
    return path


def _of_month(sat: pd.DataFrame, month: str) -> pd.DataFrame:
    """The rows of truth/satisfaction.parquet for ``month`` (YYYY-MM)."""
    months = pd.to_datetime(sat["month"].astype(str).str.slice(0, 7), format="%Y-%m").dt.strftime("%Y-%m")
    return sat.loc[months == month]


def evaluate_run(run_dir: Path, truth_dir: Path) -> dict[str, Any]:
    """Precision, recall, lift and coverage of the run's month against ``truth_dir/satisfaction.parquet``,
    the model's held-out figures from ``model_report.json``, and - when the run has a churn list and
    the truth runs past its month - the list against ``truth_dir/churn.parquet`` (``churn``; None
    otherwise, :func:`~cxradar.churn.truth_eval.evaluate_churn_list`)."""
    run_dir, truth_dir = Path(run_dir), Path(truth_dir)
    run_fix = f"run 'cxradar run DATA_DIR --month YYYY-MM --out {run_dir}' first"
    summary = json.loads(_need(run_dir / "summary.json", run_fix).read_text(encoding="utf-8"))
    month = summary["month"]
    pool = pd.read_parquet(_need(run_dir / "pool.parquet", run_fix))
    potential = pd.read_parquet(_need(run_dir / "potential_dissatisfied.parquet", run_fix))
    sat = pd.read_parquet(
        _need(truth_dir / "satisfaction.parquet", "pass --truth DATA_DIR/truth from 'cxradar simulate'")
    )
    truth = _of_month(sat, month)
    if truth.empty:
        raise UnreadableFileError(
            f"{truth_dir / 'satisfaction.parquet'} has no rows for {month}",
            fix="evaluate a run whose month the simulation covers",
        )
    result = evaluate_against_truth(pool, potential, truth)
    report = json.loads((run_dir / "model_report.json").read_text(encoding="utf-8"))
    result["month"] = month
    result["model_holdout"] = {
        k: report["holdout"].get(k)
        for k in ("precision", "recall", "f1", "auc", "lift_at_threshold", "top_decile_lift", "brier", "n")
    }
    result["model_holdout_population"] = report.get("holdout_population")
    result["seed_floors"] = report.get("seed_floors")
    result["model_kind"] = summary.get("model_kind")
    result["churn"] = churn_against_truth(run_dir, truth_dir, month, active=truth["msisdn"])
    return result


def churn_against_truth(
    run_dir: Path, truth_dir: Path, month: str, *, active: pd.Series | None = None
) -> dict[str, Any] | None:
    """``RUN_DIR/churn/churners.parquet`` (the list of ``month``) against ``TRUTH/churn.parquet``
    (:func:`~cxradar.churn.truth_eval.evaluate_churn_list`) over the lines the truth has in the
    month (``active``, read from ``TRUTH/satisfaction.parquet`` when not given); None without a
    list, without churn truth, or when the truth ends with the month."""
    listed, churn_truth = Path(run_dir) / "churn" / "churners.parquet", Path(truth_dir) / "churn.parquet"
    if not (listed.is_file() and churn_truth.is_file()):
        return None
    if active is None:
        sat = pd.read_parquet(Path(truth_dir) / "satisfaction.parquet", columns=["msisdn", "month"])
        active = _of_month(sat, month)["msisdn"]
    return evaluate_churn_list(
        pd.read_parquet(listed, columns=["msisdn"])["msisdn"],
        pd.read_parquet(churn_truth, columns=["msisdn", "month"]),
        active,
        month,
    )

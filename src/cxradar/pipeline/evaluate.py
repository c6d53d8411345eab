"""``evaluate_run``: read a run folder and the simulator's truth folder, score the month."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.errors import UnreadableFileError
from cxradar.identify.truth_eval import evaluate_against_truth

__all__ = ["evaluate_run"]


def _need(path: Path, fix: str) -> Path:
    if not path.is_file():
        raise UnreadableFileError(f"{path} does not exist", fix=fix)
    return path


def evaluate_run(run_dir: Path, truth_dir: Path) -> dict[str, Any]:
    """Precision, recall, lift and coverage of the run's month against ``truth_dir/satisfaction.parquet``,
    plus the model's held-out figures from ``model_report.json``."""
    run_dir, truth_dir = Path(run_dir), Path(truth_dir)
    run_fix = f"run 'cxradar run DATA_DIR --month YYYY-MM --out {run_dir}' first"
    summary = json.loads(_need(run_dir / "summary.json", run_fix).read_text(encoding="utf-8"))
    month = summary["month"]
    pool = pd.read_parquet(_need(run_dir / "pool.parquet", run_fix))
    potential = pd.read_parquet(_need(run_dir / "potential_dissatisfied.parquet", run_fix))
    sat = pd.read_parquet(
        _need(truth_dir / "satisfaction.parquet", "pass --truth DATA_DIR/truth from 'cxradar simulate'")
    )
    months = pd.to_datetime(sat["month"].astype(str).str.slice(0, 7), format="%Y-%m").dt.strftime("%Y-%m")
    truth = sat.loc[months == month]
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
    return result

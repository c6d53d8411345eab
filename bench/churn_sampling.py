"""Benchmark: what the churn training sample costs in accuracy, against the full fit (issue 10, item 3).

    .venv/bin/python bench/churn_sampling.py --data /work/data/scale/sim1000000 \\
        --sampled /work/data/scale/snap1000000 --month 2026-09 --out /tmp/churn-full

The monthly run trains churn on at most ``churn.training.max_train_rows`` lines (every churner, the
other lines drawn by a keyed hash and weighted 1/rate; docs/churn.md). This script runs the same
month again with the cap above the number of training lines - the full fit - and scores both
churn lists (``churn/churners.parquet``, the same length) against the simulator's truth: the lines
that churn in the months after the run month that the simulation covers. It prints each list's
precision, its lift over the base rate (truth churners among the subscribers active at the month's
end), the overlap of the two lists, and the full run's wall, CPU and peak memory (process tree).

``--sampled`` is a run folder (or a bench/scale.py snapshot) of the same month with the shipped cap.
Run it alone on the machine; the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cxradar.pipeline import churn_against_truth
from scale import load, run

FULL_CAP = 1_000_000_000  # more than any operator's training lines: every line is fitted


def list_quality(run_dir: Path, data: Path, month: str) -> dict[str, Any]:
    """The run's churn list against the simulator's truth (:func:`cxradar.pipeline.churn_against_truth`)."""
    quality = churn_against_truth(run_dir, data / "truth", month)
    if quality is None:
        raise SystemExit(f"the simulation in {data} has no churn after {month}: pick an earlier --month")
    return quality


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--sampled", type=Path, required=True, help="the month's run with the shipped cap")
    parser.add_argument("--month", default="2026-09")
    parser.add_argument("--out", type=Path, required=True, help="RUN_DIR of the full fit (made fresh)")
    args = parser.parse_args()
    config = args.out.with_suffix(".yaml")
    config.write_text(f"churn:\n  training:\n    max_train_rows: {FULL_CAP}\n", encoding="utf-8")
    print(f"load {load()}")
    full = run(args.data, args.out, args.month, "duckdb", ["--config", str(config)])
    sampled_q = list_quality(args.sampled, args.data, args.month)
    full_q = list_quality(args.out, args.data, args.month)
    a = set(pd.read_parquet(args.sampled / "churn" / "churners.parquet", columns=["msisdn"])["msisdn"])
    b = set(pd.read_parquet(args.out / "churn" / "churners.parquet", columns=["msisdn"])["msisdn"])
    report = json.loads((args.out / "churn" / "churn_report.json").read_text(encoding="utf-8"))
    result = {
        "month": args.month,
        "truth_churners_after": sampled_q["churners_after"],
        "population": sampled_q["population"],
        "base_rate": sampled_q["base_rate"],
        "sampled": sampled_q,
        "full": full_q,
        "lists_overlap": len(a & b) / max(len(a), 1),
        "full_run": {k: full[k] for k in ("wall_s", "cpu_s", "peak_rss_gib", "load", "steps")},
        "full_model": {k: report["model"].get(k) for k in ("n_train", "n_fitted", "churn_rate")},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

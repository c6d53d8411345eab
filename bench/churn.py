"""Churn benchmark: simulator quality figures and the 1,000,000-subscriber scoring time.

    .venv/bin/python bench/churn.py                     # both parts
    .venv/bin/python bench/churn.py --part scoring      # only the 1M scoring timing
    .venv/bin/python bench/churn.py --part simulator --subscribers 100000

Simulator part: simulate N subscribers x 12 months (or reuse --data), run the churn step for the last
month (3-month window; validation trains on as-of months ending 3 months before the test month),
print AUC / Gini / top-decile lift of gbm and logit with and without the satisfaction signals, the
signals' share of contributions, the group-alert evaluation against truth/group_churn.parquet
(as-of months over the whole history) and multi-SIM precision / recall against truth.
Scoring part: fit gbm on the simulator's churn table, replicate its rows to 1,000,000 and time
``score_churn`` with factors (reasons) for every row.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxradar.churn import (
    churn_step,
    evaluate_group_alerts,
    evaluate_multi_sim,
    group_alerts,
    load_churn_config,
    model_columns,
    multi_sim_flags,
    score_churn,
)
from cxradar.features import build_features
from cxradar.models import load_model
from cxradar.months import month_shift
from cxradar.simulate import simulate


def simulator_part(data: Path, run: Path, month: str, kinds: list[str]) -> Path:
    cfg = load_churn_config(training={"kinds": kinds})
    t0 = time.perf_counter()
    report = churn_step(run, data, month, cfg, validate=True)
    print(f"churn step {month}: {time.perf_counter() - t0:.1f} s wall")
    val = report["validation"]
    print(
        f"validation: test as-of {val['test_month']}, train {val['train_months']}, "
        f"n_train {val['n_train']:,}, n_test {val['n_test']:,}, test churn rate {val['test_churn_rate']:.3%}"
    )
    for name, entry in val["models"].items():
        m = entry["metrics"]
        share = entry.get("signal_share", {}).get("total")
        print(
            f"  {name:24s} AUC {m['auc']:.3f}  Gini {m['gini']:.3f}  top-decile lift {m['top_decile_lift']:.2f}  "
            f"Brier {m['brier']:.4f}" + ("" if share is None else f"  signals' share {share:.1%}")
        )
    print("exclusions", json.dumps(report["exclusions"][month], ensure_ascii=False))
    subs = pd.read_parquet(data / "subscribers.parquet")
    usage = pd.read_parquet(data / "usage_monthly.parquet")
    months = sorted(pd.to_datetime(usage["month"]).dt.strftime("%Y-%m").unique())[3:]
    alerts = pd.concat([group_alerts(m, subscribers=subs, usage=usage, settings=cfg.groups) for m in months])
    events = pd.read_parquet(data / "truth" / "group_churn.parquet")
    ev = evaluate_group_alerts(alerts, events, months, horizon=int(cfg.groups["horizon_months"]))
    print(
        f"group alerts (no member probabilities, months {months[0]}..{months[-1]}):",
        {k: v for k, v in ev.items() if k != "per_event"},
    )
    feats = build_features(data, month)
    flags = multi_sim_flags(feats, cfg.multi_sim)
    truth = pd.read_parquet(data / "truth" / "subscribers.parquet")
    print("multi-SIM:", evaluate_multi_sim(flags, feats["msisdn"], truth))
    return run / "churn" / "model.json"


def scoring_part(data: Path, model_path: Path, month: str, n: int, all_factors: bool = False) -> None:
    cfg = load_churn_config()
    model = load_model(model_path)
    feats = pd.read_parquet(next((model_path.parent.parent / "features").glob(f"{month}.parquet")))
    from cxradar.churn.signals import SIGNAL_COLUMNS

    rng = np.random.default_rng(0)
    for c in SIGNAL_COLUMNS:
        if c in model.feature_names_in_ and c not in feats:
            feats[c] = rng.random(len(feats)) if c != "in_pool" else rng.random(len(feats)) < 0.05
    reps = int(np.ceil(n / len(feats)))
    big = pd.concat([feats] * reps, ignore_index=True).iloc[:n]
    big["msisdn"] = (13000000000 + np.arange(n)).astype(str)
    big["label"] = pd.NA
    big["as_of_month"] = month
    assert set(model.feature_names_in_) <= set(model_columns(big, cfg))
    t0 = time.perf_counter()
    churners, _ = score_churn(model, big, cfg)
    print(
        f"scoring {n:,} subscribers, top-3 factors for the listed top 10 % ({len(churners):,}): "
        f"{time.perf_counter() - t0:.1f} s; model {type(model).__name__}"
    )
    if all_factors:
        t0 = time.perf_counter()
        score_churn(model, big, cfg, explain_rows="all")
        print(f"scoring {n:,} subscribers with top-3 factors for every row: {time.perf_counter() - t0:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["all", "simulator", "scoring"], default="all")
    ap.add_argument("--subscribers", type=int, default=50000)
    ap.add_argument("--data", type=Path, default=None, help="reuse a simulated folder")
    ap.add_argument("--run", type=Path, default=None)
    ap.add_argument("--month", default="2026-10")
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--kinds", default="gbm,logit", help="model kinds compared (the first scores)")
    ap.add_argument("--all-factors", action="store_true", help="also time factors for every row")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cxradar-churn-bench-"))
    data = args.data or tmp / "data"
    if args.data is None:
        t0 = time.perf_counter()
        simulate(args.subscribers, 12, 11, data)
        print(f"simulated {args.subscribers:,} x 12 months in {time.perf_counter() - t0:.1f} s")
    run = args.run or tmp / "run"
    model_path = run / "churn" / "model.json"
    if args.part in ("all", "simulator") or not model_path.is_file():
        model_path = simulator_part(data, run, args.month, args.kinds.split(","))
    if args.part in ("all", "scoring"):
        scoring_part(data, model_path, month_shift(args.month, 0), args.n, args.all_factors)


if __name__ == "__main__":
    main()

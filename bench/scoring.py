"""Benchmark: score 1,000,000 subscribers with top-3 reasons for every row - ``logit`` through its
SQL export in DuckDB, and ``gbm`` in Python with LightGBM's TreeSHAP. Prints figures
(docs/performance.md, "Scoring").

    .venv/bin/python bench/scoring.py                    # simulate 30,000 x 4 months, then score
    .venv/bin/python bench/scoring.py --data DIR         # reuse a simulated folder
    .venv/bin/python bench/scoring.py --synthetic        # also the 60-column synthetic stress table

The models are the ones the monthly run fits: the survey-trained identifier (conf/identify.yaml,
shipped model defaults from conf/models.yaml) on the respondents of the last three months; the
scored table is the last month's feature table (118 features) repeated to 1,000,000 rows.
``--synthetic`` adds the older stress case: 56 numeric + 4 categorical columns of noise, 5 %
missing, models fitted on 20,000 rows of it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cxradar.features import build_features
from cxradar.identify import load_identify_config
from cxradar.identify.predicted import train_identifier
from cxradar.models import contribution_aliases, make_model, reasons_from_contributions, to_sql
from cxradar.months import month_shift
from cxradar.simulate import simulate

N_ROWS = 1_000_000


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = {f"num_{i:02d}": rng.normal(size=n).astype("float64") for i in range(56)}
    for i in range(4):
        data[f"cat_{i}"] = rng.choice(["a", "b", "c", "d", "e"], size=n)
    frame = pd.DataFrame(data)
    frame.loc[rng.random(n) < 0.05, "num_00"] = np.nan
    z = frame["num_00"].fillna(0) * 1.0 - frame["num_01"] * 0.7 + (frame["cat_0"] == "a") * 0.8 - 1.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z.to_numpy()))).astype(int)
    return frame, y


def identifier_models(data: Path, month: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """Fit logit and gbm as the monthly run does; return them and the month's feature table."""
    p = load_identify_config().potential
    months = [month_shift(month, -k) for k in range(p.train_window_months - 1, -1, -1)]
    features = {m: build_features(data, m) for m in months}
    surveys = pd.read_parquet(data / "surveys.parquet")
    models = {}
    for kind in ("logit", "gbm"):
        fitted = train_identifier(surveys, features, month, p, kind)
        held = fitted.report["holdout"]
        rounds = f", {fitted.model.n_rounds_} rounds" if kind == "gbm" else ""
        print(
            f"{kind}: trained on {fitted.report['n_train']:,} respondents{rounds}; held-out AUC "
            f"{held['auc']:.3f}, precision {held['precision']:.3f}, recall {held['recall']:.3f}"
        )
        models[kind] = fitted.model
    return models, features[month][fitted.columns]


def time_logit_sql(model: Any, table: pd.DataFrame) -> None:
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.register("features_df", table)
    con.execute("CREATE TABLE features AS SELECT row_number() OVER () AS row_id, * FROM features_df")
    start, cpu = time.perf_counter(), time.process_time()
    scored = con.execute(to_sql(model, "features", id_column="row_id", reasons=True)).df()
    sql_seconds = time.perf_counter() - start
    contrib = scored[list(contribution_aliases(model))].rename(columns=contribution_aliases(model))
    reasons_from_contributions(contrib, table, scored["probability"].to_numpy(), top=3, structured=False)
    print(
        f"  logit via DuckDB SQL: {len(table):,} rows x {table.shape[1]} features: SQL {sql_seconds:.1f} s, "
        f"with top-3 reasons {time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
    )


def time_gbm(model: Any, table: pd.DataFrame) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    contrib = model.contributions(table)
    shap_seconds = time.perf_counter() - start
    proba = model.proba_from_contributions(contrib)
    reasons = reasons_from_contributions(contrib, table, proba, top=3, structured=False)
    print(
        f"  gbm ({model.n_rounds_} rounds of <= {model.num_leaves} leaves): {len(table):,} rows, TreeSHAP "
        f"{shap_seconds:.1f} s; with probabilities and top-3 reasons for every row "
        f"{time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
    )
    print(f"  e.g. {reasons['reasons_en'].iloc[0]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="a simulated data folder to reuse")
    ap.add_argument("--month", default=None, help="the scored month (default: the last simulated)")
    ap.add_argument("--subscribers", type=int, default=30_000)
    ap.add_argument("--n", type=int, default=N_ROWS, help="rows to score")
    ap.add_argument("--synthetic", action="store_true", help="also the synthetic stress table")
    args = ap.parse_args()
    data = args.data
    if data is None:
        data = Path(tempfile.mkdtemp(prefix="cxradar-scoring-bench-")) / "data"
        t0 = time.perf_counter()
        simulate(args.subscribers, 4, 11, data, end_month="2026-10")
        print(f"simulated {args.subscribers:,} x 4 months in {time.perf_counter() - t0:.1f} s")
    month = args.month or str(pd.read_parquet(data / "usage_monthly.parquet")["month"].max())[:7]
    models, table = identifier_models(data, month)
    big = table.iloc[np.arange(args.n) % len(table)].reset_index(drop=True)
    print(f"simulator features as of {month}, {len(table):,} subscribers repeated to {len(big):,} rows:")
    time_logit_sql(models["logit"], big)
    time_gbm(models["gbm"], big)
    if args.synthetic:
        train_X, train_y = synthetic(20_000, 1)
        score_X, _ = synthetic(args.n, 2)
        print("synthetic stress table (56 numeric + 4 categorical columns of noise):")
        time_logit_sql(make_model("logit").fit(train_X, train_y), score_X)
        time_gbm(make_model("gbm").fit(train_X, train_y), score_X)
    print(f"load average now: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()

"""Benchmark: score 1,000,000 rows with top-3 reasons - ``logit`` through its SQL export in
DuckDB, and ``gbm`` in Python with LightGBM's TreeSHAP. Prints figures (docs/performance.md).

Synthetic feature table: 56 numeric and 4 categorical columns, 5 % missing cells; the models are
fitted on 20,000 rows of it.
"""

from __future__ import annotations

import os
import time

import duckdb
import numpy as np
import pandas as pd

from cxradar.models import contribution_aliases, make_model, reasons_from_contributions, to_sql

N_ROWS = 1_000_000
N_NUM = 56


def synthetic(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = {f"num_{i:02d}": rng.normal(size=n).astype("float64") for i in range(N_NUM)}
    for i in range(4):
        data[f"cat_{i}"] = rng.choice(["a", "b", "c", "d", "e"], size=n)
    frame = pd.DataFrame(data)
    frame.loc[rng.random(n) < 0.05, "num_00"] = np.nan
    z = frame["num_00"].fillna(0) * 1.0 - frame["num_01"] * 0.7 + (frame["cat_0"] == "a") * 0.8 - 1.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z.to_numpy()))).astype(int)
    return frame, y


def main() -> None:
    train_X, train_y = synthetic(20_000, 1)
    score_X, _ = synthetic(N_ROWS, 2)
    logit = make_model("logit").fit(train_X, train_y)
    gbm = make_model("gbm", n_estimators=150, learning_rate=0.1, early_stopping_rounds=20).fit(
        train_X, train_y
    )

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.register("features_df", score_X)
    con.execute("CREATE TABLE features AS SELECT row_number() OVER () AS row_id, * FROM features_df")
    start, cpu = time.perf_counter(), time.process_time()
    scored = con.execute(to_sql(logit, "features", id_column="row_id", reasons=True)).df()
    sql_seconds = time.perf_counter() - start
    contrib = scored[list(contribution_aliases(logit))].rename(columns=contribution_aliases(logit))
    reasons = reasons_from_contributions(
        contrib, score_X, scored["probability"].to_numpy(), top=3, structured=False
    )
    logit_seconds = time.perf_counter() - start
    logit_cpu = time.process_time() - cpu
    print(
        f"logit via DuckDB SQL: {N_ROWS:,} rows x {score_X.shape[1]} features: SQL {sql_seconds:.1f} s, "
        f"with top-3 reasons {logit_seconds:.1f} s wall, {logit_cpu:.1f} s CPU ({len(reasons):,} rows)"
    )

    start, cpu = time.perf_counter(), time.process_time()
    proba = gbm.predict_proba(score_X)[:, 1]
    shap = gbm.contributions(score_X)
    reasons = reasons_from_contributions(shap, score_X, proba, top=3, structured=False)
    gbm_seconds = time.perf_counter() - start
    print(
        f"gbm (LightGBM, {gbm.n_rounds_} rounds) in Python: {N_ROWS:,} rows with TreeSHAP top-3 reasons "
        f"{gbm_seconds:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
    )
    print(f"load average now: {os.getloadavg()[0]:.1f} (2 cores)")
    print(reasons.iloc[0].to_dict())


if __name__ == "__main__":
    main()

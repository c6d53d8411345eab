"""Benchmark: the whole monthly cycle at operator scale, on DuckDB and on Spark ``local[2]``.

    .venv/bin/python bench/scale.py                                  # 1M, 5M, 20M DuckDB; 1M, 5M Spark
    .venv/bin/python bench/scale.py --sizes 1000000 --spark-sizes '' # one size, DuckDB only
    .venv/bin/python bench/scale.py --sizes 200000 --spark-sizes 200000 --root /tmp/scale
    .venv/bin/python bench/scale.py --sizes "" --spark-sizes 1000000 --spark-against-kept --root R

For each size the script simulates the operator once (``cxradar simulate``, 6 months; kept under
--root and reused while its manifest matches), then runs, each in a child process:

* DuckDB, a fresh RUN_DIR: month M-1 (``fresh``; validation, a 2-month pool warm-up, features of
  six as-of months, everything), then month M in the same RUN_DIR (``next``: validation and five
  months of features reused);
* Spark ``local[2]``: month M-1 in a fresh RUN_DIR, whose outputs are compared with DuckDB's;
* at every size, the fresh month's churn list against the simulator's truth (precision, lift);
* at the smallest size: the pandas baseline of one month's features (bench/features.py) against the
  features step, and the run scored against the simulator's truth (``cxradar evaluate``).

Wall time, CPU time and peak resident memory are those of the child's whole process tree (the
Spark JVM and the shard workers included), sampled with psutil every 0.2 s. Run it alone on the
machine; the load average is printed beside every figure. Figures go into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

from cxradar.pipeline import churn_against_truth

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent
CLI = [sys.executable, "-m", "cxradar"]
MONTHS = ("2026-09", "2026-10")
COMPARED = (
    "pool.parquet",
    "potential_dissatisfied.parquet",
    "care/2026-09/care_selected.parquet",
    "care/2026-09/care_plan.parquet",
    "churn/churners.parquet",
    "churn/group_alerts.parquet",
)


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def measured(command: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``command``; wall, CPU and peak RSS of its whole process tree."""
    started = time.perf_counter()
    before = os.times()
    proc = psutil.Popen(
        command, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    peak, cpu_live = 0, 0.0
    seen: dict[int, float] = {}
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            tree = [proc]
        rss = 0
        for p in tree:
            try:
                rss += p.memory_info().rss
                t = p.cpu_times()
                seen[p.pid] = t.user + t.system
            except psutil.Error:
                continue
        peak = max(peak, rss)
        time.sleep(0.2)
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    after = os.times()
    cpu_live = sum(seen.values())
    cpu_reaped = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return {
        "rc": proc.returncode,
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(max(cpu_live, cpu_reaped), 1),
        "peak_rss_gib": round(peak / 2**30, 2),
        "load": load(),
        "output": output[-3000:],
    }


def simulate(n: int, root: Path) -> Path:
    data = root / f"sim{n}"
    manifest = data / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text()).get("subscribers") == n:
        return data
    shutil.rmtree(data, ignore_errors=True)
    result = measured(
        [*CLI, "simulate", "--subscribers", str(n), "--months", "6", "--seed", "1", "--out", str(data)]
    )
    print(
        f"  simulate {n:,}: {result['wall_s']} s, peak {result['peak_rss_gib']} GiB (load {result['load']})"
    )
    if result["rc"]:
        raise SystemExit(result["output"])
    return data


def run(data: Path, run_dir: Path, month: str, engine: str, extra: list[str] | None = None) -> dict[str, Any]:
    command = [*CLI, "run", str(data), "--month", month, "--out", str(run_dir), "--engine", engine, "--json"]
    result = measured(command + (extra or []))
    if result["rc"]:
        print(result["output"])
        raise SystemExit(f"{engine} run of {month} failed")
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    result["steps"] = {s["step"]: s["wall_s"] for s in summary["run"]["steps"]}
    result["model"] = {k: summary["model"].get(k) for k in ("precision", "recall", "auc")}
    result["churn_sampling"] = (summary.get("churn") or {}).get("model", {}).get("sampling")
    del result["output"]
    return result


def compare(a: Path, b: Path) -> dict[str, str]:
    out = {}
    for name in COMPARED:
        left, right = pd.read_parquet(a / name), pd.read_parquet(b / name)
        try:
            pd.testing.assert_frame_equal(
                left.reset_index(drop=True),
                right.reset_index(drop=True),
                check_dtype=False,
                rtol=0,
                atol=1e-9,
            )
            out[name] = f"equal ({len(left):,} rows)"
        except AssertionError as error:
            out[name] = "DIFFERENT: " + str(error).splitlines()[0]
    return out


def snapshot(run_dir: Path, into: Path) -> None:
    shutil.rmtree(into, ignore_errors=True)
    for name in COMPARED:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = run_dir / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,5000000,20000000")
    parser.add_argument("--spark-sizes", default="1000000,5000000")
    parser.add_argument("--root", type=Path, default=REPO / "bench" / "out" / "scale")
    parser.add_argument("--keep", action="store_true", help="keep the run folders")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the pandas features baseline (23 GiB at 1M)"
    )
    parser.add_argument(
        "--spark-against-kept",
        action="store_true",
        help="Spark sizes only: compare with the DuckDB snapshot kept under --root by an earlier "
        "--keep run (same code, same data) instead of running DuckDB again; figures are merged "
        "into scale.json",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    spark_sizes = [int(s) for s in args.spark_sizes.split(",") if s]
    smallest = min(sizes) if sizes else None
    args.root.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; load {load()}")
    out = args.root / "scale.json"
    results: dict[str, Any] = json.loads(out.read_text()) if args.spark_against_kept and out.is_file() else {}
    for n in sorted(set(sizes) | set(spark_sizes)):
        data = simulate(n, args.root)
        entry: dict[str, Any] = results.get(str(n), {}) if args.spark_against_kept else {}
        duck = args.root / f"run{n}-duckdb"
        if args.spark_against_kept:
            if n not in spark_sizes or not (args.root / f"snap{n}").is_dir():
                raise SystemExit(f"--spark-against-kept: no kept DuckDB snapshot {args.root / f'snap{n}'}")
        elif n in sizes or n in spark_sizes:
            shutil.rmtree(duck, ignore_errors=True)
            entry["duckdb_fresh"] = run(data, duck, MONTHS[0], "duckdb")
            print(f"  {n:,} duckdb fresh {MONTHS[0]}: {_line(entry['duckdb_fresh'])}")
            snapshot(duck, args.root / f"snap{n}")
            entry["churn_vs_truth"] = churn_against_truth(duck, data / "truth", MONTHS[0])
            print(f"  {n:,} churn list of {MONTHS[0]} against truth: {entry['churn_vs_truth']}")
            entry["duckdb_next"] = run(data, duck, MONTHS[1], "duckdb")
            print(f"  {n:,} duckdb next  {MONTHS[1]}: {_line(entry['duckdb_next'])}")
            if n == smallest:
                entry["evaluation"] = _evaluate(duck, data)
                print(f"  {n:,} against truth: {entry['evaluation']}")
        if n in spark_sizes:
            spark = args.root / f"run{n}-spark"
            shutil.rmtree(spark, ignore_errors=True)
            entry["spark_fresh"] = run(data, spark, MONTHS[0], "spark", ["--spark-master", "local[2]"])
            print(f"  {n:,} spark  fresh {MONTHS[0]}: {_line(entry['spark_fresh'])}")
            entry["spark_vs_duckdb"] = compare(args.root / f"snap{n}", spark)
            print(f"  {n:,} spark vs duckdb: {entry['spark_vs_duckdb']}")
            if not args.keep:
                shutil.rmtree(spark, ignore_errors=True)
        if n == smallest and not args.spark_against_kept and not args.no_baseline:
            entry["features_vs_pandas"] = _pandas_baseline(duck, data)
            print(f"  {n:,} features vs pandas: {entry['features_vs_pandas']}")
        if not args.keep and not args.spark_against_kept:
            shutil.rmtree(duck, ignore_errors=True)
        results[str(n)] = entry
    out.write_text(json.dumps(results, indent=2))
    print(f"figures in {out}")


def _line(result: dict[str, Any]) -> str:
    steps = ", ".join(f"{k} {v:.0f}" for k, v in result["steps"].items())
    return (
        f"{result['wall_s']:.0f} s wall, {result['cpu_s']:.0f} s CPU, peak {result['peak_rss_gib']} GiB "
        f"(load {result['load']}); steps: {steps}"
    )


def _evaluate(run_dir: Path, data: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [*CLI, "evaluate", str(run_dir), "--truth", str(data / "truth"), "--json"],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        return {"error": proc.stderr[-500:]}
    result = json.loads(proc.stdout)
    return {
        "holdout_precision": result["model_holdout"]["precision"],
        "holdout_recall": result["model_holdout"]["recall"],
        "potential_lift": result["potential"]["lift"],
        "coverage": result["coverage"],
    }


def _pandas_baseline(run_dir: Path, data: Path) -> dict[str, Any]:
    script = HERE.parent / "features.py"
    probe = [
        sys.executable,
        "-c",
        f"import sys; sys.path.insert(0, {str(script.parent)!r}); "
        f"import features, pathlib; features.pandas_features(pathlib.Path({str(data)!r}), '2026-10')",
    ]
    pandas = measured(probe)
    return {
        "pandas_one_month_wall_s": pandas["wall_s"],
        "pandas_peak_gib": pandas["peak_rss_gib"],
        "load": pandas["load"],
    }


if __name__ == "__main__":
    main()

"""Benchmark of the CSI path model on the ECSI mobi survey (250 respondents, 24 items, 7 constructs).

Prints: one fit (median of 200), a 5,000-resample bootstrap (percentile intervals for every path,
total effect, weight, loading, R², HTMT and index), the same with BCa intervals (adds a 250-fit
jackknife), and the whole ``cxradar csi ... --bootstrap 5000 --json`` command end to end.

Run: ``.venv/bin/python bench/csi.py`` (needs ../shared/data/ecsi-mobi).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from cxradar.csi import PLSPathModel, load_model_spec

ROOT = Path(__file__).resolve().parents[1]
MOBI = ROOT.parent / "shared" / "data" / "ecsi-mobi" / "mobi.csv"


def main() -> None:
    frame = pd.read_csv(MOBI)
    spec = load_model_spec("ecsi")
    times = []
    for _ in range(200):
        started = time.perf_counter()
        PLSPathModel(model=spec).fit(frame)
        times.append(time.perf_counter() - started)
    print(f"fit (ECSI on mobi, median of 200): {1000 * statistics.median(times):.2f} ms")
    model = PLSPathModel(model=spec).fit(frame)
    for method in ("percentile", "bca"):
        best = min(_timed(lambda m=method: model.bootstrap(n=5000, seed=1, method=m)) for _ in range(3))
        rows = len(model.bootstrap_.table)
        print(f"bootstrap 5000 resamples, {method} intervals for {rows} estimates (best of 3): {best:.2f} s")
    command = [
        sys.executable,
        "-m",
        "cxradar",
        "csi",
        str(MOBI),
        "--model",
        "ecsi",
        "--bootstrap",
        "5000",
        "--json",
    ]
    best = min(_timed(lambda: subprocess.run(command, check=True, capture_output=True)) for _ in range(3))
    print(f"cxradar csi mobi.csv --model ecsi --bootstrap 5000 --json, end to end (best of 3): {best:.2f} s")


def _timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

"""Benchmark of ``validate_dir`` on a simulated operator (default 1M subscribers x 6 months).

Prints the rows per table, the wall time of validation and the peak resident memory of the
validating process (measured in a child process so the simulation does not count), plus the
same for the tables re-written as UTF-8 CSV when ``--csv`` is given.

Run: ``.venv/bin/python bench/validate.py [--subscribers 1000000] [--months 6] [--data DIR] [--csv]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from cxradar.contract import validate_dir
t = time.perf_counter()
r = validate_dir(Path(sys.argv[1]), Path(sys.argv[2]), as_of=date(2026, 11, 30))
took = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_SELF)
peak, cpu = use.ru_maxrss / 1024 / 1024, use.ru_utime + use.ru_stime
print(json.dumps({"seconds": took, "cpu_seconds": cpu, "usable": r.usable, "peak_gib": peak,
                  "tables": {n: [t.rows_in, t.accepted, t.quarantined] for n, t in r.tables.items()}}))
"""


def _run_child(data: Path, out: Path) -> tuple[dict[str, object], float]:
    """Validate in a fresh process; its own peak RSS (ru_maxrss, KiB on Linux) in GiB."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data), str(out)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result, float(result["peak_gib"])


def _to_csv(data: Path, target: Path) -> None:
    import duckdb

    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    for path in sorted(data.glob("*.parquet")):
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{path}')) TO '{target / (path.stem + '.csv')}' (HEADER)"
        )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--data", type=Path, help="validate this folder instead of simulating one")
    parser.add_argument("--csv", action="store_true", help="also time the same tables as CSV")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="cxradar-bench-validate-"))
    try:
        data = args.data
        if data is None:
            data = scratch / "data"
            t = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from pathlib import Path; from cxradar.simulate import simulate; "
                    "simulate(int(sys.argv[1]), int(sys.argv[2]), 1, Path(sys.argv[3]))",
                    str(args.subscribers),
                    str(args.months),
                    str(data),
                ],
                check=True,
            )
            print(
                f"simulated {args.subscribers:,} subscribers x {args.months} months "
                f"in {time.perf_counter() - t:.1f} s"
            )
        result, peak = _run_child(data, scratch / "out-parquet")
        tables = result["tables"]
        assert isinstance(tables, dict)
        for name, (rows_in, accepted, quarantined) in tables.items():
            print(
                f"  {name:<18} rows in {rows_in:>12,}  accepted {accepted:>12,}  quarant. {quarantined:>7,}"
            )
        total = sum(v[0] for v in tables.values())
        print(
            f"validate_dir (Parquet): {result['seconds']:.1f} s for {total:,} rows, "
            f"CPU {result['cpu_seconds']:.1f} s (process, all threads), peak RSS {peak:.2f} GiB, "
            f"usable={result['usable']}"
        )
        if args.csv:
            _to_csv(data, scratch / "csv")
            result, peak = _run_child(scratch / "csv", scratch / "out-csv")
            print(
                f"validate_dir (CSV):     {result['seconds']:.1f} s, CPU {result['cpu_seconds']:.1f} s, "
                f"peak RSS {peak:.2f} GiB"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

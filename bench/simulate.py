"""Benchmark the operator simulator: wall time, peak memory and rows written.

    .venv/bin/python bench/simulate.py            # 1M subscribers x 6 months
    .venv/bin/python bench/simulate.py --big      # also 5M x 6
    .venv/bin/python bench/simulate.py --subscribers 50000

Each run happens in a fresh child process so its peak RSS (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cxradar.simulate import simulate
n, months, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
t0 = time.perf_counter()
manifest = simulate(n, months, 1, out)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
size = sum(p.stat().st_size for p in out.rglob("*.parquet")) / 1024 / 1024
print(json.dumps({"seconds": seconds, "peak_gib": peak, "mb_on_disk": size,
                  "rows": sum(manifest["tables"].values()), "truth_rows": sum(manifest["truth"].values())}))
"""


def run(n: int, months: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, str(n), str(months), tmp],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--big", action="store_true", help="also run 5M x 6")
    args = parser.parse_args()
    sizes = [args.subscribers] + ([5_000_000] if args.big else [])
    print(
        f"{'subscribers':>12} {'months':>6} {'seconds':>8} {'peak GiB':>9} {'MB on disk':>10} "
        f"{'table rows':>12} {'truth rows':>12} {'subs/s':>9}"
    )
    for n in sizes:
        started = time.perf_counter()
        r = run(n, args.months)
        print(
            f"{n:>12,} {args.months:>6} {r['seconds']:>8.1f} {r['peak_gib']:>9.2f} {r['mb_on_disk']:>10.0f} "
            f"{r['rows']:>12,} {r['truth_rows']:>12,} {n / r['seconds']:>9,.0f}",
            flush=True,
        )
        del started
    print(
        f"(parent peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
        f"machine: {Path('/proc/cpuinfo').read_text().count('processor')} cores)"
    )


if __name__ == "__main__":
    main()

"""Does the staff ranking find the truly weak halls and agents? Figures on the simulator.

Simulates an operator (default 20,000 subscribers, 6 months), builds the internal satisfaction of
every staffed contact, ranks halls and agents over the report window (conf/staff.yaml: 3 months)
with empirical-Bayes shrinkage and with raw means, and prints, against the simulator's truth:
Spearman between estimated and true quality and the precision of the bottom-10 % list - over the
units with enough data (the report's ranking) and over every unit (a pivot table of raw means ranks
them all). Issue 15's floors at 200,000 subscribers: Spearman >= 0.8, bottom-10 % precision >= 0.7,
shrinkage beating raw means on both.

    .venv/bin/python bench/staff.py --subscribers 200000 --seeds 1 2 3 4 5

With several seeds it prints each seed's figures and their mean (the bottom list of ~80 halls is
8 halls, so one hall moves precision by 0.125: compare methods over seeds, not on one).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from cxradar.simulate import simulate
from cxradar.staff import load_staff_tables, ranking_recovery
from cxradar.staff.config import StaffConfig, load_staff_config
from cxradar.staff.league import league_from_stats
from cxradar.staff.report import months_up_to
from cxradar.staff.sums import staff_connection, unit_stats_from_sums, unit_sums


def one_seed(subscribers: int, seed: int, config: StaffConfig) -> dict[tuple[str, str], dict[str, float]]:
    """Simulate, rank halls and agents from the report's DuckDB sums, score against the truth."""
    with tempfile.TemporaryDirectory(prefix="cxradar-bench-staff-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        manifest = simulate(subscribers, 6, seed, root)
        simulated = time.perf_counter() - started
        started = time.perf_counter()
        tables = load_staff_tables(root)
        window = months_up_to(manifest["end_month"], config.window_months)
        con = staff_connection(tables, config)
        halls, _ = league_from_stats(
            unit_stats_from_sums(unit_sums(con, ["hall_id"], config, months=window), ["hall_id"]),
            "hall_id",
            config,
            config.hall_target,
        )
        agents, _ = league_from_stats(
            unit_stats_from_sums(unit_sums(con, ["agent_id"], config, months=window), ["agent_id"]),
            "agent_id",
            config,
            7.8,
        )
        con.close()
        ranked = time.perf_counter() - started
        print(
            f"seed {seed}: simulate {simulated:.1f} s, load, sum and rank {ranked:.1f} s; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        out = {}
        for name, table, truth, key in (
            ("halls", halls, pd.read_parquet(root / "truth/halls.parquet"), "hall_id"),
            ("agents", agents, pd.read_parquet(root / "truth/staff.parquet"), "agent_id"),
        ):
            for label, min_n in (("enough data", None), ("every unit", 1)):
                out[(name, label)] = ranking_recovery(table, truth, key, config.bottom_share, min_n=min_n)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1], help="simulator seeds (e.g. 1 2 3 4 5)")
    args = parser.parse_args()
    config = load_staff_config()
    results = {seed: one_seed(args.subscribers, seed, config) for seed in args.seeds}
    print(f"staff bench: {args.subscribers:,} subscribers x 6 months; window {config.window_months} months")
    header = f"{'units':<8}{'set':<14}{'seed':>6}{'n':>6}{'Spearman shrunk':>17}{'raw':>8}{'bottom-10% shrunk':>19}{'raw':>8}"
    print(header)
    figures = ("spearman_shrunk", "spearman_raw", "bottom_precision_shrunk", "bottom_precision_raw")
    for group in results[args.seeds[0]]:
        rows = [(str(seed), results[seed][group]) for seed in args.seeds]
        if len(rows) > 1:
            mean = {f: sum(r[f] for _, r in rows) / len(rows) for f in ("units", *figures)}
            rows.append(("mean", mean))
        for seed_label, r in rows:
            print(
                f"{group[0]:<8}{group[1]:<14}{seed_label:>6}{r['units']:>6.0f}{r['spearman_shrunk']:>17.3f}"
                f"{r['spearman_raw']:>8.3f}{r['bottom_precision_shrunk']:>19.3f}{r['bottom_precision_raw']:>8.3f}"
            )


if __name__ == "__main__":
    main()

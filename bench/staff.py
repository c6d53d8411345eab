"""Does the staff ranking find the truly weak halls and agents? Figures on the simulator.

Simulates an operator (default 20,000 subscribers, 6 months), builds the internal satisfaction of
every staffed contact, ranks halls and agents over the report window (conf/staff.yaml: 3 months)
with empirical-Bayes shrinkage and with raw means, and prints, against the simulator's truth:
Spearman between estimated and true quality and the precision of the bottom-10 % list - over the
units with enough data (the report's ranking) and over every unit (a pivot table of raw means ranks
them all). Issue 15's floors at 200,000 subscribers: Spearman >= 0.8, bottom-10 % precision >= 0.7,
shrinkage beating raw means on both.

    .venv/bin/python bench/staff.py --subscribers 200000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from cxradar.simulate import simulate
from cxradar.staff import contact_scores, league, ranking_recovery
from cxradar.staff.config import load_staff_config
from cxradar.staff.report import months_up_to


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    config = load_staff_config()
    with tempfile.TemporaryDirectory(prefix="cxradar-bench-staff-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        manifest = simulate(args.subscribers, 6, args.seed, root)
        simulated = time.perf_counter() - started

        def read(name: str) -> pd.DataFrame:
            return pd.read_parquet(root / f"{name}.parquet")

        started = time.perf_counter()
        scores = contact_scores(read("contacts"), read("followups"), read("staff"), config)
        window = scores.loc[scores["month"].isin(months_up_to(manifest["end_month"], config.window_months))]
        halls, _ = league(window, "hall_id", config, config.hall_target)
        agents, _ = league(window.dropna(subset=["agent_id"]), "agent_id", config, 7.8)
        ranked = time.perf_counter() - started
        print(
            f"staff bench: {args.subscribers:,} subscribers x 6 months, seed {args.seed}; window "
            f"{config.window_months} months; simulate {simulated:.1f} s, score and rank {ranked:.1f} s; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        print(f"scored contacts in the window: {int(window['score'].notna().sum()):,}")
        header = f"{'units':<8}{'set':<14}{'n':>6}{'Spearman shrunk':>17}{'raw':>8}{'bottom-10% shrunk':>19}{'raw':>8}"
        print(header)
        for name, table, truth, key in (
            ("halls", halls, read("truth/halls"), "hall_id"),
            ("agents", agents, read("truth/staff"), "agent_id"),
        ):
            for label, min_n in (("enough data", None), ("every unit", 1)):
                r = ranking_recovery(table, truth, key, config.bottom_share, min_n=min_n)
                print(
                    f"{name:<8}{label:<14}{int(r['units']):>6}{r['spearman_shrunk']:>17.3f}{r['spearman_raw']:>8.3f}"
                    f"{r['bottom_precision_shrunk']:>19.3f}{r['bottom_precision_raw']:>8.3f}"
                )


if __name__ == "__main__":
    main()

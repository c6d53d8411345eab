"""Does the staff ranking find the truly weak halls and agents? Figures on the simulator.

Simulates an operator (default 20,000 subscribers, 6 months), builds the internal satisfaction of
every staffed contact, ranks halls and agents over the report window (conf/staff.yaml: 3 months)
with empirical-Bayes shrinkage and with raw means, and prints, against the simulator's truth:
Spearman between estimated and true quality and the precision of the bottom-10 % list - over the
units with enough data (the report's ranking) and over every unit (a pivot table of raw means ranks
them all) - and, for the halls with enough data, the same figures of the examined alternative, a
two-group normal mixture prior (:mod:`cxradar.staff.mixture`: its posterior mean and its
probability of the weak group). Issue 15's floors at 200,000 subscribers: Spearman >= 0.8, bottom-10 % precision >= 0.7,
shrinkage beating raw means on both.

    .venv/bin/python bench/staff.py --subscribers 200000 --seeds 1 2 3 4 5

With several seeds it prints each seed's figures and their mean (the bottom list of ~80 halls is
8 halls, so one hall moves precision by 0.125: compare methods over seeds, not on one).

``--replicates R`` adds the expected-recovery study (:mod:`cxradar.staff.headroom`): per seed the
halls with enough data keep their true mean on the score scale (the observed raw means regressed on
the true quality, ``a + b * quality``) and their sampling variance ``sigma_w^2 / n``, and R fresh
draws of sampling noise give each ordering's *expected* bottom-10 % precision and Spearman - raw
means, the report's shrunk estimate and two oracle orderings that know the true prior (the bound
of any estimator fitted from data):

    .venv/bin/python bench/staff.py --subscribers 200000 --seeds 1 2 3 4 5 6 7 8 9 10 --replicates 200
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxradar.simulate import simulate
from cxradar.staff import load_staff_tables, ranking_recovery
from cxradar.staff.config import StaffConfig, load_staff_config
from cxradar.staff.headroom import ORDERINGS, expected_recovery
from cxradar.staff.league import league_from_stats
from cxradar.staff.mixture import fit_mixture_prior
from cxradar.staff.report import months_up_to
from cxradar.staff.sums import staff_connection, unit_stats_from_sums, unit_sums


def headroom(
    halls: pd.DataFrame,
    truth: pd.DataFrame,
    sigma2_within: float,
    config: StaffConfig,
    replicates: int,
    seed: int,
) -> dict[str, dict[str, float]]:
    """Expected recovery of the ranked halls over fresh sampling noise (module docstring)."""
    ranked = halls.loc[halls["enough_data"]].merge(truth[["hall_id", "quality"]], on="hall_id")
    slope, intercept = np.polyfit(ranked["quality"], ranked["raw_mean"], 1)
    theta = intercept + slope * ranked["quality"].to_numpy()
    s2 = sigma2_within / ranked["n"].to_numpy(dtype=float)
    return expected_recovery(theta, s2, bottom_share=config.bottom_share, replicates=replicates, seed=seed)


def mixture_tables(halls: pd.DataFrame, sigma2_within: float) -> tuple[dict[str, pd.DataFrame], bool]:
    """The ranked halls with ``estimate`` replaced by the two-group mixture prior's posterior mean
    and by minus its probability of the weak group (:mod:`cxradar.staff.mixture`), and whether BIC
    prefers the two groups to one normal prior."""
    ranked = halls.loc[halls["enough_data"]].copy()
    fit = fit_mixture_prior(ranked["raw_mean"].to_numpy(), sigma2_within / ranked["n"].to_numpy(dtype=float))
    tables = {
        "mixture mean": ranked.assign(estimate=fit.posterior_mean),
        "mixture P(weak)": ranked.assign(estimate=-fit.posterior_low_group),
    }
    return tables, fit.bic < fit.bic_one_normal


def one_seed(
    subscribers: int, seed: int, config: StaffConfig, replicates: int = 0
) -> tuple[dict[tuple[str, str], dict[str, float]], dict[str, dict[str, float]]]:
    """Simulate, rank halls and agents from the report's DuckDB sums, score against the truth;
    with ``replicates``, the halls' expected recovery too."""
    with tempfile.TemporaryDirectory(prefix="cxradar-bench-staff-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        manifest = simulate(subscribers, 6, seed, root)
        simulated = time.perf_counter() - started
        started = time.perf_counter()
        tables = load_staff_tables(root)
        window = months_up_to(manifest["end_month"], config.window_months)
        con = staff_connection(tables, config)
        halls, hall_prior = league_from_stats(
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
        hall_truth = pd.read_parquet(root / "truth/halls.parquet")
        expected = (
            headroom(halls, hall_truth, hall_prior["sigma2_within"], config, replicates, seed)
            if replicates
            else {}
        )
        for name, table, truth, key in (
            ("halls", halls, hall_truth, "hall_id"),
            ("agents", agents, pd.read_parquet(root / "truth/staff.parquet"), "agent_id"),
        ):
            for label, min_n in (("enough data", None), ("every unit", 1)):
                out[(name, label)] = ranking_recovery(table, truth, key, config.bottom_share, min_n=min_n)
        mixtures, two_groups = mixture_tables(halls, hall_prior["sigma2_within"])
        for label, table in mixtures.items():
            out[("halls", label)] = ranking_recovery(table, hall_truth, "hall_id", config.bottom_share)
            out[("halls", label)]["bic_two_groups"] = float(two_groups)
        return out, expected


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1], help="simulator seeds (e.g. 1 2 3 4 5)")
    parser.add_argument(
        "--replicates",
        type=int,
        default=0,
        help="draws of sampling noise for the expected-recovery study (e.g. 200)",
    )
    args = parser.parse_args()
    config = load_staff_config()
    started = os.getloadavg()[0]
    both = {seed: one_seed(args.subscribers, seed, config, args.replicates) for seed in args.seeds}
    results = {seed: found for seed, (found, _expected) in both.items()}
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
    preferred = sum(results[seed][("halls", "mixture mean")]["bic_two_groups"] for seed in args.seeds)
    print(
        "(the 'mixture' rows: halls with enough data ranked by the two-group mixture prior in the 'shrunk' "
        f"columns; BIC prefers two groups to one normal prior on {preferred:.0f} of {len(args.seeds)} seeds)"
    )
    if args.replicates:
        print(
            f"expected recovery of the halls with enough data over {args.replicates} draws of sampling noise "
            "(true means and sizes fixed), mean over seeds:"
        )
        print(f"{'ordering':<16}{'bottom-10% precision':>22}{'sd of one draw':>16}{'Spearman':>10}")
        for name in ORDERINGS:
            found = [both[seed][1][name] for seed in args.seeds]
            print(
                f"{name:<16}{np.mean([f['precision'] for f in found]):>22.3f}"
                f"{np.mean([f['precision_sd'] for f in found]):>16.3f}{np.mean([f['spearman'] for f in found]):>10.3f}"
            )
    print(f"load average {started:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()

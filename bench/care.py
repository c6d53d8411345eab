"""Benchmark: assign care to 1,000,000 flagged customers with every policy, then design the campaign.

Prints the figures recorded in docs/performance.md ("Care"). The flagged table is synthetic but
shaped like potential_dissatisfied.parquet; the policies bind: a care history of 300,000 rows and
200,000 outbound contacts (fatigue), 50,000 numbers on the do-not-disturb list, and outbound
capacity of 3,000 a day. ``--floors`` also measures the issue's simulator floors (interval
coverage over repeated campaigns; uplift vs risk selection) on a 20,000-subscriber operator.

    .venv/bin/python bench/care.py [--n 1000000] [--floors]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from cxradar.campaigns.design import design_campaign
from cxradar.care.assign import assign_care
from cxradar.care.lists import channel_lists
from cxradar.care.policies import load_policies
from cxradar.care.rules import apply_rules, load_rules

AS_OF = pd.Timestamp("2026-11-01 09:00")


def flagged_table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = np.array(["silent", "incident_hit", "model_predicted", "silent;model_predicted",
                      "incident_hit;model_predicted", "explicit"])  # fmt: skip
    return pd.DataFrame(
        {
            "msisdn": pd.Series((13_000_000_000 + rng.permutation(n)).astype(str), dtype="string"),
            "kinds": kinds[rng.choice(6, n, p=[0.3, 0.15, 0.2, 0.15, 0.1, 0.1])],
            "probability": rng.random(n),
            "cause": np.array(["network", "billing", "service", "value", "unknown"])[rng.integers(0, 5, n)],
            "segment": np.array(["high_end", "data", "enterprise", "mass"])[
                rng.choice(4, n, p=[0.12, 0.25, 0.13, 0.5])
            ],
            "value": rng.gamma(2.0, 40.0, n),
            "contact_complete": rng.random(n) < 0.9,
            "reasons_en": "model risk 80 %",
            "reasons_zh": "模型预测不满意概率80%",
        }
    )


def bench_assign(n: int) -> None:
    flagged = flagged_table(n)
    rng = np.random.default_rng(1)
    ids = flagged["msisdn"].to_numpy()
    history = pd.DataFrame(
        {
            "msisdn": rng.choice(ids, 300_000),
            "assigned_at": AS_OF - pd.to_timedelta(rng.integers(1, 120, 300_000), unit="D"),
            "delivered_at": pd.NaT,
            "channel": rng.choice(["outbound", "sms", "app", "hotline"], 300_000),
            "strategy": rng.choice(["proactive_outreach", "targeted_remedy", "wait_for_contact"], 300_000),
            "group": rng.choice(["treatment", "control"], 300_000, p=[0.9, 0.1]),
        }
    )
    contacts = pd.DataFrame(
        {
            "msisdn": rng.choice(ids, 200_000),
            "at": AS_OF - pd.to_timedelta(rng.integers(1, 90 * 24, 200_000), unit="h"),
            "channel": "outbound",
        }
    )
    dnd = pd.Series(rng.choice(ids, 50_000, replace=False))
    rules, policies = load_rules(), load_policies()
    start = time.perf_counter()
    result = assign_care(
        flagged, as_of=AS_OF, rules=rules, policies=policies, care_history=history, contacts=contacts, dnd=dnd
    )
    assign_s = time.perf_counter() - start
    start = time.perf_counter()
    _, plan, design = design_campaign(result.selected, campaign="bench", assigned_at=AS_OF, seed=0)
    design_s = time.perf_counter() - start
    start = time.perf_counter()
    lists = channel_lists(plan, id_mode="mask")
    lists_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"flagged customers                 {n:>12,}")
    print(f"assign (rules + all policies)     {assign_s:>11.1f} s  (floor: 30 s)")
    print(f"  moved to wait-for-contact       {result.summary['moved_by_reason']}")
    print(f"  left out (no care) by reason    {result.summary['left_out_by_reason']}")
    print(f"  by strategy                     {result.summary['by_strategy']}")
    print(
        f"design (power + stratified split) {design_s:>11.1f} s  control share {design['control_share']:.3f}"
    )
    print(f"channel lists (masked), in memory {lists_s:>11.1f} s  {len(lists)} lists")
    print(f"peak RSS                          {peak:>11.0f} MiB")


def bench_floors() -> None:
    from cxradar.campaigns.stats import effect_on_treated
    from cxradar.campaigns.uplift import XLearner, uplift_features
    from cxradar.care.policies import expected_value
    from cxradar.simulate import respond_to_care, simulate

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "sim"
        simulate(20_000, 3, 5, data)
        month = pd.Timestamp("2026-10-01")
        sat = pd.read_parquet(data / "truth" / "satisfaction.parquet")
        sat = sat.loc[pd.to_datetime(sat["month"]) == month]
        subs = pd.read_parquet(
            data / "subscribers.parquet", columns=["msisdn", "segment", "contact_complete"]
        )
        usage = pd.read_parquet(data / "usage_monthly.parquet", columns=["msisdn", "month", "spend"])
        usage = usage.loc[pd.to_datetime(usage["month"]) == month]
        df = sat.merge(subs, on="msisdn").merge(usage[["msisdn", "spend"]], on="msisdn")
        rng = np.random.default_rng(0)
        n = len(df)
        df["value"] = df["spend"]
        df["probability"] = 1 / (1 + np.exp(-1.2 * (6.5 - df["satisfaction"] + rng.normal(0, 1.0, n))))
        true_cause = df["primary_cause"].replace({"none": "unknown"}).to_numpy()
        causes = np.array(["network", "billing", "service", "value", "unknown"])
        df["cause"] = np.where(rng.random(n) < 0.6, true_cause, rng.choice(causes, n))
        df["kinds"] = np.where(rng.random(n) < 0.5, "silent;model_predicted", "model_predicted")
        cols = ["msisdn", "kinds", "probability", "cause", "segment", "value", "contact_complete"]
        decided = apply_rules(df[cols], load_rules())
        covered = []
        for b in range(30):
            plans = []
            for r in range(5):
                sample = decided.sample(600, random_state=int(rng.integers(1 << 31)))
                plans.append(
                    design_campaign(sample, campaign="c", assigned_at=AS_OF, seed=b * 5 + r)[1].assign(rep=r)
                )
            stacked = pd.concat(plans, ignore_index=True)
            given = stacked[["msisdn", "group", "strategy"]].assign(
                remedy=stacked["remedy"].astype("string").fillna("")
            )
            resp = respond_to_care(data, given, "2026-10", seed=b)
            for r in range(5):
                mine = (stacked["rep"] == r).to_numpy()
                t = stacked["group"].eq("treatment").to_numpy()
                y = resp["survey_answer"].to_numpy(dtype=float)
                est = effect_on_treated(y[mine & t], y[mine & ~t])
                truth = resp["true_effect"].to_numpy()[mine & t].mean()
                covered.append(est["ci_low"] <= truth <= est["ci_high"])
        print(
            f"interval coverage of the true effect, 150 campaigns of 600: {np.mean(covered):.3f} (floor 0.90)"
        )
        response = pd.read_parquet(data / "truth" / "care_response.parquet")
        response = response.loc[pd.to_datetime(response["month"]) == month].set_index("msisdn")
        for seed in (11, 12, 13):
            split = np.random.default_rng(seed).random(len(decided)) < 0.5
            train, nxt = decided.loc[split], decided.loc[~split].reset_index(drop=True)
            _, plan, _ = design_campaign(train, campaign="t", assigned_at=AS_OF, seed=seed, control_share=0.5)
            given = plan[["msisdn", "group", "strategy"]].assign(
                remedy=plan["remedy"].astype("string").fillna("")
            )
            resp = respond_to_care(data, given, "2026-10", seed=seed)
            model = XLearner().fit(
                uplift_features(plan), resp["survey_answer"].astype(float), plan["group"] == "treatment"
            )
            r = response.loc[nxt["msisdn"]]
            s = nxt["strategy"].to_numpy()
            rem = nxt["remedy"].astype("string").fillna("").to_numpy(dtype=object)
            truth = np.where(
                s == "proactive_outreach", r["effect_outreach"], r["effect_wait"] * r["p_contact_next"]
            )
            for c in ("network", "billing", "service", "value"):
                truth = np.where((s == "targeted_remedy") & (rem == c), r[f"effect_remedy_{c}"], truth)
            k = int(0.3 * len(nxt))
            top = {
                "uplift": np.argsort(-model.predict(uplift_features(nxt)), kind="stable")[:k],
                "risk": np.argsort(-nxt["probability"].to_numpy(), kind="stable")[:k],
                "risk x value x effect": np.argsort(
                    -expected_value(nxt, load_policies()).to_numpy(), kind="stable"
                )[:k],
            }
            sums = {name: float(np.asarray(truth)[idx].sum()) for name, idx in top.items()}
            print(f"split seed {seed}: true incremental effect of the top {k:,} (30 %): "
                  + ", ".join(f"{name} {v:,.0f}" for name, v in sums.items())
                  + f", random {float(np.mean(truth)) * k:,.0f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument(
        "--floors", action="store_true", help="also measure the simulator floors (about a minute)"
    )
    args = parser.parse_args()
    bench_assign(args.n)
    if args.floors:
        bench_floors()


if __name__ == "__main__":
    main()

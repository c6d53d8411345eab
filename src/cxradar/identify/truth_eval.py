"""Score a month's identification against the simulator's ground truth (``truth/satisfaction``).

The universe is every subscriber with a truth row that month. Precision of a list is the share
truly dissatisfied; lift divides it by the rate among customers outside the explicit pool (what
a random sample of the same size would find); recall counts the truly dissatisfied outside the
pool; coverage is the share of *all* truly dissatisfied subscribers - surveyed or not - that are
in the explicit pool or on the potential list (the seed reached 61.7 %).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["evaluate_against_truth"]


def _list_figures(ids: set[str], dissatisfied: set[str], outside: set[str], base: float) -> dict[str, Any]:
    hit = ids & dissatisfied
    precision = len(hit) / len(ids) if ids else 0.0
    target = dissatisfied & outside
    return {
        "n": len(ids),
        "true_positives": len(hit),
        "precision": precision,
        "recall": len(hit & target) / len(target) if target else 0.0,
        "lift": precision / base if base else float("nan"),
    }


def evaluate_against_truth(
    pool: pd.DataFrame, potential: pd.DataFrame, truth: pd.DataFrame
) -> dict[str, Any]:
    """Figures per list and per kind; ``truth`` holds one month's rows (msisdn, dissatisfied,
    optionally primary_cause)."""
    truth = truth.assign(msisdn=truth["msisdn"].astype(str))
    universe = set(truth["msisdn"])
    dissatisfied = set(truth.loc[truth["dissatisfied"].astype(bool), "msisdn"])
    pool_ids = set(pool["msisdn"].astype(str)) & universe
    pot_ids = set(potential["msisdn"].astype(str)) & universe
    outside = universe - pool_ids
    base_all = len(dissatisfied) / len(universe) if universe else float("nan")
    base_outside = len(dissatisfied & outside) / len(outside) if outside else float("nan")
    result: dict[str, Any] = {
        "subscribers": len(universe),
        "truly_dissatisfied": len(dissatisfied),
        "dissatisfied_rate": base_all,
        "dissatisfied_rate_outside_pool": base_outside,
        "coverage": len((pool_ids | pot_ids) & dissatisfied) / len(dissatisfied) if dissatisfied else 0.0,
        "pool": {**_list_figures(pool_ids, dissatisfied, universe, base_all)},
        "potential": _list_figures(pot_ids, dissatisfied, outside, base_outside),
        "combined": _list_figures(pool_ids | pot_ids, dissatisfied, universe, base_all),
        "kinds": {},
    }
    pot = potential.assign(msisdn=potential["msisdn"].astype(str))
    for kind in ("silent", "incident_hit", "model_predicted"):
        ids = set(pot.loc[pot[kind].astype(bool), "msisdn"]) & universe
        result["kinds"][kind] = _list_figures(ids, dissatisfied, outside, base_outside)
    if "primary_cause" in truth.columns:
        cause = truth.set_index("msisdn")["primary_cause"].astype(str)
        for name, frame in (("pool", pool), ("potential", potential)):
            f = frame.assign(msisdn=frame["msisdn"].astype(str))
            f = f.loc[f["msisdn"].isin(dissatisfied) & (f["cause"].astype(str) != "unknown")]
            agree = (
                (f["cause"].astype(str).to_numpy() == f["msisdn"].map(cause).to_numpy()).mean()
                if len(f)
                else None
            )
            result[name]["cause_accuracy"] = None if agree is None else float(agree)
            result[name]["cause_known"] = len(f)
    return result

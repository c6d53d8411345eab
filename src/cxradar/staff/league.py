"""League tables: internal satisfaction per hall, agent and role, shrunk, ranked, against targets.

Each hall (and each agent) gets its scored contacts' count and raw mean, the empirical-Bayes
estimate with its interval (:mod:`cxradar.staff.shrinkage`), a rank among the units with enough
data (``min_contacts``), a place on the bottom list (the lowest ``bottom_share`` of the ranked)
and a verdict against its target: ``met`` when the interval lies above the target, ``missed`` when
below, ``uncertain`` when it straddles it, ``not_enough_data`` under ``min_contacts``. Roles are
few and large: their table has the raw mean with a normal interval and the share of the role's
ranked agents that met the target. Worst items per hall: each follow-up item is shrunk the same
way and compared with the mean of all halls on that item.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from cxradar.staff.config import StaffConfig
from cxradar.staff.shrinkage import shrink

__all__ = [
    "hall_items",
    "hall_items_from_stats",
    "league",
    "league_from_stats",
    "role_table",
    "unit_stats",
    "verdicts",
]


def unit_stats(scores: pd.DataFrame, key: str, value: str = "score") -> pd.DataFrame:
    """Count, mean and variance of ``value`` per ``key`` (rows without a value left out)."""
    rated = scores.loc[scores[value].notna() & scores[key].notna()]
    grouped = rated.groupby(key, sort=True)[value]
    out = pd.DataFrame({"n": grouped.size(), "mean": grouped.mean(), "var": grouped.var(ddof=1)})
    return out.reset_index()


def verdicts(lo: pd.Series, hi: pd.Series, target: pd.Series, enough: pd.Series) -> pd.Series:
    """``met`` / ``missed`` / ``uncertain`` / ``not_enough_data`` from the interval and the target."""
    out = np.where(lo >= target, "met", np.where(hi < target, "missed", "uncertain"))
    return pd.Series(np.where(enough, out, "not_enough_data"), index=lo.index, dtype="string")


def league(
    scores: pd.DataFrame, key: str, config: StaffConfig, targets: pd.Series | float
) -> tuple[pd.DataFrame, dict[str, float]]:
    """The shrunk league table of ``key`` (``hall_id`` or ``agent_id``) and the fitted prior.
    ``targets`` is one target for all, or a Series of targets indexed by the key's values.

    Columns: key, n, raw_mean, estimate, lo, hi, shrinkage, enough_data, rank (1 = best, among
    units with enough data), bottom (on the bottom list), target, verdict.
    """
    return league_from_stats(unit_stats(scores, key), key, config, targets)


def league_from_stats(
    units: pd.DataFrame, key: str, config: StaffConfig, targets: pd.Series | float
) -> tuple[pd.DataFrame, dict[str, float]]:
    """:func:`league` from per-unit ``n``, ``mean``, ``var`` (e.g.
    :func:`cxradar.staff.sums.unit_stats_from_sums` on sums computed in DuckDB)."""
    shrunk, prior = shrink(units, level=config.level, min_n=config.min_contacts)
    enough = shrunk["n"] >= config.min_contacts
    ranked = shrunk["estimate"].where(enough)
    shrunk["rank"] = ranked.rank(ascending=False, method="first").astype("Int64")
    n_ranked = int(enough.sum())
    n_bottom = math.ceil(config.bottom_share * n_ranked) if n_ranked else 0
    shrunk["bottom"] = (shrunk["rank"] > n_ranked - n_bottom).fillna(False).astype(bool)
    if isinstance(targets, pd.Series):
        shrunk["target"] = shrunk[key].map(targets).astype(float)
    else:
        shrunk["target"] = float(targets)
    shrunk["verdict"] = verdicts(shrunk["lo"], shrunk["hi"], shrunk["target"], enough)
    shrunk["enough_data"] = enough
    table = shrunk.rename(columns={"mean": "raw_mean"})[
        [
            key,
            "n",
            "raw_mean",
            "estimate",
            "lo",
            "hi",
            "shrinkage",
            "enough_data",
            "rank",
            "bottom",
            "target",
            "verdict",
        ]
    ]
    figures = {"mu": prior.mu, "tau2": prior.tau2, "sigma2_within": prior.sigma2_within, "units": prior.units}
    return table.sort_values(["rank", key], na_position="last").reset_index(drop=True), figures


def role_table(
    scores: pd.DataFrame, agents: pd.DataFrame, config: StaffConfig, *, role_stats: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per role: contacts scored, mean with a normal interval, target, met, and the agents' verdicts.
    ``role_stats`` (``role``, ``n``, ``mean``, ``var``, e.g. from DuckDB sums) replaces ``scores``."""
    z = float(stats.norm.ppf(0.5 + config.level / 2.0))
    found = role_stats if role_stats is not None else unit_stats(scores, "role")
    of = {
        r: (int(n), float(m), float(v))
        for r, n, m, v in zip(*(found[c].tolist() for c in ("role", "n", "mean", "var")), strict=True)
    }
    rows = []
    for role in config.roles:
        n, mean, var = of.get(role.name, (0, float("nan"), float("nan")))
        sd = math.sqrt(var) if n > 1 else float("nan")
        half = z * sd / math.sqrt(n) if n > 1 else float("nan")
        mine = agents.loc[agents["role"] == role.name]
        ranked = mine.loc[mine["enough_data"]]
        rows.append(
            {
                "role": role.name,
                "label_zh": role.zh,
                "label_en": role.en,
                "agents": len(mine),
                "agents_ranked": len(ranked),
                "n": n,
                "mean": mean,
                "lo": mean - half,
                "hi": mean + half,
                "target": role.target,
                "target_met": bool(n and mean >= role.target),
                "agents_met": int((ranked["verdict"] == "met").sum()),
                "agents_missed": int((ranked["verdict"] == "missed").sum()),
                "share_agents_met_point": float((ranked["estimate"] >= role.target).mean())
                if len(ranked)
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def hall_items(scores: pd.DataFrame, config: StaffConfig, *, worst: int = 2) -> pd.DataFrame:
    """Per hall and follow-up item: the shrunk item score and its gap to all halls' mean on the item;
    ``worst_rank`` 1, 2, ... orders each hall's items from the worst (most negative gap; ``worst``
    is kept for callers of the earlier signature: every item is ranked)."""
    return hall_items_from_stats(
        {i.column: unit_stats(scores, "hall_id", i.column) for i in config.items}, config
    )


def hall_items_from_stats(per_item: dict[str, pd.DataFrame], config: StaffConfig) -> pd.DataFrame:
    """:func:`hall_items` from per-hall ``n``, ``mean``, ``var`` of each item column (``score_<item>``)."""
    parts = []
    for item in config.items:
        units = per_item.get(item.column, pd.DataFrame())
        if units.empty:
            continue
        shrunk, prior = shrink(units, level=config.level, min_n=config.min_contacts)
        shrunk["item"] = item.name
        shrunk["gap"] = shrunk["estimate"] - prior.mu
        shrunk["below_all_halls"] = shrunk["hi"] < prior.mu
        parts.append(
            shrunk[["hall_id", "item", "n", "mean", "estimate", "lo", "hi", "gap", "below_all_halls"]]
        )
    if not parts:
        return pd.DataFrame(
            columns=[
                "hall_id",
                "item",
                "n",
                "raw_mean",
                "estimate",
                "lo",
                "hi",
                "gap",
                "below_all_halls",
                "worst_rank",
            ]
        )
    table = pd.concat(parts, ignore_index=True).rename(columns={"mean": "raw_mean"})
    table["worst_rank"] = table.groupby("hall_id")["gap"].rank(method="first").astype("Int64")
    return table.sort_values(["hall_id", "worst_rank"]).reset_index(drop=True)

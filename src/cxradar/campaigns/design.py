"""Campaign design: a randomised control group, stratified by kind and segment, sized by power.

The control share is the smallest that detects ``effect_to_detect`` (satisfaction points, 1-10
scale) with the configured power at level alpha in a two-sample t-test (statsmodels
``TTestIndPower``; its noncentral t returns NaN for some large samples, where the normal
approximation is used), kept within [min_share, max_share]. Randomisation is within strata (primary
kind x segment) with randomised rounding, so every stratum's expected control share equals the
target share and subgroup effects stay unbiased. The result is ``care_actions`` rows (data
contract conf/contract/care_actions.yaml plus ``remedy``) and the full plan with decisions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from cxradar.campaigns.config import CampaignConfig, load_campaign_config
from cxradar.errors import MissingColumnError

__all__ = [
    "CARE_ACTION_COLUMNS",
    "KIND_PRECEDENCE",
    "assign_groups",
    "campaign_plan",
    "campaign_report",
    "campaign_strata",
    "check_decisions",
    "control_size",
    "design_campaign",
    "primary_kind",
]

CARE_ACTION_COLUMNS = [
    "id", "msisdn", "campaign", "strategy", "channel", "assigned_at", "group",
    "delivered_at", "outcome", "remedy",
]  # fmt: skip
# The kind that names a customer's stratum when they have several (most specific first).
KIND_PRECEDENCE = ("explicit", "incident_hit", "model_predicted", "silent")


def _power(n_treat: int, n_control: int, cfg: CampaignConfig) -> float:
    if n_treat < 2 or n_control < 2:
        return 0.0
    d = cfg.effect_to_detect / cfg.outcome_sd
    power = float(
        TTestIndPower().power(effect_size=d, nobs1=n_treat, alpha=cfg.alpha, ratio=n_control / n_treat)
    )
    if math.isnan(power):  # statsmodels' noncentral t fails numerically at large n: normal approximation
        z = d / math.sqrt(1 / n_treat + 1 / n_control)
        q = float(stats.norm.ppf(1 - cfg.alpha / 2))
        power = float(stats.norm.sf(q - z) + stats.norm.cdf(-q - z))
    return power


def control_size(n: int, cfg: CampaignConfig) -> dict[str, Any]:
    """Smallest control count in [min_share, max_share] x n reaching the target power.

    Returns n_control, share, the power achieved, and ``power_reached`` (False when even
    max_share cannot reach the target; then max_share is used).
    """
    lo = max(2, math.ceil(cfg.min_control_share * n))
    hi = max(lo, math.floor(cfg.max_control_share * n))
    if n < 4:
        return {"n_control": 0, "share": 0.0, "power": 0.0, "power_reached": False}
    if _power(n - hi, hi, cfg) < cfg.power:
        chosen, reached = hi, False
    else:
        while lo < hi:  # power rises with the control count up to half of n
            mid = (lo + hi) // 2
            if _power(n - mid, mid, cfg) >= cfg.power:
                hi = mid
            else:
                lo = mid + 1
        chosen, reached = lo, True
    return {
        "n_control": int(chosen),
        "share": chosen / n,
        "power": _power(n - chosen, chosen, cfg),
        "power_reached": reached,
    }


def primary_kind(kinds: pd.Series) -> pd.Series:
    """The most specific kind of a ';'-joined kinds value (see :data:`KIND_PRECEDENCE`)."""
    k = kinds.astype("string").fillna("")
    out = pd.Series("unknown", index=kinds.index, dtype="object")
    for kind in reversed(KIND_PRECEDENCE):
        out[k.str.contains(rf"(?:^|;){kind}(?:;|$)", regex=True).fillna(False).to_numpy()] = kind
    return out


def campaign_strata(selected: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each decision's primary kind and stratum (``primary kind|segment``), row by row."""
    kind = primary_kind(selected["kinds"])
    stratum = kind.astype(str) + "|" + selected["segment"].astype("string").fillna("").astype(str).to_numpy()
    return kind, stratum


def assign_groups(strata: Any, share: float, seed: int) -> tuple[np.ndarray, dict[str, dict[str, int]]]:
    """Control (True) or treatment for decisions whose strata (in the decisions' order) are
    ``strata``: within each stratum a random ``share``, rounded at random. Global over the
    selected set, on this one column; returns the flags and the counts per stratum."""
    values = pd.Series(np.asarray(strata, dtype=object))
    n = len(values)
    rng = np.random.default_rng(seed)
    codes, uniques = pd.factorize(values, sort=True)
    order = np.lexsort((rng.random(n), codes))
    sizes = np.bincount(codes, minlength=len(uniques))
    n_control = np.floor(sizes * share + rng.random(len(uniques))).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[codes[order]]
    is_control = rank < n_control[codes]
    controls = np.bincount(codes[is_control], minlength=len(uniques))
    counts = {
        str(s): {"treatment": int(sizes[k] - controls[k]), "control": int(controls[k])}
        for k, s in enumerate(uniques)
    }
    return is_control, counts


def campaign_plan(
    selected: pd.DataFrame,
    *,
    is_control: np.ndarray,
    positions: np.ndarray,
    campaign: str,
    assigned_at: pd.Timestamp,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan (every decision column plus primary kind, stratum, group and the campaign's
    columns) and the care_actions rows of ``selected``, row by row: ``is_control`` from
    :func:`assign_groups`, ``positions`` each row's place in the whole campaign (its id)."""
    plan = selected.reset_index(drop=True).copy()
    plan["primary_kind"], plan["stratum"] = campaign_strata(plan)
    plan["group"] = np.where(np.asarray(is_control, dtype=bool), "control", "treatment")
    plan["campaign"] = campaign
    plan["id"] = [f"{campaign}-{i:07d}" for i in np.asarray(positions, dtype=np.int64)]
    plan["assigned_at"] = pd.Timestamp(assigned_at)
    plan["assigned_at"] = plan["assigned_at"].astype("datetime64[us]")
    plan["delivered_at"] = pd.Series(pd.NaT, index=plan.index, dtype="datetime64[us]")
    plan["outcome"] = pd.Series(pd.NA, index=plan.index, dtype="string")
    if "remedy" not in plan.columns:
        plan["remedy"] = pd.Series(pd.NA, index=plan.index, dtype="string")
    actions = plan[CARE_ACTION_COLUMNS].copy()
    for col in ("id", "msisdn", "campaign", "strategy", "channel", "group", "remedy"):
        actions[col] = actions[col].astype("string")
    return actions, plan


def campaign_report(
    *,
    campaign: str,
    assigned_at: pd.Timestamp,
    seed: int,
    n: int,
    share: float,
    sizing: dict[str, Any],
    strata: dict[str, dict[str, int]],
    cfg: CampaignConfig,
) -> dict[str, Any]:
    """The design's report: the power calculation and the group counts per stratum."""
    n_control = sum(c["control"] for c in strata.values())
    return {
        "campaign": campaign,
        "assigned_at": str(pd.Timestamp(assigned_at)),
        "seed": seed,
        "n": n,
        "n_treatment": n - n_control,
        "n_control": n_control,
        "control_share": share,
        "power_calculation": {
            **sizing,
            "effect_to_detect": cfg.effect_to_detect,
            "outcome_sd": cfg.outcome_sd,
            "alpha": cfg.alpha,
            "target_power": cfg.power,
            "method": "two-sample t-test, statsmodels TTestIndPower",
        },
        "strata": strata,
    }


def check_decisions(selected: pd.DataFrame) -> None:
    """Raise unless ``selected`` has the columns a campaign design reads."""
    for col in ("msisdn", "kinds", "segment", "strategy", "channel"):
        if col not in selected.columns:
            raise MissingColumnError(
                f"care decisions lack column '{col}'",
                fix="pass care_selected.parquet written by 'cxradar care assign'",
            )


def design_campaign(
    selected: pd.DataFrame,
    *,
    campaign: str,
    assigned_at: pd.Timestamp,
    cfg: CampaignConfig | None = None,
    seed: int = 0,
    control_share: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Randomise ``selected`` (care decisions) into treatment and control.

    Returns ``(care_actions, plan, report)``: care_actions has the contract columns plus remedy;
    plan has every decision column plus group, stratum and id; report has the power calculation
    and the group counts per stratum. ``control_share`` overrides the power calculation. The
    parts (:func:`campaign_strata`, :func:`assign_groups`, :func:`campaign_plan`) are what the
    monthly run calls shard by shard and on the selected set's strata.
    """
    cfg = cfg or load_campaign_config()
    check_decisions(selected)
    n = len(selected)
    sizing = control_size(n, cfg)
    share = float(control_share) if control_share is not None else sizing["share"]
    _, strata = campaign_strata(selected)
    is_control, counts = assign_groups(strata, share, seed)
    actions, plan = campaign_plan(
        selected, is_control=is_control, positions=np.arange(n), campaign=campaign, assigned_at=assigned_at
    )
    report = campaign_report(
        campaign=campaign,
        assigned_at=assigned_at,
        seed=seed,
        n=n,
        share=share,
        sizing=sizing,
        strata=counts,
        cfg=cfg,
    )
    return actions, plan, report

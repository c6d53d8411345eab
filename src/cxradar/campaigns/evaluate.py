"""Campaign evaluation: did care work, for whom, how much did it cost, what did it add to the index?

:func:`evaluate_campaign` compares treatment and control on satisfaction after care (the
interval for this campaign's treated, plus Welch's for the wider population; see
:mod:`cxradar.campaigns.stats`) and
on churn (two proportions), with intervals and p-values; a difference-in-differences where a
before-measure exists; the participation rate and the effect on participants (intention-to-treat
divided by participation, the Wald/complier estimator, valid because the control group cannot
receive care); cost and ROI; the contribution to the company-wide 0-100 index = share of
customers reached x effect on participants in index points (the seed: +7.68 points on
participants, ~1.5 at a 20 % share), with its interval; and the same effect by strategy, kind
and segment. :func:`mark_resolved` sets ``outcome = resolved`` for treated customers whom care
fixed, which the explicit pool reads to let them exit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from cxradar.campaigns.config import CampaignConfig, load_campaign_config
from cxradar.campaigns.stats import effect_on_treated, mean_diff, prop_diff
from cxradar.errors import MissingColumnError

__all__ = ["BREAKDOWNS", "evaluate_campaign", "mark_resolved", "normalise_outcomes"]

BREAKDOWNS = ("strategy", "primary_kind", "segment")
_POST_NAMES = ("post", "survey_answer", "overall", "post_satisfaction")
_CHURN_NAMES = ("churned", "churned_next_month")


def normalise_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """msisdn, post (1-10 answer after care), churned (bool), pre (optional), true_effect (optional)."""
    post = next((c for c in _POST_NAMES if c in outcomes.columns), None)
    if "msisdn" not in outcomes.columns or post is None:
        raise MissingColumnError(
            f"campaign outcomes need msisdn and one of {list(_POST_NAMES)}; have {list(outcomes.columns)}",
            fix="pass post-care answers (campaign evaluate --outcomes FILE) or surveys in the data folder",
        )
    out = pd.DataFrame(
        {
            "msisdn": outcomes["msisdn"].astype("string"),
            "post": pd.to_numeric(outcomes[post], errors="coerce"),
        }
    )
    churn = next((c for c in _CHURN_NAMES if c in outcomes.columns), None)
    out["churned"] = (
        outcomes[churn].astype("boolean").to_numpy()
        if churn
        else pd.array([pd.NA] * len(out), dtype="boolean")
    )
    for col in ("pre", "true_effect"):
        out[col] = (
            pd.to_numeric(outcomes[col], errors="coerce").to_numpy() if col in outcomes.columns else np.nan
        )
    return out.drop_duplicates("msisdn", keep="last").reset_index(drop=True)


def _delivered(plan: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """Delivered flag per row and whether delivery was recorded at all."""
    delivered = pd.Series(False, index=plan.index)
    if "delivered_at" in plan.columns:
        delivered |= plan["delivered_at"].notna()
    if "outcome" in plan.columns:
        delivered |= plan["outcome"].isin(["delivered", "resolved"]).fillna(False).astype(bool)
    recorded = bool(delivered.any())
    return (delivered.to_numpy() if recorded else np.ones(len(plan), dtype=bool)), recorded


def _scaled(result: dict[str, Any], factor: float) -> dict[str, float]:
    return {k: result[k] * factor for k in ("diff", "ci_low", "ci_high")}


def _breakdown(df: pd.DataFrame, by: str, cfg: CampaignConfig) -> list[dict[str, Any]]:
    rows = []
    for level, part in df.groupby(by, sort=True, observed=True):
        treat = part["group"].eq("treatment").to_numpy()
        sat = effect_on_treated(
            part.loc[treat, "post"].to_numpy(), part.loc[~treat, "post"].to_numpy(), cfg.confidence
        )
        keys = ("n_treatment", "n_control", "diff", "ci_low", "ci_high", "p_value")
        rows.append({"by": by, "level": str(level), **{k: sat[k] for k in keys}})
    return rows


def evaluate_campaign(
    plan: pd.DataFrame,
    outcomes: pd.DataFrame,
    *,
    cfg: CampaignConfig | None = None,
    population: int | None = None,
) -> dict[str, Any]:
    """Evaluate one campaign. ``plan``: the designed care plan (id, msisdn, group, strategy, channel,
    primary_kind, segment, value, remedy, delivered_at, outcome); ``outcomes``: see
    :func:`normalise_outcomes`; ``population``: active subscribers (for the contribution).
    """
    cfg = cfg or load_campaign_config()
    for col in ("msisdn", "group", "strategy", "channel"):
        if col not in plan.columns:
            raise MissingColumnError(
                f"campaign plan lacks column '{col}'", fix="pass care_plan.parquet from campaign design"
            )
    o = normalise_outcomes(outcomes)
    df = plan.reset_index(drop=True).copy()
    df["msisdn"] = df["msisdn"].astype("string")
    delivered, recorded = _delivered(df)
    df["delivered"] = delivered
    df = df.merge(o, on="msisdn", how="left")
    treat = df["group"].eq("treatment").to_numpy()
    n_t, n_c = int(treat.sum()), int((~treat).sum())
    post_t, post_c = df.loc[treat, "post"].to_numpy(), df.loc[~treat, "post"].to_numpy()
    sat = effect_on_treated(post_t, post_c, cfg.confidence)
    sat_population = mean_diff(post_t, post_c, cfg.confidence)
    ch = df["churned"].astype("boolean")
    known = ch.notna().to_numpy()
    t_known, c_known = treat & known, ~treat & known
    churn = prop_diff(
        int(ch[t_known].sum()), int(t_known.sum()), int(ch[c_known].sum()), int(c_known.sum()), cfg.confidence
    )
    participation = float(df.loc[treat, "delivered"].mean()) if n_t else math.nan
    factor = 1 / participation if participation and participation > 0 else math.nan
    on_participants = _scaled(sat, factor)
    index_pts = {k: v * cfg.index_points_per_scale_point for k, v in on_participants.items()}
    reached = int(df.loc[treat, "delivered"].sum())
    contribution: dict[str, Any] = {"population": population, "reached": reached}
    if population:
        share = reached / population
        contribution.update(
            {"share_reached": share, **{f"points_{k}": share * v for k, v in index_pts.items()},
             "points_at_20pct_share": 0.2 * index_pts["diff"]}
        )  # fmt: skip
    did: dict[str, Any] | None = None
    has_pre = df["pre"].notna().to_numpy() & df["post"].notna().to_numpy()
    if has_pre.sum() >= 4:
        change = (df["post"] - df["pre"]).to_numpy()
        did = {"n_with_before": int(has_pre.sum()),
               **mean_diff(change[treat & has_pre], change[~treat & has_pre], cfg.confidence)}  # fmt: skip
    cost, roi = _cost_and_roi(df, treat, churn, cfg)
    report: dict[str, Any] = {
        "n_treatment": n_t,
        "n_control": n_c,
        "outcomes_matched": int(df["post"].notna().sum()),
        "satisfaction_itt": sat,
        "satisfaction_population": sat_population,
        "participation_rate": participation,
        "participation_recorded": recorded,
        "satisfaction_on_participants": on_participants,
        "index_points_on_participants": index_pts,
        "contribution": contribution,
        "churn": churn,
        "difference_in_differences": did,
        "cost": cost,
        "roi": roi,
        "by": [row for by in BREAKDOWNS if by in df.columns for row in _breakdown(df, by, cfg)],
    }
    if df["true_effect"].notna().any():
        true_itt = float(df.loc[treat, "true_effect"].mean())
        report["truth"] = {
            "true_effect_treatment_mean": true_itt,
            "covered": bool(sat["ci_low"] <= true_itt <= sat["ci_high"]),
        }
    return report


def _cost_and_roi(
    df: pd.DataFrame, treat: np.ndarray, churn: dict[str, Any], cfg: CampaignConfig
) -> tuple[dict[str, Any], dict[str, Any]]:
    t = df.loc[treat]
    proactive = t["strategy"].ne("wait_for_contact").to_numpy()
    attempted = proactive | t["delivered"].to_numpy()
    channel_cost = t["channel"].map(cfg.cost_per_action).astype(float).fillna(0.0).to_numpy()
    remedy = t["remedy"] if "remedy" in t.columns else pd.Series(pd.NA, index=t.index)
    remedy_cost = remedy.map(cfg.remedy_cost).astype(float).fillna(0.0).to_numpy()
    total = float((channel_cost * attempted).sum() + (remedy_cost * t["delivered"].to_numpy()).sum())
    value = pd.to_numeric(t["value"], errors="coerce").mean() if "value" in t.columns else math.nan
    per_customer = float(value) * cfg.value_horizon_months if value == value else math.nan
    benefit = {k: -churn[k] * len(t) * per_customer for k in ("diff", "ci_high", "ci_low")}
    cost = {"total": total, "per_treated": total / len(t) if len(t) else math.nan}
    roi = {
        "prevented_churners": -churn["diff"] * len(t) if churn["diff"] == churn["diff"] else math.nan,
        "benefit": benefit["diff"],
        "roi": (benefit["diff"] - total) / total if total > 0 else math.nan,
        "roi_ci_low": (benefit["ci_high"] - total) / total if total > 0 else math.nan,
        "roi_ci_high": (benefit["ci_low"] - total) / total if total > 0 else math.nan,
        "value_horizon_months": cfg.value_horizon_months,
    }
    return cost, roi


def mark_resolved(
    actions: pd.DataFrame, outcomes: pd.DataFrame, cfg: CampaignConfig | None = None
) -> pd.DataFrame:
    """care_actions with ``outcome = resolved`` for treated, reached customers whose post-care answer
    is at least ``resolved_at_or_above`` (customers whom care fixed exit the explicit pool)."""
    cfg = cfg or load_campaign_config()
    o = normalise_outcomes(outcomes).set_index("msisdn")["post"]
    out = actions.copy()
    delivered, _ = _delivered(out)
    post = out["msisdn"].astype("string").map(o)
    good = (post >= cfg.resolved_at_or_above).fillna(False).to_numpy(dtype=bool)
    fixed = out["group"].eq("treatment").to_numpy() & delivered & good
    out["outcome"] = out["outcome"].astype("string")
    out.loc[fixed, "outcome"] = "resolved"
    return out

"""Assigning care: the flagged customers, the rule decisions and the policies, in one call.

:func:`flagged_customers` unites the potential-dissatisfied list and the explicit pool into one
table (kind ``explicit`` for pool members); :func:`assign_care` runs the rules and the policies
and returns a :class:`CareAssignment` (selected, left out, a summary with zh/en labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxradar.care.plans import PLAN_COLUMNS, PlanCatalogue, load_plans, suggest_plans
from cxradar.care.policies import Policies, apply_policies, load_policies
from cxradar.care.rules import RuleSet, apply_rules, load_rules

__all__ = ["CareAssignment", "assign_care", "flagged_customers"]

FLAGGED_COLUMNS = [
    "msisdn", "kinds", "probability", "cause", "segment", "value", "contact_complete", "plan",
    "reasons_en", "reasons_zh",
]  # fmt: skip


def flagged_customers(
    potential: pd.DataFrame | None,
    pool: pd.DataFrame | None = None,
    subscribers: pd.DataFrame | None = None,
    values: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per flagged customer: potential (kinds as given) plus the explicit pool (kind 'explicit').

    ``subscribers`` supplies segment and contact_complete where missing; ``values`` (monthly
    value by msisdn) fills value for pool members. A customer on both lists keeps both kinds.
    """
    parts: list[pd.DataFrame] = []
    if potential is not None and len(potential):
        p = potential.copy()
        parts.append(p)
    if pool is not None and len(pool):
        q = pool.copy()
        q["kinds"] = "explicit"
        if "probability" not in q.columns:
            q["probability"] = float("nan")
        parts.append(q)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in FLAGGED_COLUMNS})
    out = pd.concat(parts, ignore_index=True, sort=False)
    out["msisdn"] = out["msisdn"].astype("string")
    if out["msisdn"].duplicated().any():
        agg: dict[str, Any] = {c: "first" for c in out.columns if c not in ("msisdn", "kinds")}
        agg["kinds"] = lambda s: ";".join(dict.fromkeys(k for v in s for k in str(v).split(";")))
        out = out.groupby("msisdn", sort=False, as_index=False).agg(agg)
    if subscribers is not None:
        subs = subscribers.drop_duplicates("msisdn").set_index(
            subscribers["msisdn"].drop_duplicates().astype("string")
        )
        for col in ("segment", "contact_complete", "plan"):
            if col in subs.columns:
                looked = out["msisdn"].map(subs[col]).astype(object)
                out[col] = out[col].astype(object).where(out[col].notna(), looked) if col in out else looked
    if values is not None:
        looked = pd.to_numeric(out["msisdn"].map(values), errors="coerce").astype(float)
        have = pd.to_numeric(out["value"], errors="coerce").astype(float) if "value" in out else looked
        out["value"] = have.fillna(looked)
    for col in FLAGGED_COLUMNS:
        if col not in out.columns:
            out[col] = pd.NA
    out["cause"] = out["cause"].astype("string").fillna("unknown")
    return out


def _with_plans(selected: pd.DataFrame, plans: PlanCatalogue) -> pd.DataFrame:
    """The better-fitting plan and its saving for customers whose remedy is the plan (value)."""
    out = selected.copy()
    remedy = out["remedy"] if "remedy" in out else pd.Series(pd.NA, index=out.index, dtype="object")
    value = (remedy == "value").fillna(False).to_numpy(dtype=bool)
    rows = np.flatnonzero(value)
    advice = suggest_plans(out.iloc[rows], plans)  # only rows whose remedy promises a plan
    for col in PLAN_COLUMNS:
        if pd.api.types.is_float_dtype(advice[col]):
            numbers = np.full(len(out), np.nan)
            numbers[rows] = advice[col].to_numpy(dtype="float64", na_value=np.nan)
            out[col] = numbers
        else:
            texts = np.full(len(out), None, dtype=object)
            texts[rows] = advice[col].astype(object).where(advice[col].notna(), None).to_numpy()
            out[col] = texts
    return out


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.astype(str).value_counts().items() if v}


@dataclass
class CareAssignment:
    """The result of assigning care for one month."""

    selected: pd.DataFrame
    left_out: pd.DataFrame
    summary: dict[str, Any]


def assign_care(
    flagged: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    rules: RuleSet | None = None,
    policies: Policies | None = None,
    care_history: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    dnd: pd.Series | None = None,
    priority: str = "risk",
    plans: PlanCatalogue | None = None,
) -> CareAssignment:
    """Decide strategy, channel and script by the rules, then apply fatigue, DND and capacity;
    customers whose remedy is a better-fitting plan get it and its saving (``plans``, default
    ``conf/care/plans.yaml``; see :mod:`cxradar.care.plans`).

    The summary counts ``selected`` (everyone who gets care), of whom ``moved_to_wait_for_contact``
    a policy moved from proactive care to a pending-care flag (``moved_by_reason``), and
    ``left_out`` (no care at all this round; only with ``on_excluded: drop``) by reason."""
    rules = rules or load_rules()
    policies = policies or load_policies()
    decided = apply_rules(flagged, rules)
    result = apply_policies(
        decided,
        policies,
        as_of=as_of,
        care_history=care_history,
        contacts=contacts,
        dnd=dnd,
        priority=priority,
        rules=rules,
    )
    sel, left = _with_plans(result.selected, plans or load_plans()), result.left_out
    moved = left["fallback"].eq("wait_for_contact") if len(left) else pd.Series(dtype=bool)
    summary: dict[str, Any] = {
        "as_of": str(pd.Timestamp(as_of)),
        "priority": priority,
        "flagged": len(flagged),
        "selected": len(sel),
        "moved_to_wait_for_contact": int(moved.sum()),
        "moved_by_reason": _counts(left.loc[moved, "reason"]) if len(left) else {},
        "left_out": int((~moved).sum()),
        "left_out_by_reason": _counts(left.loc[~moved, "reason"]) if len(left) else {},
        "by_strategy": _counts(sel["strategy"]),
        "by_channel": _counts(sel["channel"]),
        "by_rule": _counts(sel["rule_id"]),
        "expected_value_total": float(sel["expected_value"].sum()),
    }
    return CareAssignment(selected=sel, left_out=left, summary=summary)

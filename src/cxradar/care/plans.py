"""Better-fitting plans (更合适的套餐) for the value remedy: which plan to offer and what it saves.

The ``value`` remedy promises "the plan that fits the customer's actual usage better and costs
less", and the scripts promise its saving, so a list must carry both. The catalogue is data
(``conf/care/plans.yaml``: plan code -> monthly fee, by family). A customer spending more than
their plan's fee pays overage at ``overage_premium`` x the bundle's rate, so the usage they pay
for is worth ``fee + overage / overage_premium`` inside a bundle; the suggestion is the cheapest
plan of the same family whose fee covers that, when it costs less than their average spend.
Customers whose plan is not in the catalogue get no suggestion (and a sentence saying so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cxradar.config import Tree, load_section, section, value
from cxradar.errors import ConfigError

__all__ = ["PLAN_COLUMNS", "PlanCatalogue", "load_plans", "plans_from_tree", "suggest_plans"]

PLAN_COLUMNS = [
    "current_plan", "current_fee", "suggested_plan", "suggested_fee", "monthly_saving",
    "plan_advice_en", "plan_advice_zh",
]  # fmt: skip


_NOT_IN_CATALOGUE = (
    "plan not in the catalogue (conf/care/plans.yaml): review the customer's usage by hand",
    "套餐不在资费目录中（conf/care/plans.yaml）：请人工核对客户用量",
)
_NO_CHEAPER = (
    "no cheaper plan fits this usage: go through the current plan's benefits with the customer",
    "没有更省钱的合适套餐：向客户说明现有套餐的权益",
)


@dataclass(frozen=True)
class PlanCatalogue:
    """Plan code -> (family, monthly fee), and the overage premium (no defaults: the shipped file
    holds them)."""

    fees: dict[str, float]
    families: dict[str, str]
    overage_premium: float
    source: Path | None = None


_DOC = "docs/care.md#plans"


def plans_from_tree(data: Tree, source: Path | None = None) -> PlanCatalogue:
    """A checked :class:`PlanCatalogue` from the effective ``care.plans`` section; errors name file:line."""
    premium = value(
        data,
        "overage_premium",
        float,
        low=1,
        fix="e.g. overage_premium: 1.5 (overage costs 1.5x the bundle's rate)",
    )
    fees: dict[str, float] = {}
    families: dict[str, str] = {}
    for family, plans in section(data, "families").items():
        if not isinstance(plans, Tree) or not plans:
            raise ConfigError(
                f"{data['families'].where(family)}: family '{family}' must map plan codes to fees",
                fix="e.g. GT58: 58",
            )
        for code in plans:
            fee = value(plans, code, float, low=0, fix="give every plan code its monthly fee in CNY")
            if str(code) in fees:
                raise ConfigError(
                    f"{plans.where(code)}: plan '{code}' is in two families ({families[str(code)]}, {family})",
                    fix="give every plan code once",
                )
            fees[str(code)], families[str(code)] = fee, str(family)
    if not fees:
        raise ConfigError(
            f"{data.where('families')}: no plans", fix=f"list your plans under families ({_DOC})"
        )
    return PlanCatalogue(fees=fees, families=families, overage_premium=premium, source=source)


def load_plans(path: Path | None = None) -> PlanCatalogue:
    """The shipped ``conf/care/plans.yaml`` with the keys of the user file ``path`` laid over it
    (new families and plan codes are welcome; ``null`` removes one); errors name file:line."""
    tree = load_section("care.plans", path)
    return plans_from_tree(tree, Path(path) if path is not None else Path(tree.origin.file))


def suggest_plans(frame: pd.DataFrame, catalogue: PlanCatalogue) -> pd.DataFrame:
    """:data:`PLAN_COLUMNS` for every row of ``frame`` (``plan``, ``value`` = average monthly spend).

    Fees and savings are CNY a month; rows without a cheaper fitting plan get no suggestion and
    a sentence saying what to do instead."""
    plan = (
        frame["plan"].astype("string")
        if "plan" in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    raw = frame["value"] if "value" in frame else pd.Series(np.nan, index=frame.index)
    spend = pd.to_numeric(raw, errors="coerce").astype(float)
    fee = plan.map(catalogue.fees).astype(float)
    family = plan.map(catalogue.families)
    need = fee + (spend - fee).clip(lower=0) / catalogue.overage_premium
    codes = np.full(len(frame), None, dtype=object)
    fees_chosen = np.full(len(frame), np.nan)
    by_family: dict[str, list[tuple[float, str]]] = {}
    for code, f in sorted(catalogue.fees.items(), key=lambda kv: kv[1]):
        by_family.setdefault(catalogue.families[code], []).append((f, code))
    for fam, plans in by_family.items():
        rows = np.flatnonzero((family == fam).to_numpy() & need.notna().to_numpy())
        fees_sorted = np.array([f for f, _ in plans])
        pos = np.searchsorted(fees_sorted, need.to_numpy()[rows], side="left")
        ok = pos < len(plans)
        chosen = rows[ok]
        codes[chosen] = [plans[k][1] for k in pos[ok]]
        fees_chosen[chosen] = fees_sorted[pos[ok]]
    suggested = pd.Series(codes, index=frame.index).astype("string")
    suggested_fee = pd.Series(fees_chosen, index=frame.index)
    saving = spend - suggested_fee
    useful = suggested.notna() & (suggested != plan) & (saving > 0)
    out = pd.DataFrame(
        {
            "current_plan": plan,
            "current_fee": fee,
            "suggested_plan": suggested.where(useful),
            "suggested_fee": suggested_fee.where(useful),
            "monthly_saving": saving.where(useful).round(0),
        },
        index=frame.index,
    )
    missing = fee.isna().to_numpy()
    en = np.where(missing, _NOT_IN_CATALOGUE[0], _NO_CHEAPER[0]).astype(object)
    zh = np.where(missing, _NOT_IN_CATALOGUE[1], _NO_CHEAPER[1]).astype(object)
    rows = np.flatnonzero(useful.to_numpy(dtype=bool))
    picks = zip(
        out["suggested_plan"].to_numpy()[rows], out["suggested_fee"].to_numpy()[rows],
        out["monthly_saving"].to_numpy()[rows], strict=True,
    )  # fmt: skip
    for row, (code, new_fee, save) in zip(rows, picks, strict=True):
        en[row] = f"offer {code} ({new_fee:.0f} CNY a month): about {save:.0f} CNY a month less"
        zh[row] = f"建议改为{code}（月费{new_fee:.0f}元），预计每月节省约{save:.0f}元"
    out["plan_advice_en"], out["plan_advice_zh"] = en, zh
    return out[PLAN_COLUMNS]

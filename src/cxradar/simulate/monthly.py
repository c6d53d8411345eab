"""One block of subscribers through every month of the window: the hidden story, month by month.

For each month: where they use the network, which incidents hit them, what they perceive, how
satisfied they truly are and why, whether they voice it, their channel contacts, usage, churn
intentions (with 1-3 months of warning signs), arrears suspensions, brand downgrades, and a
stratified survey sample. Returns plain column arrays; :mod:`cxradar.simulate.assemble` turns
them into contract tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cxradar.simulate.care import care_effects, churn_hazard
from cxradar.simulate.cells import CellState
from cxradar.simulate.events import draw_events, times_between
from cxradar.simulate.params import DIMENSIONS, SEGMENTS, SimulatorParams
from cxradar.simulate.population import BRANDS, PLAN_BRAND, PLAN_CODES, PLAN_FEE, Block
from cxradar.simulate.satisfaction import (
    CAUSE_STRINGS,
    causes_of,
    contributions,
    event_deficits,
    perceived_baseline,
)
from cxradar.simulate.staff import StaffBlock
from cxradar.simulate.survey import draw_survey
from cxradar.simulate.usage import draw_payment_channel, draw_usage
from cxradar.simulate.world import SEVERITY_WEIGHT, World

__all__ = ["BlockResult", "run_block"]

_EASYOWN_PLANS = np.flatnonzero(BRANDS.index("easyown") == PLAN_BRAND)
_CHURN_REASONS = np.array(["port_out", "competitor", "relocation", "other"], dtype=object)


@dataclass
class BlockResult:
    """Column arrays per output table (lists of per-month dicts) and block-level figures."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    billing_hits: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))
    strata: dict[tuple[int, int, int], int] = field(default_factory=lambda: defaultdict(int))
    population: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    final: dict[str, np.ndarray] = field(default_factory=dict)


def run_block(
    blk: Block,
    world: World,
    params: SimulatorParams,
    rng: np.random.Generator,
    staff: StaffBlock | None = None,
) -> BlockResult:
    """Simulate every month of the window for one block (``staff``: who serves its contacts)."""
    n, months = blk.n, len(world.months)
    sp, chp, up = params["satisfaction"], params["churn"], params["usage"]
    out = BlockResult()
    cells = CellState.start(rng, blk.district, world)
    seg_minutes = np.array([params.by_segment("usage", "minutes")[s] for s in SEGMENTS])
    seg_data = np.array([params.by_segment("usage", "data_mb")[s] for s in SEGMENTS])
    minutes_base = seg_minutes[blk.segment] * rng.lognormal(-0.125, 0.5, n)
    data_base = seg_data[blk.segment] * rng.lognormal(-0.18, 0.6, n)
    roam_rate = np.where(np.isin(blk.segment, [0, 2]), 1.5, 0.3)
    pay_channel = draw_payment_channel(rng, blk.prepaid)
    spend_base = blk.spend_base.copy()
    brand, plan = blk.brand.copy(), blk.plan.copy()
    deficit = np.zeros((n, 4))
    unresolved = (rng.random(n) < 0.3 * blk.contact_rate).astype(float)
    ar_noise = rng.normal(0, float(sp["month_sd"]), n)
    leave_month = np.full(n, -1)  # month they leave (voluntary intention or group)
    # intentions formed before the window (steady state: 70 % leave in the first month, 30 % in the second)
    pre = rng.random(n) < 1.3 * float(chp["base_hazard"])
    leave_month[pre] = np.minimum(np.where(rng.random(int(pre.sum())) < 0.7, 0, 1), months - 1)
    group_leave = np.where(blk.group_leave_month > blk.join_month, blk.group_leave_month, -1)
    take = (group_leave >= 0) & ((leave_month < 0) | (group_leave < leave_month))
    leave_month[take] = group_leave[take]
    churn_month = np.full(n, -1)
    churn_type = np.full(n, "none", dtype=object)
    churn_reason = np.full(n, None, dtype=object)
    status_day = blk.join_day.astype("datetime64[us]")
    suspended_carry = (
        rng.random(n) < float(up["arrears_prepaid"]) * (1 - float(up["arrears_pay_back"])) * blk.prepaid
    )
    suspended_carry &= blk.join_month < 0
    is_suspended_end = np.zeros(n, dtype=bool)
    competitor_recent = np.zeros(n)
    staff_met = np.zeros((n, 5))  # quality of the staff who last served each subscriber
    staff_age = np.full(n, 99)  # months since that contact
    female = blk.gender == "F"
    for m in range(months):
        staff_age += 1
        start = world.months[m].astype("datetime64[us]")
        end = world.month_ends[m]
        act = np.flatnonzero((blk.join_month <= m) & (churn_month < 0))
        lo = np.maximum(np.full(len(act), start), blk.join_day[act].astype("datetime64[us]"))
        lo = np.minimum(lo, end - np.timedelta64(1, "h"))
        cells.move(rng)
        cidx, shares = cells.cells[act], cells.shares[act]
        net_exp = (shares * world.cell_load[m][cidx]).sum(axis=1)
        cell_bad = (shares * world.cell_badness[cidx]).sum(axis=1)
        drop_rate = (shares * world.cell_drop_rate[cidx]).sum(axis=1)
        sys_exp = world.district_load[m][blk.district[act]]
        bill_hit = np.zeros(len(act))
        for k, err in enumerate(world.billing_errors):
            if err["month"] != m:
                continue
            on_plan = PLAN_CODES.index(err["plan"]) == plan[act]
            hit = on_plan & (rng.random(len(act)) < float(params["incidents"]["billing_error_share"]))
            bill_hit[hit] = np.maximum(bill_hit[hit], SEVERITY_WEIGHT[err["severity"]] / 2.0)
            out.billing_hits[k].append(blk.msisdn[act[hit]])
        # arrears suspensions (mostly prepaid, low value)
        new_susp = rng.random(len(act)) < np.where(
            blk.prepaid[act], float(up["arrears_prepaid"]), float(up["arrears_postpaid"])
        ) * np.where(blk.level[act] >= 3, 0.3, 1.0) * (blk.join_month[act] < m)
        pays_back = rng.random(len(act)) < float(up["arrears_pay_back"])
        suspended_now = new_susp | suspended_carry[act]
        competitor = rng.random(len(act)) < float(chp["competitor_offer"]) * (
            0.5 + 1.3 * (1 - blk.onnet_share[act])
        )
        competitor_recent[act] = np.maximum(competitor_recent[act] * 0.5, competitor)
        events_now = event_deficits(
            params, net_exp, competitor, unresolved[act], sys_exp, bill_hit, suspended_now
        )
        rho = float(sp["persistence"])
        if m == 0:  # burn-in: last month looked like another month of the window, earlier ones average
            prev_exp = (shares * world.cell_load[months - 1][cidx]).sum(axis=1)
            before = event_deficits(
                params,
                prev_exp,
                competitor[rng.permutation(len(act))],
                unresolved[act],
                sys_exp,
                np.zeros(len(act)),
                suspended_now,
            )
            deficit[act] = before + rho / (1 - rho) * before.mean(axis=0)
        deficit[act] = rho * deficit[act] + events_now
        perceived = perceived_baseline(params, blk.misfit[act], cell_bad, blk.perception[act]) - deficit[act]
        contrib = contributions(perceived, blk.expectation[act], params)
        ar_noise[act] = 0.5 * ar_noise[act] + np.sqrt(0.75) * rng.normal(0, float(sp["month_sd"]), len(act))
        sat = np.round(
            np.clip(float(sp["base"]) + blk.mood[act] + contrib.sum(axis=1) + ar_noise[act], 1, 10), 3
        )
        dissatisfied = sat < float(sp["dissatisfied_below"])
        primary, mask = causes_of(contrib, dissatisfied, float(sp["cause_min_points"]))
        ev = draw_events(
            rng,
            params,
            act,
            sat,
            primary,
            blk.voice[act],
            blk.contact_rate[act],
            net_exp,
            bill_hit,
            lo,
            np.full(len(act), end),
            unresolved[act],
            staff,
            female[act],
        )
        if "agent" in ev.contacts:
            met = ev.contacts["agent"] >= 0
            staff_met[ev.contacts["who"][met]] = ev.contacts["quality"][met]
            staff_age[ev.contacts["who"][met]] = 0
        unresolved[act] = np.minimum(ev.unresolved, 1.5)
        # churn: leaving this month, involuntary after a suspension, new intentions, downgrades
        leaves = leave_month[act] == m
        invol = suspended_carry[act] & (rng.random(len(act)) < float(chp["involuntary_after_suspension"]))
        invol &= ~leaves
        hazard = churn_hazard(sat, competitor, blk.join_month[act], m, blk.group_paid[act], params)
        settled = (leave_month[act] < 0) & (blk.join_month[act] < m)
        new_intent = settled & (rng.random(len(act)) < hazard)
        lead = rng.choice(3, size=len(act), p=(0.3, 0.4, 0.3))
        leave_month[act[new_intent]] = m + lead[new_intent]
        leaves |= new_intent & (lead == 0)
        gone = leaves | invol
        day = times_between(rng, lo, np.full(len(act), end))
        churn_month[act[gone]] = m
        status_day[act[gone]] = day[gone]
        by_group = gone & ~invol & (group_leave[act] == m)
        reason = _CHURN_REASONS[rng.choice(4, size=len(act), p=(0.5, 0.35, 0.1, 0.05))]
        reason[competitor_recent[act] > 0] = np.where(
            rng.random(int((competitor_recent[act] > 0).sum())) < 0.7, "competitor", "port_out"
        )
        reason[by_group] = "competitor"
        churn_type[act[gone & ~invol]] = "voluntary"
        churn_reason[act[gone & ~invol]] = reason[gone & ~invol]
        churn_type[act[invol]] = "involuntary"
        churn_reason[act[invol]] = "arrears"
        carry = new_susp & ~pays_back & ~gone
        reinstated = suspended_carry[act] & ~gone
        status_day[act[reinstated]] = start
        status_day[act[carry]] = day[carry]
        suspended_carry[act] = carry
        is_suspended_end[act] = carry
        downgrade = (
            (brand[act] == BRANDS.index("gotone"))
            & ~gone
            & (
                rng.random(len(act))
                < float(chp["downgrade_hazard"])
                * np.exp(0.8 * np.maximum(-contrib[:, 1], 0) + 0.5 * np.maximum(7 - sat, 0))
            )
        )
        # usage (the month a line leaves is partial)
        to_leave = np.where(leave_month[act] >= m, leave_month[act] - m, -1)
        to_leave = np.where(to_leave > 2, -1, to_leave)
        partial = np.ones(len(act))
        joined_now = blk.join_month[act] == m
        partial[joined_now] = (end - lo[joined_now]).astype(np.int64) / (end - start).astype(np.int64)
        partial[gone] *= (day[gone] - lo[gone]).astype(np.int64) / (end - start).astype(np.int64)
        partial = np.clip(partial, 0.02, 1.0)
        depth = np.clip(6.9 - sat, 0, 3.5)
        usage = draw_usage(
            rng,
            minutes_base=minutes_base[act],
            data_base=data_base[act],
            spend_base=spend_base[act],
            onnet_share=blk.onnet_share[act],
            multi_sim=blk.multi_sim[act],
            roam_rate=roam_rate[act],
            drop_rate=drop_rate,
            net_exposure=net_exp,
            depth=depth,
            months_to_leave=to_leave,
            partial=partial,
            suspended=suspended_now,
            overcharge=0.1 * bill_hit,
        )
        changes = rng.poisson(0.02 + 0.25 * (to_leave >= 0))
        moved = changes > 0
        pay_channel[act[moved]] = draw_payment_channel(rng, blk.prepaid[act[moved]])
        usage.update(
            {
                "who": act,
                "month": m,
                "brand": brand[act],
                "plan": plan[act],
                "arrears_suspensions": new_susp.astype(np.int64),
                "payment_method_changes": changes,
                "payment_channel": pay_channel[act],
            }
        )
        out.rows["usage"].append(usage)
        out.rows["cells"].append({"who": act, "month": m, "cells": cidx, "shares": shares})
        out.rows["complaints"].append(ev.complaints)
        out.rows["contacts"].append(ev.contacts)
        # survey sample among lines in service all month
        in_service = ~gone & ~joined_now
        recent = np.where((staff_age[act] <= 2)[:, None], staff_met[act], 0.0)
        survey = draw_survey(
            rng, params, act, in_service, blk, sat, perceived, ar_noise[act], to_leave, m, recent
        )
        for (seg, dist), count in survey.pop("strata").items():
            out.strata[(m, seg, dist)] += count
        out.rows["surveys"].append(survey)
        voiced = ev.complained | ev.low_rating
        voiced[survey["pos"][survey["overall"] <= 6]] = True
        overall_all = np.clip(
            np.round(sat + rng.normal(0, float(params["survey"]["overall_noise_sd"]), len(act))), 1, 10
        )
        for s in range(len(SEGMENTS)):
            sel = blk.segment[act] == s
            out.population[(m, s)] = out.population.get((m, s), np.zeros(5)) + np.array(
                [
                    sel.sum(),
                    sat[sel].sum(),
                    dissatisfied[sel].sum(),
                    overall_all[sel].sum(),
                    (overall_all[sel] <= 6).sum(),
                ]
            )
        effects = care_effects(blk, act, sat, mask, ev.contacted, params)
        slope = float(chp["satisfaction_slope"])
        relief = np.minimum(effects["effect_outreach"], np.maximum(7.5 - sat, 0.0))
        effects.update(
            {
                "who": act,
                "month": m,
                "churn_hazard": np.round(hazard, 5),
                "churn_effect": np.round(hazard * (np.exp(-slope * relief) - 1.0), 5),
            }
        )
        out.rows["care"].append(effects)
        out.rows["satisfaction"].append(
            {
                "who": act,
                "month": m,
                "satisfaction": sat,
                "dissatisfied": dissatisfied,
                "primary_cause": np.where(
                    primary >= 0, np.array(DIMENSIONS, dtype=object)[np.maximum(primary, 0)], "none"
                ),
                "causes": CAUSE_STRINGS[mask],
                "voiced": voiced,
                "complained": ev.complained,
                "contacted": ev.contacted,
                **{f"points_{d}": np.round(contrib[:, i], 3) for i, d in enumerate(DIMENSIONS)},
                "incident_exposure": np.round(net_exp, 2),
                "billing_error": bill_hit > 0,
                "competitor_offer": competitor,
            }
        )
        churned_rows = np.flatnonzero(gone)
        out.rows["churn"].append(
            {
                "who": act[churned_rows],
                "month": m,
                "churn_type": churn_type[act[churned_rows]],
                "reason": churn_reason[act[churned_rows]],
            }
        )
        dn = np.flatnonzero(downgrade)
        if len(dn):
            out.rows["churn"].append(
                {
                    "who": act[dn],
                    "month": m,
                    "churn_type": np.full(len(dn), "downgrade", object),
                    "reason": np.full(len(dn), "brand_downgrade", object),
                }
            )
            brand[act[dn]] = BRANDS.index("easyown")
            fees = PLAN_FEE[_EASYOWN_PLANS]
            pick = np.searchsorted(fees, spend_base[act[dn]] * 0.5, side="right") - 1
            pick = np.clip(pick, 0, len(fees) - 1)
            plan[act[dn]] = _EASYOWN_PLANS[pick]
            spend_base[act[dn]] *= 0.6
    out.final = {
        "brand": brand,
        "plan": plan,
        "churn_month": churn_month,
        "churn_type": churn_type,
        "churn_reason": churn_reason,
        "status_day": status_day,
        "suspended": is_suspended_end & (churn_month < 0),
    }
    return out

"""First-touchpoint staff: service halls, agents and their latent service quality (seeds 002, 003).

The shared part (:func:`build_staff`) is generated once from its own random stream: halls in each
district (one per ``subscribers_per_hall``, visit shares log-normal), in each hall one front-desk
supervisor, one technical lead and a few service advisers, and a hotline call centre of
customer-service agents. Each hall and each agent has a latent quality per follow-up item
(attitude, competence, resolution, wait, explanation) in points of the 1-10 follow-up scale: a
normal spread, and a *weak* minority that loses points on every item and more on one or two
specific items. Effects are centred, so the average contact meets the quality it always did.

Per block (:class:`StaffBlock`, its own random stream, so the subscribers' story keeps its draws):
every subscriber has a home hall in their district; a hall contact goes to the role its reason
calls for (network -> technical lead, complaint/billing -> front-desk supervisor, the rest ->
service adviser) and to one of that hall's agents; a hotline contact to a call-centre agent.
The quality the customer meets moves the chance the issue is resolved and the SMS rating, the
survey's service items of recent customers, and the follow-up call's item scores
(:func:`draw_followups`, with the seed's observation that female customers react more to staff
attitude). The truth (``truth/halls``, ``truth/staff``) is each hall's and agent's latent quality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from cxradar.simulate.params import SimulatorParams

__all__ = ["FOLLOWUP_ITEMS", "ROLES", "StaffBlock", "StaffWorld", "build_staff", "draw_followups"]

ROLES = ("front_desk_supervisor", "service_adviser", "technical_lead", "customer_service_agent")
FOLLOWUP_ITEMS = ("attitude", "competence", "resolution", "wait", "explanation")
_HOTLINE = ROLES.index("customer_service_agent")
# contact reason -> hall role (inquiry, billing, network, plan_change, complaint, service, care, other)
_REASON_ROLE = {"network": 2, "complaint": 0, "billing": 0}
_ITEM_BASE = np.array([8.3, 8.1, 7.6, 7.7, 8.0])  # mean follow-up score per item of an average contact
VERBATIM = np.array(
    [
        "praise",
        "no_comment",
        "poor_attitude",
        "wrong_information",
        "not_resolved",
        "long_wait",
        "unclear_explanation",
        "pushy_sales",
        "other",
    ],
    dtype=object,
)
ACTIONS = np.array(["none", "apology", "callback", "escalated", "remedy", "coaching"], dtype=object)


def _quality(
    rng: np.random.Generator, n: int, sd: float, weak_share: float, general: float, item: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-item effects (n, items), the weak flag and a ';'-joined list of weak items per unit."""
    k = len(FOLLOWUP_ITEMS)
    effect = rng.normal(0.0, sd, (n, k)) + rng.normal(0.0, sd * 0.8, (n, 1))
    weak = rng.random(n) < weak_share
    weak_on = np.zeros((n, k), dtype=bool)
    for i in np.flatnonzero(weak):
        weak_on[i, rng.choice(k, size=int(rng.integers(1, 3)), replace=False)] = True
    effect -= weak[:, None] * general + weak_on * item
    names = np.array([";".join(np.array(FOLLOWUP_ITEMS)[row]) for row in weak_on], dtype=object)
    return effect - effect.mean(axis=0), weak, names


@dataclass
class StaffWorld:
    """Halls and agents of the operator with their latent per-item quality."""

    hall_ids: np.ndarray
    hall_district: np.ndarray
    hall_share: np.ndarray  # visit share of the hall within its district
    hall_effect: np.ndarray  # (halls, items)
    hall_weak: np.ndarray
    hall_weak_items: np.ndarray
    agent_ids: np.ndarray
    agent_hall: np.ndarray  # -1 for hotline agents
    agent_role: np.ndarray
    agent_district: np.ndarray
    agent_start: np.ndarray  # datetime64[D]
    agent_effect: np.ndarray  # (agents, items)
    agent_weak: np.ndarray
    agent_weak_items: np.ndarray
    group_start: np.ndarray  # per (hall, role) group: first position in group_agents
    group_agents: np.ndarray  # agents of each group, groups one after another
    group_cum: np.ndarray  # cumulative workload shares inside each group, offset by the group number
    districts: list[str] = field(default_factory=list)

    def group_of(self, hall: np.ndarray, role: np.ndarray) -> np.ndarray:
        """The (hall, role) group number; hotline agents are the last group."""
        n_halls = len(self.hall_ids)
        return np.where(role == _HOTLINE, n_halls * 3, hall * 3 + np.minimum(role, 2))

    def staff_table(self, schema: pa.Schema) -> pa.Table:
        hall = np.array([*self.hall_ids, None], dtype=object)[self.agent_hall]
        return pa.table(
            {
                "agent_id": pa.array(self.agent_ids, pa.string()),
                "hall_id": pa.array(hall, pa.string()),
                "role": pa.array(np.array(ROLES, dtype=object)[self.agent_role], pa.string()),
                "district": pa.array(
                    np.array(self.districts, dtype=object)[self.agent_district], pa.string()
                ),
                "start_date": pa.array(self.agent_start, pa.date32()),
            },
            schema=schema,
        )

    def truth_tables(self, served: np.ndarray, served_quality: np.ndarray) -> dict[str, pa.Table]:
        """``truth/halls`` and ``truth/staff``: latent quality (mean over items) and per item.

        A hall's ``quality`` is what its customers met: its own effect plus the mean effect of the
        agents who served them, weighted by the contacts each served in the window."""
        agent_mean = (self.agent_effect + self._agent_hall_effect()).mean(axis=1)
        sums = np.zeros(len(self.hall_ids))
        counts = np.zeros(len(self.hall_ids))
        in_hall = self.agent_hall >= 0
        np.add.at(sums, self.agent_hall[in_hall], served_quality[in_hall])
        np.add.at(counts, self.agent_hall[in_hall], served[in_hall])
        hall_quality = np.where(counts > 0, sums / np.maximum(counts, 1), self.hall_effect.mean(axis=1))
        halls = {
            "hall_id": pa.array(self.hall_ids, pa.string()),
            "district": pa.array(np.array(self.districts, dtype=object)[self.hall_district], pa.string()),
            "quality": np.round(hall_quality, 4),
            "hall_effect": np.round(self.hall_effect.mean(axis=1), 4),
            "weak": self.hall_weak,
            "weak_items": pa.array(self.hall_weak_items, pa.string()),
            "contacts_served": counts.astype(np.int64),
            **{f"quality_{it}": np.round(self.hall_effect[:, i], 4) for i, it in enumerate(FOLLOWUP_ITEMS)},
        }
        agents = {
            "agent_id": pa.array(self.agent_ids, pa.string()),
            "hall_id": pa.array(np.array([*self.hall_ids, None], dtype=object)[self.agent_hall], pa.string()),
            "role": pa.array(np.array(ROLES, dtype=object)[self.agent_role], pa.string()),
            "quality": np.round(agent_mean, 4),
            "agent_effect": np.round(self.agent_effect.mean(axis=1), 4),
            "weak": self.agent_weak,
            "weak_items": pa.array(self.agent_weak_items, pa.string()),
            "contacts_served": served.astype(np.int64),
            **{
                f"quality_{it}": np.round(self.agent_effect[:, i] + self._agent_hall_effect()[:, i], 4)
                for i, it in enumerate(FOLLOWUP_ITEMS)
            },
        }
        return {"truth/halls": pa.table(halls), "truth/staff": pa.table(agents)}

    def _agent_hall_effect(self) -> np.ndarray:
        padded = np.vstack([self.hall_effect, np.zeros((1, len(FOLLOWUP_ITEMS)))])
        return padded[self.agent_hall]


def build_staff(
    n_subscribers: int,
    districts: list[str],
    district_weights: np.ndarray,
    first_month: np.datetime64,
    params: SimulatorParams,
    rng: np.random.Generator,
) -> StaffWorld:
    """Halls, agents and their latent quality (``staff`` section of conf/simulator.yaml)."""
    sp = params["staff"]
    n_halls = max(len(districts), round(n_subscribers / float(sp["subscribers_per_hall"])))
    per_district = rng.multinomial(n_halls - len(districts), district_weights) + 1
    hall_district = np.repeat(np.arange(len(districts)), per_district)
    running = np.concatenate([np.arange(k) for k in per_district])
    hall_ids = np.array([f"H{d + 1:02d}{i + 1:03d}" for d, i in zip(hall_district, running, strict=True)])
    size = rng.lognormal(0.0, float(sp["hall_size_sd"]), n_halls)
    share = size / np.bincount(hall_district, weights=size)[hall_district]
    hall_effect, hall_weak, hall_weak_items = _quality(
        rng,
        n_halls,
        float(sp["hall_sd"]),
        float(sp["weak_hall_share"]),
        float(sp["weak_general"]),
        float(sp["weak_item"]),
    )
    agent_hall: list[int] = []
    agent_role: list[int] = []
    mean_advisers = float(sp["advisers_per_hall"])
    for h in range(n_halls):
        advisers = max(1, int(rng.poisson(mean_advisers * size[h] ** 0.5)))
        for role, count in ((0, 1), (1, advisers), (2, 1)):
            agent_hall += [h] * count
            agent_role += [role] * count
    n_hotline = max(4, round(n_subscribers / float(sp["subscribers_per_hotline_agent"])))
    agent_hall += [-1] * n_hotline
    agent_role += [_HOTLINE] * n_hotline
    hall_arr, role_arr = np.array(agent_hall), np.array(agent_role)
    n_agents = len(hall_arr)
    centre = int(np.argmax(district_weights))
    agent_district = np.where(hall_arr >= 0, hall_district[np.maximum(hall_arr, 0)], centre)
    days = rng.integers(30, 8 * 365, n_agents)
    start = (first_month.astype("datetime64[D]") - days.astype("timedelta64[D]")).astype("datetime64[D]")
    agent_effect, agent_weak, agent_weak_items = _quality(
        rng,
        n_agents,
        float(sp["agent_sd"]),
        float(sp["weak_agent_share"]),
        float(sp["weak_general"]),
        float(sp["weak_item"]),
    )
    workload = rng.lognormal(0.0, 0.35, n_agents)
    ids = np.array([f"AG{i + 1:05d}" for i in rng.permutation(n_agents)], dtype=object)
    n_groups = n_halls * 3 + 1
    group = np.where(role_arr == _HOTLINE, n_halls * 3, hall_arr * 3 + np.minimum(role_arr, 2))
    order = np.argsort(group, kind="stable")
    group_sorted = group[order]
    totals = np.bincount(group, weights=workload, minlength=n_groups)
    cum = np.zeros(n_agents)
    for g in range(n_groups):
        members = order[group_sorted == g]
        cum[group_sorted == g] = g + np.cumsum(workload[members]) / totals[g]
    return StaffWorld(
        hall_ids=hall_ids.astype(object),
        hall_district=hall_district,
        hall_share=share,
        hall_effect=hall_effect,
        hall_weak=hall_weak,
        hall_weak_items=hall_weak_items,
        agent_ids=ids,
        agent_hall=hall_arr,
        agent_role=role_arr,
        agent_district=agent_district,
        agent_start=start,
        agent_effect=agent_effect,
        agent_weak=agent_weak,
        agent_weak_items=agent_weak_items,
        group_start=np.searchsorted(group_sorted, np.arange(n_groups)),
        group_agents=order,
        group_cum=cum,
        districts=list(districts),
    )


@dataclass
class Served:
    """Who served each contact: hall (-1 none), agent (-1 self-service) and the quality met."""

    hall: np.ndarray
    agent: np.ndarray
    quality: np.ndarray  # (contacts, items); zero for self-service contacts


class StaffBlock:
    """One block's view of the staff: home halls, contact assignment, follow-ups, served counts."""

    def __init__(
        self, world: StaffWorld, district: np.ndarray, params: SimulatorParams, rng: np.random.Generator
    ):
        self.world = world
        self.params = params["staff"]
        self.rng = rng
        self.home_hall = np.zeros(len(district), dtype=np.int64)
        for d in range(len(world.districts)):
            members = np.flatnonzero(district == d)
            halls = np.flatnonzero(world.hall_district == d)
            if len(members) and len(halls):
                p = world.hall_share[halls] / world.hall_share[halls].sum()
                self.home_hall[members] = halls[rng.choice(len(halls), size=len(members), p=p)]
        self.served = np.zeros(len(world.agent_ids))
        self.served_quality = np.zeros(len(world.agent_ids))

    def serve(self, who: np.ndarray, channel: np.ndarray, reason: np.ndarray) -> Served:
        """Assign each contact (``who`` = block positions) to a hall and an agent."""
        w = self.world
        k = len(who)
        hall = np.full(k, -1, dtype=np.int64)
        agent = np.full(k, -1, dtype=np.int64)
        at_hall = channel == "hall"
        staffed = at_hall | (channel == "hotline")
        hall[at_hall] = self.home_hall[who[at_hall]]
        role = np.full(k, _HOTLINE)
        role[at_hall] = 1
        for name, r in _REASON_ROLE.items():
            role[at_hall & (reason == name)] = r
        idx = np.flatnonzero(staffed)
        group = w.group_of(np.maximum(hall[idx], 0), role[idx])
        pos = np.searchsorted(w.group_cum, group + self.rng.random(len(idx)), side="right")
        pos = np.clip(pos, w.group_start[group], np.append(w.group_start[1:], len(w.group_cum))[group] - 1)
        agent[idx] = w.group_agents[pos]
        quality = np.zeros((k, len(FOLLOWUP_ITEMS)))
        padded = np.vstack([w.hall_effect, np.zeros((1, len(FOLLOWUP_ITEMS)))])
        quality[idx] = w.agent_effect[agent[idx]] + padded[hall[idx]]
        np.add.at(self.served, agent[idx], 1.0)
        np.add.at(self.served_quality, agent[idx], quality[idx].mean(axis=1))
        return Served(hall, agent, quality)


def draw_followups(
    block: StaffBlock,
    served: Served,
    sat: np.ndarray,
    resolved: np.ndarray,
    at: np.ndarray,
    female: np.ndarray,
) -> dict[str, Any]:
    """The follow-up call of each staffed contact (arrays aligned with the contacts; -1/NaT = none)."""
    sp, rng = block.params, block.rng
    k = len(sat)
    staffed = served.agent >= 0
    called = staffed & (rng.random(k) < float(sp["followup_share"]))
    answered = called & (rng.random(k) < float(sp["followup_answered"]))
    late = rng.random(k) < float(sp["followup_late_share"])
    days = np.where(
        late,
        rng.uniform(float(sp["followup_days"]), 2 * float(sp["followup_days"]), k),
        rng.uniform(0.1, float(sp["followup_days"]), k),
    )
    called_at = at + (days * 86_400e6).astype(np.int64).astype("timedelta64[us]")
    effect = served.quality.copy()
    effect[:, 0] *= np.where(female, float(sp["female_attitude_sensitivity"]), 1.0)
    raw = (
        _ITEM_BASE
        + 0.45 * (sat - 7.6)[:, None]
        + np.outer(resolved - 0.8, [0.6, 0.6, 2.2, 0.3, 0.6])
        + effect
        + rng.normal(0.0, float(sp["followup_noise_sd"]), (k, len(FOLLOWUP_ITEMS)))
        + rng.normal(0.0, 0.5, (k, 1))
    )
    scores = np.clip(np.round(raw), 1, 10).astype(np.int64)
    skipped = rng.random(scores.shape) < 0.04
    scores = np.where(answered[:, None] & ~skipped, scores, -1)
    worst = np.argmin(np.where(scores < 0, 99, scores), axis=1)
    low = answered & (np.where(scores < 0, 99, scores).min(axis=1) <= 5)
    given = scores >= 0
    mean = np.where(given, scores, 0).sum(axis=1) / np.maximum(given.sum(axis=1), 1)
    verbatim = np.full(k, -1)
    verbatim[answered] = 1
    verbatim[answered & (mean >= 9) & (rng.random(k) < 0.5)] = 0
    complaint_of_item = np.array([2, 3, 4, 5, 6])
    verbatim[low] = complaint_of_item[worst[low]]
    pushy = low & (served.quality[:, 4] < -0.5) & (rng.random(k) < 0.3)
    verbatim[pushy] = 7
    verbatim[low & (rng.random(k) < 0.08)] = 8
    action_by_verbatim = np.array([0, 0, 5, 2, 3, 1, 2, 1, 2])
    action = np.where(verbatim >= 0, action_by_verbatim[np.maximum(verbatim, 0)], -1)
    fixable = verbatim == 4
    action[fixable & (rng.random(k) < 0.4)] = 4
    return {
        "fu_called": called,
        "fu_at": called_at,
        "fu_answered": answered,
        "fu_scores": scores,
        "fu_verbatim": verbatim,
        "fu_action": action,
    }

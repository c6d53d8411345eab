"""Subscribers of one block: attributes an operator records, and latent traits it cannot see.

A block is a contiguous range of global subscriber indices with its own random stream.
VPMN corporate groups are formed inside a block (a group never spans blocks), which keeps
blocks independent while giving realistic group sizes (5-200 members, mostly enterprise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxradar.simulate.params import DIMENSIONS, SEGMENTS, SimulatorParams

__all__ = ["BRANDS", "PLANS", "Block", "make_block", "msisdn_numbers"]

BRANDS = ("gotone", "mzone", "easyown")
# plan code -> monthly fee (CNY), per brand
PLANS: dict[str, dict[str, int]] = {
    "gotone": {"GT58": 58, "GT88": 88, "GT128": 128, "GT188": 188, "GT288": 288, "GT388": 388},
    "mzone": {"MZ18": 18, "MZ28": 28, "MZ38": 38, "MZ58": 58, "MZ98": 98},
    "easyown": {"EO8": 8, "EO18": 18, "EO28": 28, "EO38": 38, "EO58": 58},
}
PLAN_CODES = [p for b in BRANDS for p in PLANS[b]]
PLAN_FEE = np.array([PLANS[b][p] for b in BRANDS for p in PLANS[b]], dtype=float)
PLAN_BRAND = np.array([i for i, b in enumerate(BRANDS) for _ in PLANS[b]])
_BRAND_BY_SEGMENT = {  # gotone, mzone, easyown
    "high_end": (0.85, 0.05, 0.10),
    "data": (0.25, 0.55, 0.20),
    "enterprise": (0.70, 0.0, 0.30),
    "mass": (0.10, 0.25, 0.65),
}
_AGE = {"high_end": (42, 10), "data": (27, 7), "enterprise": (39, 9), "mass": (45, 16)}
OCCUPATIONS = np.array(
    ["staff", "manager", "student", "worker", "self_employed", "civil_servant", "retired", "farmer", "other"],
    dtype=object,
)
_OCC_P = {
    "high_end": (0.25, 0.35, 0.0, 0.02, 0.2, 0.1, 0.05, 0.0, 0.03),
    "data": (0.35, 0.05, 0.35, 0.1, 0.07, 0.03, 0.0, 0.0, 0.05),
    "enterprise": (0.5, 0.2, 0.0, 0.1, 0.02, 0.15, 0.0, 0.0, 0.03),
    "mass": (0.2, 0.03, 0.1, 0.2, 0.1, 0.05, 0.2, 0.05, 0.07),
}
_PREFIXES = np.array(
    [
        134,
        135,
        136,
        137,
        138,
        139,
        147,
        150,
        151,
        152,
        157,
        158,
        159,
        172,
        178,
        182,
        183,
        184,
        187,
        188,
        195,
        197,
        198,
    ]
)


def msisdn_numbers(index: np.ndarray) -> np.ndarray:
    """Unique 11-digit China Mobile numbers (int64) for global subscriber indices < 10**8."""
    body = (index.astype(np.int64) * 73_939_133 + 12_345_677) % 100_000_000
    prefix = _PREFIXES[(index * 7 + body % 13) % len(_PREFIXES)]
    return prefix.astype(np.int64) * 100_000_000 + body


@dataclass
class Block:
    """Arrays (one entry per subscriber of the block)."""

    index: np.ndarray
    msisdn: np.ndarray  # int64
    segment: np.ndarray  # int index into SEGMENTS
    brand: np.ndarray  # int index into BRANDS
    plan: np.ndarray  # int index into PLAN_CODES
    spend_base: np.ndarray
    misfit: np.ndarray  # overage share above the plan fee (poor plan fit)
    prepaid: np.ndarray
    district: np.ndarray
    age: np.ndarray
    gender: np.ndarray
    occupation: np.ndarray
    join_day: np.ndarray  # datetime64[D]
    join_month: np.ndarray  # window month index of joining (-1 = before the window)
    level: np.ndarray
    contact_complete: np.ndarray
    is_local: np.ndarray
    group: np.ndarray  # group number inside block, -1 none
    group_paid: np.ndarray
    group_ids: list[str]
    group_leave_month: np.ndarray  # per subscriber: month index their group takes them away, -1 none
    group_churn: list[tuple[str, int, int, int]]  # group_id, month, members, members_left
    expectation: np.ndarray  # (n, 4) by DIMENSIONS
    voice: np.ndarray
    contact_rate: np.ndarray
    mood: np.ndarray
    perception: np.ndarray  # (n, 4) persistent perception offsets (unobservable)
    onnet_share: np.ndarray
    multi_sim: np.ndarray
    care_gain: np.ndarray

    @property
    def n(self) -> int:
        return len(self.index)


def _groups(
    rng: np.random.Generator, segment: np.ndarray, params: SimulatorParams, block_no: int, months: int
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, list[tuple[str, int, int, int]]]:
    gp = params["groups"]
    n = len(segment)
    ent = segment == SEGMENTS.index("enterprise")
    joins = np.where(
        ent, rng.random(n) < float(gp["enterprise_in_group"]), rng.random(n) < float(gp["other_in_group"])
    )
    members = rng.permutation(np.flatnonzero(joins))
    group = np.full(n, -1)
    sizes: list[int] = []
    pos = 0
    while len(members) - pos >= 5:
        size = int(np.clip(rng.lognormal(float(gp["size_log_mean"]), float(gp["size_log_sd"])), 5, 200))
        size = min(size, len(members) - pos)
        group[members[pos : pos + size]] = len(sizes)
        sizes.append(size)
        pos += size
    ids = [f"G{block_no:04d}{k:04d}" for k in range(len(sizes))]
    paid_group = rng.random(len(sizes)) < float(gp["group_paid"])
    group_paid = np.zeros(n, dtype=bool)
    ing = group >= 0
    group_paid[ing] = paid_group[group[ing]] & (rng.random(int(ing.sum())) < 0.7)
    leave_month = np.full(n, -1)
    events: list[tuple[str, int, int, int]] = []
    if months >= 2:
        leaving = rng.random(len(sizes)) < float(gp["collective_churn"])
        for g in np.flatnonzero(leaving):
            m0 = int(rng.integers(1, months))
            who = np.flatnonzero(group == g)
            go = who[rng.random(len(who)) < float(gp["leave_share"])]
            leave_month[go] = np.minimum(m0 + rng.integers(0, 2, len(go)), months - 1)
            events.append((ids[g], m0, len(who), len(go)))
    return group, group_paid, ids, leave_month, events


def make_block(
    block_no: int,
    start: int,
    n: int,
    months: int,
    window_start: np.datetime64,
    params: SimulatorParams,
    rng: np.random.Generator,
    n_districts: int,
    district_weights: np.ndarray,
) -> Block:
    """Draw the attributes and latent traits of subscribers ``start .. start + n - 1``."""
    index = np.arange(start, start + n, dtype=np.int64)
    seg_p = np.array([float(params["segments"][s]) for s in SEGMENTS])
    segment = rng.choice(len(SEGMENTS), size=n, p=seg_p / seg_p.sum())
    brand = np.empty(n, dtype=np.int64)
    age = np.empty(n)
    occupation = np.empty(n, dtype=object)
    for s, name in enumerate(SEGMENTS):
        idx = np.flatnonzero(segment == s)
        brand[idx] = rng.choice(3, size=len(idx), p=_BRAND_BY_SEGMENT[name])
        mu, sd = _AGE[name]
        age[idx] = np.clip(rng.normal(mu, sd, len(idx)), 16, 85)
        occupation[idx] = rng.choice(OCCUPATIONS, size=len(idx), p=np.array(_OCC_P[name]) / sum(_OCC_P[name]))
    arpu = np.array([params.by_segment("arpu", "")[s] for s in SEGMENTS])
    spend_base = arpu[segment] * rng.lognormal(-0.5 * 0.45**2, 0.45, n)
    plan = np.empty(n, dtype=np.int64)
    for b in range(3):
        codes = np.flatnonzero(b == PLAN_BRAND)
        fees = PLAN_FEE[codes]
        idx = np.flatnonzero(brand == b)
        k = np.searchsorted(fees, spend_base[idx] * 0.95, side="right") - 1
        plan[idx] = codes[np.clip(k, 0, len(codes) - 1)]
    misfit = np.clip(spend_base / PLAN_FEE[plan] - 1.0, 0.0, 3.0)
    prepaid_p = params.by_segment("usage", "prepaid_share")
    prepaid = rng.random(n) < np.array([prepaid_p[s] for s in SEGMENTS])[segment]
    district = rng.choice(n_districts, size=n, p=district_weights)
    gender = np.where(rng.random(n) < 0.52, "M", "F").astype(object)
    gender[rng.random(n) < 0.01] = None
    occupation[rng.random(n) < 0.05] = None
    new = rng.random(n) < float(params["churn"]["new_joiners_per_month"]) * months
    join_month = np.where(new, rng.integers(0, months, n), -1)
    tenure_days = np.minimum(rng.exponential(5.5 * 365, n) + 60, 22 * 365).astype(np.int64)
    before = window_start - tenure_days.astype("timedelta64[D]")
    in_window = (window_start.astype("datetime64[M]") + join_month).astype("datetime64[D]") + rng.integers(
        0, 28, n
    ).astype("timedelta64[D]")
    join_day = np.where(new, in_window, before)
    tenure_years = (window_start - join_day).astype(np.int64) / 365.0
    score = np.log(spend_base) + 0.08 * np.clip(tenure_years, 0, 15) + rng.normal(0, 0.3, n)
    level = np.digitize(score, [np.log(60), np.log(110), np.log(200), np.log(320)])
    contact_complete = rng.random(n) < np.where(prepaid, 0.75, 0.93)
    is_local = rng.random(n) < 0.95
    group, group_paid, group_ids, leave_month, events = _groups(rng, segment, params, block_no, months)

    ep = params["expectation"]
    expectation = np.column_stack(
        [
            np.array([float(ep[d][s]) for s in SEGMENTS])[segment]
            + 0.08 * (level - 1)
            + rng.normal(0, float(ep["individual_sd"]), n)
            for d in DIMENSIONS
        ]
    )
    vmean = np.array([params.by_segment("voice", "mean")[s] for s in SEGMENTS])[segment]
    conc = float(params["voice"]["concentration"])
    voice = rng.beta(vmean * conc, (1 - vmean) * conc)
    cp = params["contacts"]
    contact_rate = rng.gamma(float(cp["shape"]), float(cp["monthly_mean"]) / float(cp["shape"]), n)
    mood = rng.normal(0, float(params["satisfaction"]["person_sd"]), n)
    perception = rng.normal(0, float(params["perception"]["individual_sd"]), (n, len(DIMENSIONS)))
    onnet = np.clip(rng.beta(6, 4, n) * float(params["usage"]["onnet_share"]) / 0.6, 0.05, 0.98)
    high_value = (segment == SEGMENTS.index("high_end")) | (segment == SEGMENTS.index("enterprise"))
    multi_sim = high_value & (rng.random(n) < float(params["usage"]["multi_sim_share_high_value"]))
    never = rng.random(n) < float(params["care"]["never_respond"])
    care_gain = np.where(never, 0.0, rng.lognormal(-0.5 * 0.5**2, 0.5, n))
    return Block(
        index,
        msisdn_numbers(index),
        segment,
        brand,
        plan,
        spend_base,
        misfit,
        prepaid,
        district,
        age,
        gender,
        occupation,
        join_day.astype("datetime64[D]"),
        join_month,
        level,
        contact_complete,
        is_local,
        group,
        group_paid,
        group_ids,
        leave_month,
        events,
        expectation,
        voice,
        contact_rate,
        mood,
        perception,
        onnet,
        multi_sim,
        care_gain,
    )

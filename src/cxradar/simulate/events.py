"""Complaints and channel contacts of one block-month, driven by true satisfaction and events.

Who voices: the chance of a complaint grows with the depth of dissatisfaction times a personal
propensity to voice (low for many people, and lower in the mass segment), so most dissatisfied
customers stay silent. Contacts happen at a personal rate (many people never contact any
channel), rise after billing errors and outages, and end resolved or not; a post-contact SMS
rating (1-5) is answered by about 30 % and reflects satisfaction and the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxradar.simulate.params import DIMENSIONS, SimulatorParams
from cxradar.simulate.staff import StaffBlock, draw_followups

__all__ = ["COMPLAINT_TYPES", "CONTACT_CHANNELS", "CONTACT_REASONS", "Events", "draw_events", "times_between"]

COMPLAINT_TYPES = np.array(["network", "billing", "marketing", "service", "other"], dtype=object)
_CAUSE_TO_TYPE = np.array([0, 2, 3, 1])  # network, value->marketing, service, billing
_TYPE_P = np.array([0.25, 0.2, 0.2, 0.2, 0.15])
_PRODUCTS = np.array(["voice", "data", "value_added", "broadband", "other"], dtype=object)
_PRODUCT_BY_TYPE = np.array(
    [  # rows: complaint type; columns: product
        [0.45, 0.50, 0.0, 0.03, 0.02],
        [0.35, 0.30, 0.30, 0.03, 0.02],
        [0.10, 0.25, 0.60, 0.03, 0.02],
        [0.40, 0.25, 0.15, 0.05, 0.15],
        [0.30, 0.20, 0.20, 0.05, 0.25],
    ]
)
_COMPLAINT_CHANNELS = np.array(["hotline", "hall", "web", "app", "wechat", "regulator"], dtype=object)
_COMPLAINT_CHANNEL_P = np.array([0.60, 0.15, 0.05, 0.10, 0.08, 0.02])
CONTACT_CHANNELS = np.array(["hotline", "app", "hall", "wechat", "web", "sms"], dtype=object)
_CONTACT_CHANNEL_P = np.array([0.42, 0.22, 0.15, 0.10, 0.06, 0.05])
CONTACT_REASONS = np.array(["inquiry", "billing", "network", "plan_change", "service", "other"], dtype=object)
_REASON_P = np.array([0.34, 0.16, 0.08, 0.16, 0.10, 0.16])


def times_between(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Uniform instants in [lo, hi) (datetime64[us] arrays)."""
    span = np.maximum((hi - lo).astype(np.int64), 1)
    return lo + (rng.random(len(lo)) * span).astype(np.int64).astype("timedelta64[us]")


def _categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows, k) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random((len(probs), 1)) > cum).sum(axis=1), probs.shape[1] - 1)


@dataclass
class Events:
    """Rows of complaints and contacts (``who`` = position in the block) plus per-subscriber flags."""

    complaints: dict[str, np.ndarray]
    contacts: dict[str, np.ndarray]
    complained: np.ndarray  # per subscriber: opened a complaint
    low_rating: np.ndarray  # per subscriber: rated a contact <= 2
    unresolved: np.ndarray  # per subscriber: an issue left unresolved (hurts service next month)
    contacted: np.ndarray  # per subscriber: any channel contact


def draw_events(
    rng: np.random.Generator,
    params: SimulatorParams,
    who: np.ndarray,
    sat: np.ndarray,
    primary: np.ndarray,
    voice: np.ndarray,
    contact_rate: np.ndarray,
    net_exposure: np.ndarray,
    billing_hit: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    unresolved_before: np.ndarray,
    staff: StaffBlock | None = None,
    female: np.ndarray | None = None,
) -> Events:
    """Complaints and contacts of the active subscribers ``who`` (arrays are aligned with ``who``)."""
    vp, cp = params["voice"], params["contacts"]
    depth = np.clip(6.9 - sat, 0.0, 3.5)
    p_complain = (
        float(vp["complaint_base"])
        + float(vp["complaint_slope"]) * voice * depth
        + 0.03 * voice * (net_exposure > 15)
        + 0.08 * voice * (billing_hit > 0)
    )
    complained = rng.random(len(who)) < np.clip(p_complain, 0, 0.9)
    c_idx = np.flatnonzero(complained)
    c_idx = np.concatenate([c_idx, c_idx[rng.random(len(c_idx)) < 0.12]])
    k = len(c_idx)
    ctype = rng.choice(len(COMPLAINT_TYPES), size=k, p=_TYPE_P)
    dissat = primary[c_idx] >= 0
    matches = dissat & (rng.random(k) < 0.85)
    ctype[matches] = _CAUSE_TO_TYPE[primary[c_idx][matches]]
    ctype[~dissat & (billing_hit[c_idx] > 0)] = 1
    ctype[~dissat & (billing_hit[c_idx] == 0) & (net_exposure[c_idx] > 15)] = 0
    product = _categorical(rng, _PRODUCT_BY_TYPE[ctype])
    severity = 1 + (rng.random(k) < 0.12 + 0.05 * depth[c_idx]) + (rng.random(k) < 0.03)
    channel = rng.choice(len(_COMPLAINT_CHANNELS), size=k, p=_COMPLAINT_CHANNEL_P)
    channel[severity == 3] = np.where(rng.random(int((severity == 3).sum())) < 0.3, 5, channel[severity == 3])
    opened = times_between(rng, lo[c_idx], hi[c_idx])
    fcr_p = np.where(
        _PRODUCTS[product] == "value_added",
        float(vp["first_contact_resolved_value_added"]),
        float(vp["first_contact_resolved"]),
    )
    fcr = rng.random(k) < fcr_p
    hours = np.where(fcr, rng.lognormal(np.log(4), 1.0, k), rng.lognormal(np.log(72), 0.8, k))
    resolved = opened + (hours * 3.6e9).astype(np.int64).astype("timedelta64[us]")
    window_end = hi.max() if len(hi) else opened
    open_case = (resolved >= window_end) | (rng.random(k) < 0.01)
    complaints = {
        "who": who[c_idx],
        "opened_at": opened,
        "type": COMPLAINT_TYPES[ctype],
        "product": _PRODUCTS[product],
        "severity": severity.astype(np.int64),
        "channel": _COMPLAINT_CHANNELS[channel],
        "resolved_at": np.where(open_case, np.datetime64("NaT"), resolved),
        "fcr": np.where(open_case, np.array(None, dtype=object), fcr.astype(object)),
    }

    lam = contact_rate * (
        1.0
        + 2.5 * (billing_hit > 0)
        + 0.6 * (net_exposure > 10)
        + 0.8 * voice * depth
        + 1.0 * unresolved_before
    )
    counts = rng.poisson(lam)
    t_idx = np.repeat(np.arange(len(who)), counts)
    reason_w = np.tile(_REASON_P, (len(t_idx), 1))
    reason_w[:, 1] += 3.0 * (billing_hit[t_idx] > 0)
    reason_w[:, 2] += 1.5 * (net_exposure[t_idx] > 10)
    reason_w[:, 3] += 0.3 * (primary[t_idx] == DIMENSIONS.index("value"))
    reason = _categorical(rng, reason_w)
    tough = ((reason == 2) & (net_exposure[t_idx] > 10)) | ((reason == 1) & (billing_hit[t_idx] > 0))
    ok_draw = rng.random(len(t_idx))
    p_resolved = np.where(tough, 0.6, float(cp["resolved"]))
    # a complaint is also a contact (except via the regulator); its outcome is first-contact resolution
    from_c = np.flatnonzero(_COMPLAINT_CHANNELS[channel] != "regulator")
    cc_channel = _COMPLAINT_CHANNELS[channel[from_c]]
    ct_at = np.concatenate([times_between(rng, lo[t_idx], hi[t_idx]), opened[from_c]])
    ct_who = np.concatenate([t_idx, c_idx[from_c]])
    ct_channel = np.concatenate(
        [CONTACT_CHANNELS[rng.choice(6, size=len(t_idx), p=_CONTACT_CHANNEL_P)], cc_channel]
    )
    ct_reason = np.concatenate([CONTACT_REASONS[reason], np.full(len(from_c), "complaint", dtype=object)])
    # the staff who served a contact move its chance of resolution and its rating (centred effects,
    # drawn from the staff's own stream so every other draw of the story stays where it was)
    served = None
    resolution_lift = np.zeros(len(ct_who))
    rating_lift = np.zeros(len(ct_who))
    if staff is not None:
        served = staff.serve(ct_who, ct_channel, ct_reason)
        resolution_lift = float(staff.params["resolution_per_point"]) * served.quality[:, 2]
        rating_lift = float(staff.params["rating_per_point"]) * served.quality.mean(axis=1)
    ok = ok_draw < p_resolved + resolution_lift[: len(t_idx)]
    ct_ok = np.concatenate([ok, fcr[from_c]])
    answered = rng.random(len(ct_who)) < float(cp["rating_answered"])
    score = 2.3 + 0.5 * (sat[ct_who] - 5.0) + 1.0 * ct_ok + rng.normal(0, 0.6, len(ct_who)) + rating_lift
    rating = np.clip(np.round(score), 1, 5).astype(np.int64)
    contacts: dict[str, np.ndarray] = {
        "who": who[ct_who],
        "at": ct_at,
        "channel": ct_channel,
        "reason": ct_reason,
        "rating": np.where(answered, rating, -1),
    }
    if staff is not None and served is not None:
        is_female = female[ct_who] if female is not None else np.zeros(len(ct_who), dtype=bool)
        contacts.update({"hall": served.hall, "agent": served.agent, "quality": served.quality})
        contacts.update(draw_followups(staff, served, sat[ct_who], ct_ok.astype(float), ct_at, is_female))
    low = np.zeros(len(who), dtype=bool)
    low[ct_who[answered & (rating <= 2)]] = True
    unresolved = np.zeros(len(who))
    np.add.at(unresolved, ct_who[~ct_ok], 1.0)
    contacted = np.zeros(len(who), dtype=bool)
    contacted[ct_who] = True
    return Events(complaints, contacts, complained, low, np.minimum(unresolved, 2.0), contacted)

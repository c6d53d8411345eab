"""The monthly 1-10 satisfaction survey: a stratified sample and ECSI-style item answers.

Sampling is stratified by segment x district with segment-specific sampling rates (core
segments are oversampled) and segment-specific response rates, so the unweighted mean is
biased and the weight N_h / respondents_h (set once all blocks are known) recovers the
population. Items follow the constructs of ``conf/csi/telecom.yaml``: each item is its
construct's standardised latent score times a loading of 0.7-0.9 plus noise, on 1-10. The
latent scores come from the hidden story (perceived quality per dimension, expectations, true
satisfaction), so quality drives value and satisfaction, and satisfaction drives complaint
handling and loyalty; ``overall`` is true satisfaction plus a little noise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cxradar.simulate.params import SEGMENTS, SimulatorParams

if TYPE_CHECKING:
    from cxradar.simulate.population import Block

__all__ = ["ITEMS", "draw_survey"]

# item -> (construct, loading); constructs are standardised latent scores built below
ITEMS: dict[str, tuple[str, float]] = {
    "img1": ("Image", 0.85),
    "img2": ("Image", 0.80),
    "img3": ("Image", 0.72),
    "exp1": ("Expectation", 0.86),
    "exp2": ("Expectation", 0.83),
    "exp3": ("Expectation", 0.8),
    "qnet1": ("NetworkQuality", 0.88),
    "qnet2": ("NetworkQuality", 0.82),
    "qnet3": ("NetworkQuality", 0.85),
    "qsvc1": ("ServiceQuality", 0.80),
    "qsvc2": ("ServiceQuality", 0.87),
    "qbil1": ("BillingQuality", 0.88),
    "qbil2": ("BillingQuality", 0.80),
    "val1": ("Value", 0.86),
    "val2": ("Value", 0.84),
    "sat1": ("Satisfaction", 0.92),
    "sat2": ("Satisfaction", 0.86),
    "sat3": ("Satisfaction", 0.80),
    "cmp1": ("Complaints", 1.0),
    "loy1": ("Loyalty", 0.88),
    "loy2": ("Loyalty", 0.84),
    "loy3": ("Loyalty", 0.72),
    "tp_search": ("Search", 0.75),
    "tp_site": ("Site", 0.78),
    "tp_shopping": ("Shopping", 0.75),
    "tp_satisfaction": ("After", 0.80),
}
_CENTRE = {
    "Image": 7.8,
    "Expectation": 8.0,
    "NetworkQuality": 7.7,
    "ServiceQuality": 7.8,
    "BillingQuality": 8.0,
    "Value": 7.3,
    "Satisfaction": 7.6,
    "Complaints": 7.2,
    "Loyalty": 7.5,
    "Search": 7.6,
    "Site": 7.9,
    "Shopping": 7.7,
    "After": 7.6,
}
_SCALE = 1.35
_SURVEY_CHANNELS = np.array(["sms", "phone", "app", "web"], dtype=object)


def _z(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float)


def draw_survey(
    rng: np.random.Generator,
    params: SimulatorParams,
    act: np.ndarray,
    eligible: np.ndarray,
    blk: Block,
    sat: np.ndarray,
    perceived: np.ndarray,
    month_noise: np.ndarray,
    to_leave: np.ndarray,
    month: int,
    staff_met: np.ndarray | None = None,
) -> dict[str, Any]:
    """Sample, responses and item answers for one block-month (positions relative to ``act``).

    ``staff_met`` (aligned with ``act``; items attitude, competence, resolution, wait, explanation)
    is the quality of the staff who served each subscriber in the last three months, in points:
    it moves the service items (staff competence, problems solved, the hall visit, buying a
    service) of those who met them."""
    sv = params["survey"]
    seg = blk.segment[act]
    rate = np.array([params.by_segment("survey", "sampling_rate")[s] for s in SEGMENTS])[seg]
    resp = np.array([params.by_segment("survey", "response_rate")[s] for s in SEGMENTS])[seg]
    sampled = eligible & (rng.random(len(act)) < rate)
    responded = sampled & (rng.random(len(act)) < resp)
    strata: dict[tuple[int, int], int] = {}
    keys = seg[eligible] * 100 + blk.district[act][eligible]
    uniq, counts = np.unique(keys, return_counts=True)
    for key, count in zip(uniq.tolist(), counts.tolist(), strict=True):
        strata[(key // 100, key % 100)] = count
    pos = np.flatnonzero(responded)
    k = len(pos)
    who = act[pos]
    s = sat[pos]
    z_sat = (s - 7.6) / 1.2
    z_q = (perceived[pos] - np.array([8.2, 7.9, 8.1, 8.4])) / np.array([0.7, 0.6, 0.6, 0.6])
    z_exp = (blk.expectation[who].mean(axis=1) - 8.0) / 0.35
    z_img = 0.5 * (blk.mood[who] / 0.35) * 0.6 + 0.4 * z_sat + 0.6 * rng.normal(0, 1, k)
    latent = {
        "Image": z_img,
        "Expectation": 0.45 * z_img + 0.6 * z_exp + 0.5 * rng.normal(0, 1, k),
        # quality answers carry a halo from the respondent's image of the operator (response style)
        "NetworkQuality": 0.9 * z_q[:, 0] + 0.35 * z_img,
        "ServiceQuality": 0.9 * z_q[:, 2] + 0.35 * z_img,
        "BillingQuality": 0.9 * z_q[:, 3] + 0.35 * z_img,
        "Value": 0.6 * z_q[:, 1] + 0.25 * z_q[:, 0] + 0.15 * z_q[:, 2] + 0.4 * rng.normal(0, 1, k),
        "Satisfaction": z_sat,
        "Complaints": 0.65 * z_sat + 0.76 * rng.normal(0, 1, k),
        "Loyalty": 0.6 * z_sat + 0.2 * z_img - 0.8 * (to_leave[pos] >= 0) + 0.6 * rng.normal(0, 1, k),
        "Search": 0.5 * z_q[:, 2] + 0.3 * z_sat + 0.6 * rng.normal(0, 1, k),
        "Site": 0.7 * z_q[:, 2] + 0.2 * z_sat + 0.5 * rng.normal(0, 1, k),
        "Shopping": 0.4 * z_q[:, 2] + 0.3 * z_q[:, 1] + 0.3 * z_sat + 0.6 * rng.normal(0, 1, k),
        "After": 0.4 * z_q[:, 2] + 0.5 * z_sat + 0.5 * rng.normal(0, 1, k),
    }
    shift: dict[str, np.ndarray] = {}
    if staff_met is not None:  # external service items owned by first-touchpoint staff
        met = staff_met[pos] * float(params["staff"]["survey_per_point"])
        shift = {
            "qsvc1": met[:, 1],
            "qsvc2": met[:, 2],
            "tp_site": 0.5 * (met[:, 0] + met[:, 3]),
            "tp_shopping": met[:, 4],
            "cmp1": 0.5 * (met[:, 0] + met[:, 2]),
        }
    answers: dict[str, Any] = {}
    for item, (construct, loading) in ITEMS.items():
        lat = _z(latent[construct]) + shift.get(item, 0.0)
        value = _CENTRE[construct] + _SCALE * (
            loading * lat + np.sqrt(max(1 - loading**2, 0.0)) * rng.normal(0, 1, k)
        )
        answer = np.clip(np.round(value), 1, 10)
        missing = rng.random(k) < float(
            sv["touchpoint_missing"] if item.startswith("tp_") else sv["item_missing"]
        )
        answers[item] = np.where(missing, -1, answer).astype(np.int64)
    overall = np.clip(np.round(s + rng.normal(0, float(sv["overall_noise_sd"]), k)), 1, 10).astype(np.int64)
    channel = np.where(
        seg[pos] == 0,
        rng.choice(4, size=k, p=(0.3, 0.5, 0.15, 0.05)),
        rng.choice(4, size=k, p=(0.55, 0.25, 0.15, 0.05)),
    )
    return {
        "pos": pos,
        "who": who,
        "month": month,
        "overall": overall,
        "channel": _SURVEY_CHANNELS[channel],
        "segment": seg[pos],
        "district": blk.district[who],
        "strata": strata,
        **answers,
    }

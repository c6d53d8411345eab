"""Expectation–service matching: perceived quality per dimension, gaps and true satisfaction.

Perceived quality per dimension (network, value, service, billing) is a personal baseline plus
the deficits caused by events (cell quality, incident exposure, poor plan fit, competitor
offers, unresolved contacts, system failures, billing errors); event deficits persist and decay
month to month. Satisfaction on the 1-10 scale is a base level plus the weighted
perceived-minus-expected gaps (falling short hurts more than exceeding helps), a persistent
personal mood and month noise - the last two the operator can never see.
"""

from __future__ import annotations

import numpy as np

from cxradar.simulate.params import DIMENSIONS, SimulatorParams

__all__ = ["CAUSE_STRINGS", "causes_of", "contributions", "event_deficits", "perceived_baseline"]

# ';'-joined cause names for each 4-bit mask (bit i = DIMENSIONS[i])
CAUSE_STRINGS = np.array(
    [";".join(d for i, d in enumerate(DIMENSIONS) if mask >> i & 1) for mask in range(16)], dtype=object
)


def perceived_baseline(
    params: SimulatorParams, misfit: np.ndarray, cell_bad: np.ndarray, perception: np.ndarray
) -> np.ndarray:
    """Perceived quality (n, 4) with no events: personal offsets, persistent cell quality and plan fit."""
    p = params["perception"]
    base = np.column_stack(
        [
            float(p["network"]["base"]) - float(p["network"]["cell_badness"]) * cell_bad,
            float(p["value"]["base"]) - float(p["value"]["misfit"]) * misfit,
            np.full(len(misfit), float(p["service"]["base"])),
            float(p["billing"]["base"]) - float(p["billing"]["overage"]) * misfit,
        ]
    )
    return base + perception


def event_deficits(
    params: SimulatorParams,
    net_exposure: np.ndarray,
    competitor: np.ndarray,
    unresolved: np.ndarray,
    system_exposure: np.ndarray,
    billing_hit: np.ndarray,
    suspended: np.ndarray,
) -> np.ndarray:
    """This month's event deficits (n, 4) in points of perceived quality."""
    p = params["perception"]
    return np.column_stack(
        [
            float(p["network"]["incident"]) * np.minimum(np.log1p(net_exposure / 3.0), 2.5),
            float(p["value"]["competitor"]) * competitor,
            float(p["service"]["unresolved"]) * unresolved
            + float(p["service"]["system_failure"]) * np.log1p(system_exposure / 4.0),
            float(p["billing"]["billing_error"]) * billing_hit
            + float(p["billing"]["suspension"]) * suspended,
        ]
    )


def contributions(perceived: np.ndarray, expectation: np.ndarray, params: SimulatorParams) -> np.ndarray:
    """Points each dimension adds to satisfaction (n, 4): weighted, asymmetric perceived-minus-expected."""
    sp = params["satisfaction"]
    weights = np.array([float(sp["weights"][d]) for d in DIMENSIONS])
    gap = perceived - expectation
    return weights * (np.minimum(gap, 0.0) + float(sp["positive_gap_weight"]) * np.maximum(gap, 0.0))


def causes_of(
    contrib: np.ndarray, dissatisfied: np.ndarray, min_points: float
) -> tuple[np.ndarray, np.ndarray]:
    """Primary cause index (-1 when satisfied) and the cause bit mask for each subscriber."""
    primary = np.where(dissatisfied, np.argmin(contrib, axis=1), -1)
    mask = ((contrib <= -min_points) * (1 << np.arange(contrib.shape[1]))).sum(axis=1)
    mask = np.where(dissatisfied, mask | np.where(primary >= 0, 1 << np.maximum(primary, 0), 0), 0)
    return primary, mask.astype(np.int64)

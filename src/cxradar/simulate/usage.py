"""Monthly usage, spend and payment behaviour of active subscribers.

Magnitudes follow a Chinese operator's monthly figures (ARPU by segment, minutes, MB).
Usage carries the observable traces of the hidden story: dropped calls from cell quality
and incidents, falling spend and rising call forwarding in the months before churn, slightly
falling usage when dissatisfied, and multi-SIM big customers whose incoming calls far exceed
outgoing ones because they call out from a second, cheaper number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["PAYMENT_CHANNELS", "draw_payment_channel", "draw_usage"]

PAYMENT_CHANNELS = np.array(["hall", "app", "bank", "auto_debit", "wechat", "alipay", "card"], dtype=object)
_PREPAID_P = np.array([0.15, 0.10, 0.0, 0.0, 0.35, 0.25, 0.15])
_POSTPAID_P = np.array([0.05, 0.20, 0.15, 0.30, 0.20, 0.10, 0.0])


def draw_payment_channel(rng: np.random.Generator, prepaid: np.ndarray) -> np.ndarray:
    """Index into PAYMENT_CHANNELS for each subscriber."""
    n = len(prepaid)
    return np.where(prepaid, rng.choice(7, size=n, p=_PREPAID_P), rng.choice(7, size=n, p=_POSTPAID_P))


def draw_usage(
    rng: np.random.Generator,
    *,
    minutes_base: np.ndarray,
    data_base: np.ndarray,
    spend_base: np.ndarray,
    onnet_share: np.ndarray,
    multi_sim: np.ndarray,
    roam_rate: np.ndarray,
    drop_rate: np.ndarray,
    net_exposure: np.ndarray,
    depth: np.ndarray,
    months_to_leave: np.ndarray,
    partial: np.ndarray,
    suspended: np.ndarray,
    overcharge: np.ndarray,
) -> dict[str, Any]:
    """One month of usage for aligned arrays of active subscribers.

    ``months_to_leave`` is 0-2 for subscribers who will leave in that many months (-1 otherwise);
    ``partial`` is the share of the month the line was in service.
    """
    n = len(spend_base)
    leaving = months_to_leave >= 0
    fall = np.where(leaving, 1.0 - 0.13 * (3 - months_to_leave), 1.0)
    mood = np.exp(-0.05 * depth)
    active_share = partial * np.where(suspended, 0.6, 1.0)
    noise = rng.lognormal(0, 0.12, n)
    minutes = minutes_base * fall * mood * active_share * noise
    onnet = minutes * np.clip(onnet_share * rng.normal(1, 0.05, n), 0, 1)
    out_share = np.where(multi_sim, 0.15, 0.5)
    outgoing = rng.poisson(minutes * out_share / 2.6)
    incoming = rng.poisson(minutes * (1 - out_share) / 2.6 * np.where(multi_sim, 1.5, 1.0))
    forward = rng.poisson(0.3 + 4.0 * multi_sim + np.where(leaving, 3.0 + 4.0 * (2 - months_to_leave), 0.0))
    missed = rng.poisson(1.0 + 0.07 * incoming + 0.04 * net_exposure)
    data_mb = data_base * fall * mood * active_share * rng.lognormal(0, 0.15, n)
    spend = spend_base * fall * active_share * rng.lognormal(0, 0.06, n) * (1 + overcharge)
    dropped = rng.poisson((outgoing + incoming) * drop_rate * (1 + 0.03 * net_exposure))
    return {
        "spend": np.round(np.clip(spend, 0, 100000), 2),
        "voice_minutes": np.round(minutes, 1),
        "onnet_minutes": np.round(onnet, 1),
        "offnet_minutes": np.round(np.maximum(minutes - onnet, 0), 1),
        "incoming_calls": incoming.astype(np.int64),
        "outgoing_calls": outgoing.astype(np.int64),
        "call_forward_count": forward.astype(np.int64),
        "missed_calls": missed.astype(np.int64),
        "data_mb": np.round(data_mb, 1),
        "roaming_days": np.minimum(rng.poisson(roam_rate * partial), 31).astype(np.int64),
        "sms_count": rng.poisson(18 * partial).astype(np.int64),
        "dropped_calls": dropped.astype(np.int64),
    }

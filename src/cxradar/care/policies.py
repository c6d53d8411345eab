"""Care policies: contact fatigue, do-not-disturb, quiet hours and channel capacity.

:func:`apply_policies` takes the rule decisions (:func:`cxradar.care.rules.apply_rules`) and
returns who gets care on which day, plus everyone left out and why. When capacity binds,
customers are chosen by expected value = P(dissatisfied or churn) x customer value x expected
care effect (or the predicted uplift). All steps are vectorised (sorts and group counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxradar.care.moved import move_to_wait
from cxradar.care.rules import CHANNELS, STRATEGIES, RuleSet, load_rules
from cxradar.config import Tree, check_keys, load_section, value
from cxradar.errors import ConfigError, MissingColumnError

__all__ = [
    "Policies",
    "PolicyReasons",
    "PolicyResult",
    "allocate_capacity",
    "apply_policies",
    "expected_value",
    "finish_policies",
    "load_policies",
    "policies_from_tree",
    "policy_reasons",
    "reason_names",
]

INBOUND_CHANNELS = ("hall", "hotline")  # the customer comes to them: wait-for-contact care
_LEGACY_QUIET = ("channels", "start", "end")  # quiet_hours: {channels: [...], start, end}, one window
REASONS = {
    "dnd": ("on the do-not-disturb list", "在免打扰名单中"),
    "capacity": (
        "channel capacity used up by customers of higher expected value",
        "渠道容量已被期望价值更高的客户占满",
    ),
}


def _from_codes(codes: Any, categories: Any) -> pd.Categorical:
    """A categorical from integer codes (-1 = missing) and its categories."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(list(categories)))


@dataclass(frozen=True)
class Policies:
    """The validated policy settings (no defaults: the shipped file holds them)."""

    proactive_channels: tuple[str, ...]
    fatigue_windows: dict[int, int]
    count_contact_channels: tuple[str, ...]
    do_not_disturb: Path | None
    on_excluded: str
    priority: str  # risk | uplift: what capacity ranks by (expected_value)
    quiet_hours: dict[str, tuple[time, time]]  # channel -> (start, end); channels not named have none
    capacity: dict[str, tuple[int | None, int | None]]
    campaign_days: int
    pending_expiry_days: int
    expected_effect: dict[str, float]
    explicit_probability: float
    source: Path | None

    def quiet_window(self, channel: str) -> tuple[time, time] | None:
        """(start, end) of ``channel``'s quiet hours, or None when it has none."""
        return self.quiet_hours.get(channel)

    def allowed_hours(self, channel: str) -> str:
        """When this channel may act, e.g. '09:00-21:00' (outside its quiet hours); inbound channels
        act when the customer comes in; other channels any time."""
        window = self.quiet_window(channel)
        if window is not None:
            return f"{window[1]:%H:%M}-{window[0]:%H:%M}"
        if channel in INBOUND_CHANNELS:
            return "客户来电或到厅时 at the customer's next contact"
        return "全天 any time"

    def is_quiet(self, at: pd.Timestamp, channel: str) -> bool:
        """True when ``at`` falls in quiet hours for ``channel`` (no contact then)."""
        window = self.quiet_window(channel)
        if window is None:
            return False
        start, end = window
        t = at.time()
        if start > end:  # spans midnight
            return t >= start or t < end
        return start <= t < end


_DOC = "docs/care.md#policies"


def _hhmm(tree: Tree, key: str) -> time:
    raw = tree.get(key)
    try:
        hours, minutes = str(raw).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(
            f"{tree.where(key)}: quiet hour '{raw}' is not HH:MM", fix='write it as "21:00"'
        ) from None


def _count(tree: Tree, key: str, allow_none: bool = False) -> int | None:
    raw = tree.get(key)
    if raw is None and allow_none:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise ConfigError(f"{tree.where(key)} must be a whole number >= 0, got {raw!r}", fix="e.g. 3000")
    return raw


def _quiet_hours(quiet: Tree, channels: list[str]) -> dict[str, tuple[time, time]]:
    """``quiet_hours`` per channel (``outbound: {start: "21:00", end: "09:00"}``; an open mapping:
    a user file adds channels or removes one with ``null``). The older form of one window for
    several channels (``{channels: [outbound], start: "21:00", end: "09:00"}``) still loads and
    then replaces the shipped windows: only the channels it names have quiet hours."""
    check_keys(quiet, {*channels, *_LEGACY_QUIET}, what="quiet_hours", fix=_DOC)
    legacy = [k for k in quiet if k in _LEGACY_QUIET]
    if legacy:
        legacy_file = quiet.origin_of(legacy[0]).file
        mixed = [
            k
            for k in quiet
            if k not in _LEGACY_QUIET
            and (
                quiet.origin_of(k).file == legacy_file
                or (
                    isinstance(quiet[k], Tree)
                    and any(quiet[k].origin_of(inner).file == legacy_file for inner in quiet[k])
                )
            )
        ]
        if mixed or set(legacy) != set(_LEGACY_QUIET):
            raise ConfigError(
                f"{quiet.where(legacy[0])}: quiet_hours mixes the per-channel form with "
                f"'{', '.join(_LEGACY_QUIET)}' (or gives only some of them)",
                fix='write one window per channel, e.g. quiet_hours: {outbound: {start: "21:00", end: "09:00"}}',
            )
        window = (_hhmm(quiet, "start"), _hhmm(quiet, "end"))
        named = value(quiet, "channels", tuple[str, ...], choices=channels, fix=_DOC)
        return dict.fromkeys(named, window)
    windows: dict[str, tuple[time, time]] = {}
    for ch, window in quiet.items():
        check_keys(window, {"start", "end"}, what=f"quiet_hours.{ch}", fix=_DOC)
        windows[ch] = (_hhmm(window, "start"), _hhmm(window, "end"))
    return windows


def policies_from_tree(data: Tree, source: Path | None = None) -> Policies:
    """Validated :class:`Policies` from the effective ``care.policies`` section; errors name file:line.

    A relative ``do_not_disturb`` path is read from the folder of the file that set it."""
    channels = list(CHANNELS)
    proactive = value(data, "proactive_channels", tuple[str, ...], choices=channels, fix=_DOC)
    fatigue = data["fatigue"]
    check_keys(fatigue, {"windows", "count_contact_channels"}, what="fatigue", fix=_DOC)
    windows_raw = fatigue["windows"]
    check_keys(
        windows_raw, {k for k in windows_raw if str(k).isdigit()}, what="fatigue.windows (days)", fix=_DOC
    )
    windows = {int(days): int(_count(windows_raw, days) or 0) for days in windows_raw}
    quiet = _quiet_hours(data["quiet_hours"], channels)
    capacity_raw = data["capacity"]
    check_keys(capacity_raw, set(channels), what="capacity", fix=_DOC)
    capacity: dict[str, tuple[int | None, int | None]] = {}
    for ch, caps in capacity_raw.items():
        check_keys(caps, {"per_day", "per_week"}, what=f"capacity.{ch}", fix=_DOC)
        capacity[ch] = (_count(caps, "per_day", allow_none=True), _count(caps, "per_week", allow_none=True))
    effect = data["expected_effect"]
    check_keys(effect, set(STRATEGIES), what="expected_effect", fix=_DOC)
    on_excluded = value(data, "on_excluded", str, choices=("wait_for_contact", "drop"), fix=_DOC)
    dnd = value(data, "do_not_disturb", str | None, fix=_DOC)
    dnd_path = None
    if dnd is not None:
        folder = Path(data.origin_of("do_not_disturb").file).parent
        dnd_path = Path(dnd) if Path(dnd).is_absolute() else folder / dnd
    return Policies(
        proactive_channels=proactive,
        fatigue_windows=windows,
        count_contact_channels=value(
            fatigue, "count_contact_channels", tuple[str, ...], choices=channels, fix=_DOC
        ),
        do_not_disturb=dnd_path,
        on_excluded=on_excluded,
        priority=value(data, "priority", str, choices=("risk", "uplift"), fix=_DOC),
        quiet_hours=quiet,
        capacity=capacity,
        campaign_days=int(_count(data, "campaign_days") or 1),
        pending_expiry_days=int(_count(data, "pending_expiry_days") or 1),
        expected_effect=value(data, "expected_effect", dict[str, float], fix=_DOC),
        explicit_probability=value(data, "explicit_probability", float, low=0, high=1, fix=_DOC),
        source=source,
    )


def load_policies(path: Path | None = None) -> Policies:
    """The shipped ``conf/care/policies.yaml`` with the keys of the user file ``path`` laid over it."""
    tree = load_section("care.policies", path)
    return policies_from_tree(tree, Path(path) if path is not None else Path(tree.origin.file))


def expected_value(decided: pd.DataFrame, policies: Policies, priority: str = "risk") -> pd.Series:
    """P(dissatisfied or churn) x value x expected effect (or predicted uplift when priority='uplift').

    P(dissatisfied or churn) = 1 - (1 - p_dissatisfied)(1 - p_churn) when a ``churn_probability``
    column is present; explicit-pool customers without a probability get ``explicit_probability``.
    """
    raw = decided["probability"] if "probability" in decided else pd.Series(np.nan, index=decided.index)
    prob = pd.to_numeric(raw, errors="coerce").astype(float).fillna(policies.explicit_probability)
    if "churn_probability" in decided.columns:
        pc = pd.to_numeric(decided["churn_probability"], errors="coerce").fillna(0.0)
        prob = 1 - (1 - prob) * (1 - pc)
    value = pd.to_numeric(decided["value"], errors="coerce").fillna(0.0).clip(lower=0)
    if priority == "uplift":
        if "uplift" not in decided.columns:
            raise MissingColumnError(
                "priority 'uplift' needs a column 'uplift' (predicted care effect) in the flagged table",
                fix="score the customers with cxradar.campaigns.uplift (or use --priority risk)",
            )
        effect = pd.to_numeric(decided["uplift"], errors="coerce").fillna(0.0)
        return (effect * value).astype(float)
    if priority != "risk":
        raise ConfigError(f"unknown priority '{priority}'", fix="use --priority risk or --priority uplift")
    effect = decided["strategy"].map(policies.expected_effect).astype(float).fillna(0.0)
    return (prob * value * effect).astype(float)


def _fatigue_text(days: int, limit: int) -> tuple[str, str]:
    return (
        f"contact-fatigue limit reached ({limit} proactive contact(s) in {days} days)",
        f"已达接触频次上限（{days}天内{limit}次主动接触）",
    )


@dataclass
class PolicyResult:
    """Who gets care (with scheduled day) and who was left out (with the reason)."""

    selected: pd.DataFrame
    left_out: pd.DataFrame


def _fatigue_counts(
    msisdns: pd.Series, as_of: pd.Timestamp, days: int, policies: Policies,
    care_history: pd.DataFrame | None, contacts: pd.DataFrame | None,
) -> np.ndarray:  # fmt: skip
    start = as_of - pd.Timedelta(days=days)
    parts: list[pd.Series] = []
    if care_history is not None and len(care_history):
        h = care_history
        when = pd.to_datetime(h["delivered_at"] if "delivered_at" in h else h["assigned_at"]).fillna(
            pd.to_datetime(h["assigned_at"])
        )
        keep = (when > start) & (when <= as_of) & h["channel"].isin(policies.proactive_channels)
        keep &= h["strategy"].ne("wait_for_contact")
        if "group" in h.columns:
            keep &= h["group"].eq("treatment")
        parts.append(h.loc[keep, "msisdn"])
    if contacts is not None and len(contacts):
        when = pd.to_datetime(contacts["at"])
        keep = (when > start) & (when <= as_of) & contacts["channel"].isin(policies.count_contact_channels)
        parts.append(contacts.loc[keep, "msisdn"])
    if not parts:
        return np.zeros(len(msisdns), dtype=np.int64)
    counts = pd.concat(parts).astype("string").value_counts()
    return msisdns.astype("string").map(counts).fillna(0).to_numpy(dtype=np.int64)


def _daily_capacity(per_day: int | None, per_week: int | None, days: int) -> np.ndarray:
    caps = np.empty(days, dtype=np.float64)
    used_week = 0.0
    for d in range(days):
        if d % 7 == 0:
            used_week = 0.0
        today = np.inf if per_day is None else float(per_day)
        if per_week is not None:
            today = min(today, per_week - used_week)
        caps[d] = today
        used_week += today if np.isfinite(today) else 0.0
    return caps


@dataclass
class PolicyReasons:
    """What the policies decide row by row before capacity: the decisions (strategy and channel as
    categoricals), each row's expected value, its exclusion code (0 kept, 1 do-not-disturb, 2.. the
    fatigue windows; :func:`reason_names` names them) and whether its care is proactive."""

    decided: pd.DataFrame
    expected_value: np.ndarray
    reason: np.ndarray
    proactive: np.ndarray


def reason_names(policies: Policies) -> list[str]:
    """The exclusion codes' names: ``""`` (kept), dnd, one per fatigue window, capacity (last)."""
    return ["", "dnd", *[f"fatigue_{d}d" for d in sorted(policies.fatigue_windows)], "capacity"]


def policy_reasons(
    decided: pd.DataFrame,
    policies: Policies,
    *,
    as_of: pd.Timestamp,
    care_history: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    dnd: pd.Series | None = None,
    priority: str = "risk",
) -> PolicyReasons:
    """Do-not-disturb and fatigue, and the expected value: each row on its own (with its own
    customer's history and contacts), so the monthly run computes them shard by shard."""
    as_of = pd.Timestamp(as_of)
    out = decided.copy()
    for col in ("strategy", "channel"):  # categorical with every allowed value: fast compares and moves
        out[col] = pd.Categorical(
            out[col].astype(object), categories=list(STRATEGIES if col == "strategy" else CHANNELS)
        )
    ev = expected_value(out, policies, priority).to_numpy()
    channel_code = out["channel"].cat.codes.to_numpy()
    strategy_code = out["strategy"].cat.codes.to_numpy()
    wait = list(STRATEGIES).index("wait_for_contact")
    proactive = np.isin(channel_code, [list(CHANNELS).index(c) for c in policies.proactive_channels])
    proactive &= strategy_code != wait
    reason = np.zeros(len(out), dtype=np.int64)
    msisdn = out["msisdn"].astype("string")
    if dnd is not None and len(dnd):
        reason[proactive & msisdn.isin(dnd.astype("string")).to_numpy()] = 1
    for w, days in enumerate(sorted(policies.fatigue_windows), start=2):
        counts = _fatigue_counts(msisdn, as_of, days, policies, care_history, contacts)
        reason[proactive & (reason == 0) & (counts + 1 > policies.fatigue_windows[days])] = w
    return PolicyReasons(out, ev, reason, proactive)


def allocate_capacity(
    channel_code: np.ndarray,
    reason: np.ndarray,
    expected: np.ndarray,
    priority: np.ndarray,
    proactive: np.ndarray,
    policies: Policies,
) -> tuple[np.ndarray, np.ndarray]:
    """Capacity: within each channel, highest expected value first (then rule priority, then the
    rows' order), over the campaign days. Global over the flagged set, on these narrow arrays
    only. Returns the exclusion codes with capacity added (the last code) and each row's day."""
    reason = np.array(reason, dtype=np.int64, copy=True)
    capacity_code = len(reason_names(policies)) - 1
    day = np.zeros(len(reason), dtype=np.int64)
    order = np.lexsort((priority, -expected))
    for code, ch in enumerate(CHANNELS):
        per_day, per_week = policies.capacity.get(ch, (None, None))
        if per_day is None and per_week is None:
            continue
        idx = order[(channel_code[order] == code) & (reason[order] == 0)]
        days = policies.campaign_days if proactive[idx].any() else 1
        d = np.searchsorted(
            np.cumsum(_daily_capacity(per_day, per_week, days)), np.arange(len(idx)), side="right"
        )
        reason[idx[d >= days]] = capacity_code
        day[idx[d < days]] = d[d < days]
    return reason, day


def finish_policies(
    reasons: PolicyReasons,
    reason: np.ndarray,
    day: np.ndarray,
    policies: Policies,
    *,
    as_of: pd.Timestamp,
    priority: str = "risk",
    rules: RuleSet | None = None,
) -> PolicyResult:
    """The rows' outcome once capacity is known (``reason`` and ``day`` from
    :func:`allocate_capacity`): notes, the move to wait-for-contact, the schedule - row by row."""
    as_of = pd.Timestamp(as_of)
    out, ev = reasons.decided, reasons.expected_value
    names = reason_names(policies)
    excluded = reason > 0
    msisdn = out["msisdn"].astype("string")
    texts = {**REASONS, **{f"fatigue_{d}d": _fatigue_text(d, n) for d, n in policies.fatigue_windows.items()}}
    detail_en = [texts[n][0] if n else "" for n in names]
    detail_zh = [texts[n][1] if n else "" for n in names]
    fallback = policies.on_excluded == "wait_for_contact"
    left_out = pd.DataFrame(
        {
            "msisdn": msisdn.to_numpy()[excluded],
            "reason": _from_codes(reason[excluded], categories=names),
            "channel": out["channel"].to_numpy()[excluded],
            "strategy": out["strategy"].to_numpy()[excluded],
            "expected_value": ev[excluded],
            "detail_en": _from_codes(reason[excluded], categories=detail_en),
            "detail_zh": _from_codes(reason[excluded], categories=detail_zh),
            "fallback": "wait_for_contact" if fallback else "none",
        }
    )
    left_out["reason"] = left_out["reason"].astype(str)
    out["expected_value"] = ev
    out["scheduled_day"] = day
    notes_en = [f"moved to wait-for-contact: {d}" if d else "" for d in detail_en]
    notes_zh = [f"改为守株待兔：{d}" if d else "" for d in detail_zh]
    if fallback:
        out["policy_note_en"] = _from_codes(reason, categories=notes_en)
        out["policy_note_zh"] = _from_codes(reason, categories=notes_zh)
        if excluded.any():
            out = move_to_wait(out, excluded, reason, detail_en, detail_zh, rules or load_rules())
            if priority == "risk":
                out["expected_value"] = np.where(
                    excluded, expected_value(out, policies, priority).to_numpy(), ev
                )
        selected = out
    else:
        out["policy_note_en"] = ""
        out["policy_note_zh"] = ""
        selected = out.loc[~excluded].copy()
    selected["scheduled_date"] = (
        as_of.normalize() + pd.to_timedelta(selected["scheduled_day"], unit="D")
    ).astype("datetime64[us]")
    selected["allowed_hours"] = selected["channel"].map({c: policies.allowed_hours(c) for c in CHANNELS})
    return PolicyResult(selected=selected.reset_index(drop=True), left_out=left_out)


def apply_policies(
    decided: pd.DataFrame,
    policies: Policies,
    *,
    as_of: pd.Timestamp,
    care_history: pd.DataFrame | None = None,
    contacts: pd.DataFrame | None = None,
    dnd: pd.Series | None = None,
    priority: str = "risk",
    rules: RuleSet | None = None,
) -> PolicyResult:
    """Apply do-not-disturb, fatigue and capacity to rule decisions; schedule over campaign days.

    Returns ``selected`` (the decisions kept, with expected_value, scheduled_day, scheduled_date,
    allowed_hours, policy_note_en/zh) and ``left_out`` (msisdn, reason, channel, expected_value,
    detail_en, detail_zh, fallback). With ``on_excluded: wait_for_contact`` a customer kept from
    proactive care is moved to a pending-care flag (and listed in left_out with fallback set): its
    strategy, channel, script and decision become those of ``rules.moved_to_wait`` (``rules``
    defaults to the shipped rule file), keeping a targeted remedy the new channel can deliver.

    The three parts - :func:`policy_reasons` (row by row), :func:`allocate_capacity` (global, on
    narrow arrays) and :func:`finish_policies` (row by row) - are what the monthly run calls
    shard by shard; this is them in one call.
    """
    found = policy_reasons(
        decided,
        policies,
        as_of=as_of,
        care_history=care_history,
        contacts=contacts,
        dnd=dnd,
        priority=priority,
    )
    reason, day = allocate_capacity(
        found.decided["channel"].cat.codes.to_numpy(),
        found.reason,
        found.expected_value,
        found.decided["priority"].to_numpy(),
        found.proactive,
        policies,
    )
    return finish_policies(found, reason, day, policies, as_of=as_of, priority=priority, rules=rules)

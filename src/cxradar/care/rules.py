"""Care strategy rules: load ``conf/care/rules.yaml``, validate it, and apply it to flagged customers.

A rule set is data (see the YAML's header and docs/care.md). :func:`apply_rules` is vectorised:
each rule is one boolean mask over the table, and the first matching rule wins, so a million
customers take well under a second per rule.

Every remedy names the channels that can deliver it (``remedies.<cause>.channels``): a senior-agent
callback cannot go out by SMS, a bill cannot be explained line by line in an app push. Loading
refuses a rule whose channel cannot deliver a remedy it may give (:func:`remedy_channel_conflicts`),
so a channel is never handed a decision it cannot carry out. ``moved_to_wait`` is the decision a
customer gets when a policy (fatigue, do-not-disturb, capacity) keeps them from proactive care.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxradar.config import Origin, Tree, check_keys, load_section
from cxradar.errors import ConfigError, MissingColumnError, did_you_mean

__all__ = [
    "CAUSES",
    "CHANNELS",
    "KINDS",
    "SEGMENT_LABELS",
    "STRATEGIES",
    "CareRule",
    "MovedToWait",
    "RuleSet",
    "apply_rules",
    "load_rules",
    "remedy_channel_conflicts",
    "rules_from_tree",
]

KINDS = ("silent", "incident_hit", "model_predicted", "explicit")
CAUSES = ("network", "billing", "service", "value", "unknown")
SEGMENTS = ("high_end", "data", "enterprise", "mass")
TIERS = ("high", "medium", "low")
STRATEGIES = {
    "proactive_outreach": ("proactive outreach", "主动出击"),
    "wait_for_contact": ("wait for contact", "守株待兔"),
    "targeted_remedy": ("targeted remedy", "对症下药"),
}
CHANNELS = {
    "outbound": ("outbound call", "外呼"),
    "sms": ("SMS", "短信"),
    "app": ("app push", "客户端推送"),
    "hall": ("service hall", "营业厅"),
    "hotline": ("hotline", "热线"),
}
_CONDITIONS: dict[str, tuple[Any, ...]] = {
    "kind": KINDS,
    "cause": CAUSES,
    "segment": SEGMENTS,
    "value_tier": TIERS,
    "reachable": (True, False),
}
SEGMENT_LABELS = {
    "high_end": ("high-end", "中高端"),
    "data": ("data-heavy", "流量客户"),
    "enterprise": ("government/enterprise", "政企客户"),
    "mass": ("mass market", "大众客户"),
}
_TOP_FIELDS = {"version", "value_tiers", "remedies", "rules", "moved_to_wait"}
_RULE_FIELDS = {"id", "when", "strategy", "remedy", "channel", "priority", "script", "reason"}
_TEXT_FIELDS = {"en", "zh"}
_REMEDY_FIELDS = {"action", "en", "zh", "channels"}
_MOVED_FIELDS = {"channel", "script", "remedy_script"}
REMEDY_CAUSES = ("network", "billing", "service", "value")


def _from_codes(codes: Any, categories: Any) -> pd.Categorical:
    """A categorical from integer codes (-1 = missing) and its categories."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(list(categories)))


@dataclass(frozen=True)
class CareRule:
    """One rule: conditions (field -> allowed values) and the decision it makes."""

    id: str
    when: dict[str, tuple[Any, ...]]
    strategy: str
    channel: str
    priority: int
    script_en: str
    script_zh: str
    reason_en: str
    reason_zh: str
    remedy: str | None = None  # a cause, or "cause" = the customer's own cause
    line: int = 0
    origin: str = ""  # file:line of the rule (the user's file or the shipped one)


@dataclass(frozen=True)
class MovedToWait:
    """The decision for a customer a policy keeps from proactive care: wait for the next contact.

    ``remedy_script`` (with ``{remedy}``, the remedy's sentence) is used when the customer's rule
    decided a targeted remedy that ``channel`` can deliver; otherwise ``script``.
    """

    channel: str
    script_en: str
    script_zh: str
    remedy_script_en: str
    remedy_script_zh: str


@dataclass(frozen=True)
class RuleSet:
    """The validated rule file."""

    rules: tuple[CareRule, ...]
    value_tiers: dict[str, float]
    remedies: dict[str, dict[str, str]]
    remedy_channels: dict[str, tuple[str, ...]]  # cause -> the channels that can deliver its remedy
    moved_to_wait: MovedToWait
    source: Path | None = None

    def remedy_fits_channels(self, remedy: str) -> tuple[str, ...]:
        """The channels that can deliver ``remedy`` (a cause name)."""
        return self.remedy_channels.get(remedy, ())

    def remedy_fits(self, remedy: str, channel: str) -> bool:
        """True when ``channel`` can deliver ``remedy`` (a cause name)."""
        return channel in self.remedy_fits_channels(remedy)

    def tier_of(self, value: pd.Series) -> pd.Series:
        """Value tier (high/medium/low) of monthly values; missing value counts as low."""
        v = pd.to_numeric(value, errors="coerce").fillna(-np.inf).to_numpy(dtype=float)
        out = np.where(
            v >= self.value_tiers["high"], "high", np.where(v >= self.value_tiers["medium"], "medium", "low")
        )
        return pd.Series(out, index=value.index)


_DOC = "docs/care.md#rules"


def _text(raw: Any, where: str) -> tuple[str, str]:
    check_keys(raw, _TEXT_FIELDS, what=where, fix=_DOC)
    if not raw.get("en") or not raw.get("zh"):
        raise ConfigError(f"{raw.origin}: {where} needs both 'en' and 'zh'", fix="add the missing language")
    return str(raw["en"]), str(raw["zh"])


def _choice(value: Any, choices: Any, origin: Origin, what: str) -> Any:
    if value not in choices:
        raise ConfigError(
            f"{origin}: unknown {what} '{value}'.{did_you_mean(str(value), [str(c) for c in choices])}",
            fix=f"use one of: {', '.join(str(c) for c in choices)} (docs/care.md#rules)",
        )
    return value


def _rule(raw: Any, index: int) -> CareRule:
    where = f"rule #{index + 1}"
    check_keys(raw, _RULE_FIELDS, what=where, fix=_DOC)
    for needed in ("id", "when", "strategy", "channel", "priority", "script", "reason"):
        if needed not in raw:
            raise ConfigError(f"{raw.origin}: {where} has no '{needed}'", fix=f"add '{needed}:' to the rule")
    where = f"rule '{raw['id']}'"
    when_raw = raw["when"] or Tree(origin=raw.origin_of("when"))
    check_keys(when_raw, set(_CONDITIONS), what=f"{where} when", fix=_DOC)
    when: dict[str, tuple[Any, ...]] = {}
    for name, value in when_raw.items():
        values = tuple(value) if isinstance(value, list) else (value,)
        for v in values:
            _choice(v, _CONDITIONS[name], when_raw.origin_of(name), f"{name} value")
        when[name] = values
    strategy = _choice(raw["strategy"], STRATEGIES, raw.origin_of("strategy"), "strategy")
    channel = _choice(raw["channel"], CHANNELS, raw.origin_of("channel"), "channel")
    remedy = raw.get("remedy")
    if strategy == "targeted_remedy":
        if remedy is None:
            raise ConfigError(
                f"{raw.origin}: {where} is a targeted_remedy without 'remedy'", fix="add remedy: cause"
            )
        _choice(remedy, (*REMEDY_CAUSES, "cause"), raw.origin_of("remedy"), "remedy")
    elif remedy is not None:
        raise ConfigError(
            f"{raw.origin_of('remedy')}: {where}: only targeted_remedy rules take a remedy",
            fix="remove 'remedy' or set strategy: targeted_remedy",
        )
    priority = raw["priority"]
    if not isinstance(priority, int) or priority < 1:
        raise ConfigError(
            f"{raw.origin_of('priority')}: {where}: priority must be an integer >= 1",
            fix="e.g. priority: 2",
        )
    script_en, script_zh = _text(raw["script"], f"{where} script")
    reason_en, reason_zh = _text(raw["reason"], f"{where} reason")
    return CareRule(
        id=str(raw["id"]), when=when, strategy=strategy, channel=channel, priority=priority,
        script_en=script_en, script_zh=script_zh, reason_en=reason_en, reason_zh=reason_zh,
        remedy=remedy, line=raw.line, origin=str(raw.origin),
    )  # fmt: skip


def _remedy_channels(entry: Any, cause: str) -> tuple[str, ...]:
    if "channels" not in entry:
        raise ConfigError(
            f"{entry.origin}: remedies.{cause} has no 'channels'",
            fix="list the channels that can deliver it, e.g. channels: [outbound, hall, hotline]",
        )
    raw = entry["channels"]
    values = tuple(raw) if isinstance(raw, list) else (raw,)
    for channel in values:
        _choice(channel, CHANNELS, entry.origin_of("channels"), f"remedies.{cause}.channels value")
    return values


def _moved_to_wait(raw: Any) -> MovedToWait:
    check_keys(raw, _MOVED_FIELDS, what="moved_to_wait", fix=_DOC)
    for needed in sorted(_MOVED_FIELDS):
        if needed not in raw:
            raise ConfigError(
                f"{raw.origin}: moved_to_wait has no '{needed}'",
                fix="restore it from the shipped conf/care/rules.yaml",
            )
    channel = _choice(raw["channel"], CHANNELS, raw.origin_of("channel"), "channel")
    script = _text(raw["script"], "moved_to_wait script")
    remedy_script = _text(raw["remedy_script"], "moved_to_wait remedy_script")
    for text in remedy_script:
        if "{remedy}" not in text:
            raise ConfigError(
                f"{raw.origin_of('remedy_script')}: moved_to_wait remedy_script {text!r} has no '{{remedy}}'",
                fix="put {remedy} where the remedy's sentence goes",
            )
    return MovedToWait(channel, script[0], script[1], remedy_script[0], remedy_script[1])


def _causes_of(rule: CareRule) -> tuple[str, ...]:
    """The remedies a rule can give: its own, or (remedy: cause) every cause it can match."""
    if rule.remedy is None:
        return ()
    if rule.remedy != "cause":
        return (rule.remedy,)
    causes = rule.when.get("cause", CAUSES)
    return tuple(dict.fromkeys("service" if c not in REMEDY_CAUSES else c for c in causes))


def remedy_channel_conflicts(rules: RuleSet) -> list[str]:
    """Every (rule, remedy) whose channel cannot deliver the remedy, as sentences; [] when all fit.

    A rule with ``remedy: cause`` gives the remedy of every cause its ``when`` can match (an unknown
    cause gets ``service``), so each of those must fit the rule's channel."""
    problems = []
    for rule in rules.rules:
        for cause in _causes_of(rule):
            if not rules.remedy_fits(cause, rule.channel):
                action = rules.remedies[cause]["action"]
                where = rule.origin or f"{rules.source}:{rule.line}"
                problems.append(
                    f"{where}: rule '{rule.id}' gives the remedy '{action}' ({cause}) by "
                    f"{rule.channel}, which cannot deliver it (remedies.{cause}.channels: "
                    f"{', '.join(rules.remedy_fits_channels(cause))})"
                )
    return problems


def rules_from_tree(data: Tree, source: Path | None = None) -> RuleSet:
    """A validated :class:`RuleSet` from the effective ``care.rules`` section; errors name file:line.

    Besides the names and values, a rule's channel must be able to deliver every remedy the
    rule can give (see :func:`remedy_channel_conflicts`)."""
    check_keys(data, _TOP_FIELDS, what="the rule file", fix=_DOC)
    tiers = data.get("value_tiers") or Tree(origin=data.origin)
    check_keys(tiers, {"high", "medium"}, what="value_tiers", fix=_DOC)
    if set(tiers) != {"high", "medium"} or float(tiers["high"]) < float(tiers["medium"]):
        raise ConfigError(
            f"{tiers.origin}: value_tiers needs high >= medium", fix="e.g. high: 150, medium: 60"
        )
    remedies_raw = data.get("remedies") or Tree(origin=data.origin)
    check_keys(remedies_raw, set(REMEDY_CAUSES), what="remedies", fix=_DOC)
    remedies: dict[str, dict[str, str]] = {}
    channels: dict[str, tuple[str, ...]] = {}
    for cause in REMEDY_CAUSES:
        if cause not in remedies_raw:
            raise ConfigError(
                f"{remedies_raw.origin}: remedies has no '{cause}'", fix=f"add remedies.{cause}"
            )
        entry = remedies_raw[cause]
        check_keys(entry, _REMEDY_FIELDS, what=f"remedies.{cause}", fix=_DOC)
        remedies[cause] = {k: str(entry[k]) for k in ("action", "en", "zh")}
        channels[cause] = _remedy_channels(entry, cause)
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ConfigError(f"{data.where('rules')}: 'rules' must be a non-empty list", fix=_DOC)
    rules = tuple(_rule(raw, i) for i, raw in enumerate(raw_rules))
    origins = {rule.id: raw.origin for rule, raw in zip(rules, raw_rules, strict=True)}
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(
                f"{origins[rule.id]}: duplicate rule id '{rule.id}'", fix="give each rule its own id"
            )
        seen.add(rule.id)
    if rules[-1].when:
        raise ConfigError(
            f"{raw_rules[-1].origin}: the last rule '{rules[-1].id}' must match everyone (when: {{}})",
            fix="end the file with a catch-all rule, e.g. wait_for_contact",
        )
    ruleset = RuleSet(
        rules=rules,
        value_tiers={k: float(v) for k, v in tiers.items()},
        remedies=remedies,
        remedy_channels=channels,
        moved_to_wait=_moved_to_wait(data.get("moved_to_wait")),
        source=source,
    )
    conflicts = remedy_channel_conflicts(ruleset)
    if conflicts:
        raise ConfigError(
            conflicts[0] + (f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""),
            fix="give the rule a channel that can deliver the remedy, narrow its 'when: cause', "
            "or add the channel to the remedy's 'channels' (docs/care.md#rules)",
        )
    return ruleset


def load_rules(path: Path | None = None) -> RuleSet:
    """The shipped ``conf/care/rules.yaml`` with the keys of the user file ``path`` laid over it
    (a user's ``rules`` list replaces the shipped list); errors name file:line."""
    tree = load_section("care.rules", path)
    return rules_from_tree(tree, Path(path) if path is not None else Path(tree.origin.file))


def _kind_mask(kinds: pd.Series, kind: str) -> np.ndarray:
    return kinds.str.contains(rf"(?:^|;){kind}(?:;|$)", regex=True).fillna(False).to_numpy(dtype=bool)


def apply_rules(flagged: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Decide care for every flagged customer: the first matching rule wins.

    ``flagged`` needs msisdn, kinds (';'-joined), cause, segment, value; ``contact_complete``
    is optional (missing = reachable). Returns a copy with value_tier, reachable, rule_id,
    strategy, channel, remedy, remedy_action, remedy_en/zh (the remedy's sentence), script_en/zh,
    priority, rule_reason_en/zh and decision_en/zh added.
    """
    needed = ["msisdn", "kinds", "cause", "segment", "value"]
    missing = [c for c in needed if c not in flagged.columns]
    if missing:
        raise MissingColumnError(
            f"flagged customers lack column(s) {missing}; have {list(flagged.columns)}",
            fix="pass potential_dissatisfied.parquet / pool rows as written by 'cxradar run'",
        )
    out = flagged.copy()
    n = len(out)
    out["value_tier"] = rules.tier_of(out["value"])
    reach = out["contact_complete"] if "contact_complete" in out.columns else pd.Series(True, index=out.index)
    out["reachable"] = reach.astype("boolean").fillna(True).astype(bool)
    cause = out["cause"].astype("string").fillna("unknown")
    kinds = out["kinds"].astype("string").fillna("")
    columns = {
        "cause": cause.to_numpy(dtype=object),
        "segment": out["segment"].astype("string").fillna("").to_numpy(dtype=object),
        "value_tier": out["value_tier"].to_numpy(dtype=object),
        "reachable": out["reachable"].to_numpy(dtype=bool),
    }
    kind_masks = {k: _kind_mask(kinds, k) for k in KINDS}
    chosen = np.full(n, -1, dtype=np.int64)
    for index, rule in enumerate(rules.rules):
        mask = chosen < 0
        for name, values in rule.when.items():
            if name == "kind":
                mask &= np.logical_or.reduce([kind_masks[v] for v in values])
            else:
                mask &= np.isin(columns[name], np.array(values, dtype=object))
        chosen[mask] = index
    # the catch-all last rule guarantees chosen >= 0 for every row

    # Decision columns are categoricals built from rule codes (fast and small at 1M rows).
    rule_ids = [r.id for r in rules.rules]
    codes = chosen

    def pick(values: list[Any], categories: list[Any] | None = None) -> pd.Categorical:
        cats = list(dict.fromkeys(categories if categories is not None else values))
        pos = np.array([cats.index(v) for v in values], dtype=np.int64)
        return _from_codes(pos[codes], categories=cats)

    out["rule_id"] = pick(rule_ids)
    out["strategy"] = pick([r.strategy for r in rules.rules], list(STRATEGIES))
    out["channel"] = pick([r.channel for r in rules.rules], list(CHANNELS))
    out["priority"] = np.array([r.priority for r in rules.rules], dtype=np.int64)[codes]
    out["script_en"] = pick([r.script_en for r in rules.rules])
    out["script_zh"] = pick([r.script_zh for r in rules.rules])
    # remedy code per row: -1 none, else index in REMEDY_CAUSES ("cause" = the customer's own)
    fixed = np.array(
        [REMEDY_CAUSES.index(r.remedy) if r.remedy in REMEDY_CAUSES else -1 for r in rules.rules]
    )
    own_rule = np.array([r.remedy == "cause" for r in rules.rules])
    cause_code = pd.Index(list(REMEDY_CAUSES)).get_indexer(pd.Index(columns["cause"])).astype(np.int64)
    service = REMEDY_CAUSES.index("service")
    remedy_code = np.where(own_rule[codes], np.where(cause_code >= 0, cause_code, service), fixed[codes])
    out["remedy"] = _from_codes(remedy_code, categories=list(REMEDY_CAUSES))
    actions = [rules.remedies[c]["action"] for c in REMEDY_CAUSES]
    out["remedy_action"] = _from_codes(remedy_code, categories=actions)
    for lang in ("en", "zh"):  # the remedy's sentence and the rule's reason, for lists and policies
        out[f"remedy_{lang}"] = _from_codes(
            remedy_code, categories=[rules.remedies[c][lang] for c in REMEDY_CAUSES]
        )
        out[f"rule_reason_{lang}"] = pick([getattr(r, f"reason_{lang}") for r in rules.rules])
    # Decision sentences: one per (rule, remedy) pair.
    sentences_en: list[str] = []
    sentences_zh: list[str] = []
    for rule in rules.rules:
        s_en, s_zh = STRATEGIES[rule.strategy]
        c_en, c_zh = CHANNELS[rule.channel]
        for rem in (*REMEDY_CAUSES, None):
            what_en, what_zh = s_en, s_zh
            if rem is not None:
                what_en = f"{s_en} ({rules.remedies[rem]['en']})"
                what_zh = f"{s_zh}（{rules.remedies[rem]['zh']}）"
            sentences_en.append(f"Rule {rule.id} ({rule.reason_en}): {what_en} by {c_en}.")
            sentences_zh.append(f"规则{rule.id}（{rule.reason_zh}）：{what_zh}，渠道：{c_zh}。")
    width = len(REMEDY_CAUSES) + 1
    pair = codes * width + np.where(remedy_code >= 0, remedy_code, len(REMEDY_CAUSES))
    used, inverse = np.unique(pair, return_inverse=True)
    out["decision_en"] = _from_codes(inverse, categories=[sentences_en[k] for k in used])
    out["decision_zh"] = _from_codes(inverse, categories=[sentences_zh[k] for k in used])
    return out

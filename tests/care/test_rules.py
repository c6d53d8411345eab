"""Strategy rules: loading with file:line errors, first-match decisions, sentences in zh and en."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest

from cxradar.care.rules import (
    CAUSES,
    CHANNELS,
    KINDS,
    REMEDY_CAUSES,
    SEGMENT_LABELS,
    STRATEGIES,
    apply_rules,
    load_rules,
    remedy_channel_conflicts,
)
from cxradar.errors import ConfigError, MissingColumnError

MINIMAL = """\
version: 1
value_tiers: {high: 150, medium: 60}
remedies:
  network: {action: ticket, en: fix the network, zh: 修网络}
  billing: {action: refund, en: refund, zh: 退费}
  value: {action: plan, en: better plan, zh: 换套餐}
  service: {action: callback, en: senior callback, zh: 资深回访}
rules:
  - id: A
    when: {kind: silent}
    strategy: proactive_outreach
    channel: sms
    priority: 2
    script: {en: hello, zh: 你好}
    reason: {en: silent, zh: 沉默}
  - id: Z
    when: {}
    strategy: wait_for_contact
    channel: hotline
    priority: 5
    script: {en: wait, zh: 等待}
    reason: {en: everyone else, zh: 其他}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rules_load_and_end_with_a_catch_all() -> None:
    rules = load_rules()
    assert len(rules.rules) >= 8
    assert rules.rules[-1].when == {}
    for rule in rules.rules:
        assert rule.strategy in STRATEGIES and rule.channel in CHANNELS
        assert rule.script_zh and rule.script_en and rule.reason_zh and rule.reason_en


def test_each_customer_gets_the_first_matching_rule(flagged: pd.DataFrame) -> None:
    out = apply_rules(flagged, load_rules())
    # Worked through conf/care/rules.yaml by hand, top to bottom:
    assert out["rule_id"].tolist() == [
        "R01_explicit_known_cause",  # explicit + billing
        "R04_incident_network",  # incident_hit + network, low value -> SMS
        "R08_silent_high_value",  # silent, value 200 = high tier
        "R09_silent",  # silent, value 30 = low tier
        "R06_unreachable",  # contact details incomplete
        "R11_service_callback",  # service cause, reachable, not silent: a senior agent calls
    ]
    assert out["strategy"].tolist() == [
        "targeted_remedy", "targeted_remedy", "proactive_outreach", "proactive_outreach",
        "wait_for_contact", "targeted_remedy",
    ]  # fmt: skip
    # remedy: "cause" resolves to the customer's own cause; only targeted_remedy has one
    assert out["remedy"].tolist()[:2] == ["billing", "network"]
    assert out["remedy"].iloc[5] == "service"
    assert out["remedy"].iloc[2:5].isna().all()
    assert out["remedy_action"].iloc[0] == "bill_explanation_refund"
    assert out["value_tier"].tolist() == ["medium", "low", "high", "low", "low", "medium"]


def test_every_decision_carries_its_rule_and_sentences(flagged: pd.DataFrame) -> None:
    out = apply_rules(flagged, load_rules())
    for _, row in out.iterrows():
        assert row["rule_id"] in row["decision_en"] and row["rule_id"] in row["decision_zh"]
    assert "短信" in out.loc[1, "decision_zh"] and "SMS" in out.loc[1, "decision_en"]
    assert "对症下药" in out.loc[0, "decision_zh"]


def test_missing_reachability_counts_as_reachable(flagged: pd.DataFrame) -> None:
    out = apply_rules(flagged.drop(columns="contact_complete"), load_rules())
    assert out.loc[4, "rule_id"] == "R99_wait_for_contact"
    assert out["reachable"].all()


def test_unknown_field_names_file_line_and_suggests(tmp_path: Path) -> None:
    text = MINIMAL.replace("    strategy: proactive_outreach", "    stratgy: proactive_outreach")
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    line = text.splitlines().index("    stratgy: proactive_outreach") + 1
    assert f"{path}:{line}" in str(info.value)
    assert "Did you mean 'strategy'?" in str(info.value)
    assert info.value.fix


def test_unknown_condition_value_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("when: {kind: silent}", "when: {kind: silnet}"))
    with pytest.raises(
        ConfigError, match=r"rules.yaml:10: unknown kind value 'silnet'. Did you mean 'silent'"
    ):
        load_rules(path)


def test_a_rule_file_without_catch_all_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("when: {}", "when: {segment: mass}"))
    with pytest.raises(ConfigError, match="must match everyone"):
        load_rules(path)


def test_targeted_remedy_needs_a_remedy(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL.replace("strategy: proactive_outreach", "strategy: targeted_remedy"))
    with pytest.raises(ConfigError, match="without 'remedy'"):
        load_rules(path)


def test_minimal_file_applies(tmp_path: Path, flagged: pd.DataFrame) -> None:
    out = apply_rules(flagged, load_rules(_write(tmp_path, MINIMAL)))
    assert out["rule_id"].tolist() == ["Z", "Z", "A", "A", "Z", "Z"]


def test_missing_columns_are_named(flagged: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnError, match="segment"):
        apply_rules(flagged.drop(columns="segment"), load_rules())


def _every_customer_shape() -> pd.DataFrame:
    """One customer per combination of kind, cause, segment, value tier and reachability."""
    combos = list(itertools.product(KINDS, CAUSES, SEGMENT_LABELS, (200.0, 80.0, 20.0), (True, False)))
    return pd.DataFrame(
        {
            "msisdn": [f"1380{i:07d}" for i in range(len(combos))],
            "kinds": [c[0] for c in combos],
            "cause": [c[1] for c in combos],
            "segment": [c[2] for c in combos],
            "value": [c[3] for c in combos],
            "contact_complete": [c[4] for c in combos],
        }
    )


def test_every_shipped_rule_gives_only_remedies_its_channel_can_deliver() -> None:
    rules = load_rules()
    assert remedy_channel_conflicts(rules) == []
    # the same check, run over every customer shape the rules can see (not over the rule text)
    out = apply_rules(_every_customer_shape(), rules)
    remedied = out.loc[out["remedy"].notna()]
    assert len(remedied) > 0
    for cause, channel, rule in (
        remedied[["remedy", "channel", "rule_id"]].drop_duplicates().itertuples(index=False)
    ):
        assert channel in rules.remedy_channels[cause], (rule, cause, channel)
    # a senior-agent callback or a bill explanation never goes out by SMS or app push
    spoken = remedied.loc[remedied["remedy"].isin(["service", "billing"]), "channel"]
    assert not spoken.isin(["sms", "app"]).any()
    assert set(rules.remedy_channels) == set(REMEDY_CAUSES)


def test_a_remedy_the_channel_cannot_deliver_is_refused_with_its_line(tmp_path: Path) -> None:
    bad = MINIMAL.replace(
        "  - id: Z\n",
        "  - id: B\n    when: {cause: [network, service]}\n    strategy: targeted_remedy\n"
        "    remedy: cause\n    channel: sms\n    priority: 3\n"
        "    script: {en: sms fix, zh: 短信}\n    reason: {en: known, zh: 已知}\n  - id: Z\n",
    ).replace(
        "  service: {action: callback, en: senior callback, zh: 资深回访}",
        "  service: {action: callback, en: senior callback, zh: 资深回访, channels: [outbound]}",
    )
    path = _write(tmp_path, bad)
    line = bad.splitlines().index("  - id: B") + 1
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    message = str(info.value)
    assert f"rules.yaml:{line}: rule 'B' gives the remedy 'callback' (service) by sms" in message
    assert "remedies.service.channels: outbound" in message
    assert info.value.fix and "channel" in info.value.fix
    # narrowing the rule to the cause SMS can fix makes it load
    assert load_rules(_write(tmp_path, bad.replace("[network, service]", "[network]")))


def test_remedy_channels_default_when_a_rule_file_does_not_name_them(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  - id: Z\n",
        "  - id: B\n    when: {cause: billing}\n    strategy: targeted_remedy\n"
        "    remedy: billing\n    channel: app\n    priority: 3\n"
        "    script: {en: app, zh: 推送}\n    reason: {en: bill, zh: 账单}\n  - id: Z\n",
    )
    with pytest.raises(ConfigError, match="'refund' \\(billing\\) by app"):
        load_rules(_write(tmp_path, text))

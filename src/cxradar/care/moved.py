"""The decision for customers a policy moved from proactive care to wait-for-contact (守株待兔).

When fatigue, do-not-disturb or capacity keeps a customer from the outreach their rule chose,
:func:`cxradar.care.policies.apply_policies` moves them to a pending-care flag. Everything a
channel reads must then describe what happens *now*: the strategy, the channel of the next
contact, the script for that contact and a decision sentence that says which rule chose what and
which policy moved them. A targeted remedy is kept when the new channel can deliver it (the
rule file's ``remedies.*.channels``); the script comes from the rule file's ``moved_to_wait``.

Vectorised: one sentence per (rule, kept remedy, policy reason) combination, as categoricals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxradar.care.rules import CHANNELS, REMEDY_CAUSES, STRATEGIES, RuleSet

__all__ = ["move_to_wait"]


def _from_codes(codes: Any, categories: Any) -> pd.Categorical:
    """A categorical from integer codes (-1 = missing) and its categories."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=pd.Index(list(categories)))


def _categorical(column: pd.Series) -> pd.Series:
    """The column as a categorical (decision columns already are: no text is converted)."""
    return column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")


def _codes_in(column: pd.Series, names: Sequence[str]) -> np.ndarray:
    """Each row's position in ``names`` (-1 when missing or not among them), by category codes."""
    col = _categorical(column)
    to_name = pd.Index(list(names)).get_indexer(pd.Index([str(c) for c in col.cat.categories]))
    raw = col.cat.codes.to_numpy()
    return np.where(raw >= 0, np.r_[to_name, -1][raw], -1).astype(np.int64)


def _texts_at(frame: pd.DataFrame, column: str, rows: np.ndarray) -> list[str]:
    if column not in frame.columns:
        return [""] * len(rows)
    col = _categorical(frame[column])
    categories = [str(c) for c in col.cat.categories]
    return [categories[c] if c >= 0 else "" for c in col.cat.codes.to_numpy()[rows]]


def _replace(
    column: pd.Series | None, n: int, rows: np.ndarray, values: list[str], inverse: np.ndarray
) -> pd.Categorical:
    """``column`` with ``values[inverse]`` written at ``rows``, by categorical codes."""
    if column is None:
        categories: list[str] = []
        codes = np.full(n, -1, dtype=np.int64)
    else:
        col = _categorical(column)
        categories = [str(c) for c in col.cat.categories]
        codes = col.cat.codes.to_numpy().astype(np.int64)
    known = set(categories)
    categories += [v for v in dict.fromkeys(values) if v not in known]
    position = {text: k for k, text in enumerate(categories)}
    codes[rows] = np.array([position[v] for v in values], dtype=np.int64)[inverse]
    return _from_codes(codes, categories)


def move_to_wait(
    out: pd.DataFrame,
    moved: np.ndarray,
    reason: np.ndarray,
    reason_en: Sequence[str],
    reason_zh: Sequence[str],
    rules: RuleSet,
) -> pd.DataFrame:
    """Rewrite the decision columns of the ``moved`` rows (boolean mask) for wait-for-contact.

    ``reason`` holds each row's policy reason code, ``reason_en``/``reason_zh`` the sentence of
    each code. Sets strategy, channel, remedy (kept when the channel can deliver it, else missing),
    remedy_action, remedy_en/zh, script_en/zh and decision_en/zh; other columns are untouched.
    """
    out = out.copy()
    target = rules.moved_to_wait
    strategy = _codes_in(out["strategy"], list(STRATEGIES))
    channel = _codes_in(out["channel"], list(CHANNELS))
    out["strategy"] = _from_codes(
        np.where(moved, list(STRATEGIES).index("wait_for_contact"), strategy), list(STRATEGIES)
    )
    out["channel"] = _from_codes(
        np.where(moved, list(CHANNELS).index(target.channel), channel), list(CHANNELS)
    )
    remedy_code = _codes_in(out["remedy"], REMEDY_CAUSES) if "remedy" in out else np.full(len(out), -1)
    fits = np.array([rules.remedy_fits(c, target.channel) for c in REMEDY_CAUSES])
    kept = np.where(remedy_code >= 0, fits[np.maximum(remedy_code, 0)], False)
    new_remedy = np.where(moved & ~kept, -1, remedy_code)
    out["remedy"] = _from_codes(new_remedy, list(REMEDY_CAUSES))
    out["remedy_action"] = _from_codes(new_remedy, [rules.remedies[c]["action"] for c in REMEDY_CAUSES])
    for lang in ("en", "zh"):
        out[f"remedy_{lang}"] = _from_codes(new_remedy, [rules.remedies[c][lang] for c in REMEDY_CAUSES])
    rule_code = np.asarray(_categorical(out["rule_id"]).cat.codes.to_numpy(), dtype=np.int64)
    width_remedy = len(REMEDY_CAUSES) + 1
    width_reason = int(reason.max()) + 1 if len(reason) else 1
    key = (rule_code * width_remedy + (new_remedy + 1)) * width_reason + reason
    rows = np.flatnonzero(moved)
    _, first, inverse = np.unique(key[rows], return_index=True, return_inverse=True)
    sample = rows[first]  # one row per combination: its rule, remedy and reason
    rule_ids = _texts_at(out, "rule_id", sample)
    why_en = _texts_at(out, "rule_reason_en", sample)
    why_zh = _texts_at(out, "rule_reason_zh", sample)
    wait_en, wait_zh = STRATEGIES["wait_for_contact"]
    channel_en, channel_zh = CHANNELS[target.channel]
    texts: dict[str, list[str]] = {k: [] for k in ("script_en", "script_zh", "decision_en", "decision_zh")}
    for i, row in enumerate(sample):
        code = new_remedy[row]
        policy_en, policy_zh = reason_en[reason[row]], reason_zh[reason[row]]
        rule_en = f"Rule {rule_ids[i]}" + (f" ({why_en[i]})" if why_en[i] else "")
        rule_zh = f"规则{rule_ids[i]}" + (f"（{why_zh[i]}）" if why_zh[i] else "")
        if code >= 0:
            cause = REMEDY_CAUSES[code]
            texts["script_en"].append(target.remedy_script_en.format(remedy=rules.remedies[cause]["en"]))
            texts["script_zh"].append(target.remedy_script_zh.format(remedy=rules.remedies[cause]["zh"]))
            what_en = f"{wait_en} ({rules.remedies[cause]['en']})"
            what_zh = f"{wait_zh}（{rules.remedies[cause]['zh']}）"
        else:
            texts["script_en"].append(target.script_en)
            texts["script_zh"].append(target.script_zh)
            what_en, what_zh = wait_en, wait_zh
        texts["decision_en"].append(
            f"{rule_en}, moved by policy ({policy_en}): {what_en} by {channel_en}, at the next contact."
        )
        texts["decision_zh"].append(
            f"{rule_zh}，因{policy_zh}改为：{what_zh}，渠道：{channel_zh}（客户下次接触时）。"
        )
    for column, values in texts.items():
        out[column] = _replace(out.get(column), len(out), rows, values, inverse)
    return out

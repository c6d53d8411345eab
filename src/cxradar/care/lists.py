"""Lists for channels: who to contact, on which day, with what script and why - usable as they are.

:func:`channel_lists` splits the treatment group's care actions into one table per (channel, day)
with bilingual headers; the numbers go through :mod:`cxradar.msisdn` (``mask_msisdn`` 138****1234;
``hash_msisdn`` and ``dial_token``, keyed HMAC-SHA256, never a plain hash). Numbers are masked in every list
that leaves the system; a channel that must dial gets either the full number in its own lists
(``plain_for``, for a dialer inside the system) or a keyed token per row (``token_key``) that the
dialer resolves with the same key (:func:`resolve_tokens`, ``cxradar care tokens``). Segment and
remedy codes come with their Chinese and English names; the better-fitting plan and its saving are
on every row whose remedy promises them; ``allowed hours`` is the channel's window. Writing CSV
(UTF-8 with BOM) and Excel is in :mod:`cxradar.care.io`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cxradar.care.rules import SEGMENT_LABELS, STRATEGIES
from cxradar.errors import ConfigError, MissingColumnError, did_you_mean
from cxradar.msisdn import dial_token, hash_msisdn, mask_msisdn

__all__ = ["DIAL_HEADERS", "ID_MODES", "LIST_HEADERS", "channel_lists", "resolve_tokens"]

ID_MODES = ("mask", "hash", "plain")

# internal column -> header written to the file (zh / en).
LIST_HEADERS = {
    "care_id": "关怀编号 care id",
    "msisdn": "手机号码 msisdn",
    "segment_zh": "客户群 segment (zh)",
    "segment_en": "segment (en)",
    "strategy_zh": "策略 strategy (zh)",
    "strategy_en": "strategy (en)",
    "remedy_zh": "补救措施 remedy (zh)",
    "remedy_en": "remedy (en)",
    "remedy_action": "补救代码 remedy code",
    "priority": "优先级 priority",
    "allowed_hours": "允许时段 allowed hours",
    "current_plan": "当前套餐 current plan",
    "current_fee": "当前月费(元) current fee (CNY)",
    "value": "近3月月均消费(元) average spend (CNY)",
    "suggested_plan": "推荐套餐 suggested plan",
    "suggested_fee": "推荐套餐月费(元) suggested fee (CNY)",
    "monthly_saving": "预计每月节省(元) saving per month (CNY)",
    "plan_advice_zh": "套餐建议 plan advice (zh)",
    "plan_advice_en": "plan advice (en)",
    "script_zh": "话术 script (zh)",
    "script_en": "script (en)",
    "reasons_zh": "不满原因 reasons (zh)",
    "reasons_en": "reasons (en)",
    "decision_zh": "决策依据 decision (zh)",
    "decision_en": "decision (en)",
}
# optional columns, placed right after the msisdn
DIAL_HEADERS = {
    "dial_number": "拨打号码 number to dial",
    "dial_token": "拨号令牌 dial token",
}


def resolve_tokens(tokens: Iterable[str], msisdn: pd.Series, key: str) -> pd.DataFrame:
    """token -> msisdn for the given tokens, among ``msisdn`` (e.g. the campaign's customers);
    a token no msisdn produces maps to missing."""
    lookup = dict(zip(dial_token(msisdn, key).tolist(), msisdn.astype("string").tolist(), strict=True))
    wanted = [str(t).strip() for t in tokens]
    return pd.DataFrame(
        {"dial_token": wanted, "msisdn": pd.array([lookup.get(t) for t in wanted], dtype="string")}
    )


def channel_lists(
    actions: pd.DataFrame,
    *,
    id_mode: str = "mask",
    salt: str = "",
    plain_for: Iterable[str] = (),
    token_key: str | None = None,
) -> dict[tuple[str, str], pd.DataFrame]:
    """Split the treatment group into lists keyed by (channel, 'YYYY-MM-DD'), best first.

    ``actions`` are care-action rows with the decision columns (as written by campaign design);
    control-group rows are never listed. Each list has the bilingual :data:`LIST_HEADERS`; the
    msisdn column is masked (``id_mode='mask'``), a keyed hash (``'hash'``, key ``salt``) or plain.
    Lists of the ``plain_for`` channels also carry the full number to dial; with ``token_key`` every
    list carries a dial token (:func:`dial_token`) instead."""
    if id_mode not in ID_MODES:
        raise ConfigError(
            f"unknown id mode '{id_mode}'.{did_you_mean(id_mode, ID_MODES)}", fix="use --ids mask|hash|plain"
        )
    for col in ("msisdn", "channel", "group", "scheduled_date"):
        if col not in actions.columns:
            raise MissingColumnError(
                f"care actions lack column '{col}'",
                fix="use care_actions.parquet written by 'cxradar campaign design'",
            )
    rows = actions.loc[actions["group"].eq("treatment")].copy()
    plain_channels = set(plain_for)
    full = rows["msisdn"].astype("string")
    if token_key is not None:
        rows["dial_token"] = dial_token(full, token_key)
    rows["dial_number"] = full.where(rows["channel"].astype(str).isin(plain_channels))
    if id_mode == "mask":
        rows["msisdn"] = mask_msisdn(full)
    elif id_mode == "hash":
        rows["msisdn"] = hash_msisdn(full, salt)
    rows["strategy_en"] = rows["strategy"].map({k: v[0] for k, v in STRATEGIES.items()})
    rows["strategy_zh"] = rows["strategy"].map({k: v[1] for k, v in STRATEGIES.items()})
    segment = rows["segment"].astype(str) if "segment" in rows else pd.Series("", index=rows.index)
    rows["segment_en"] = segment.map(lambda s: f"{SEGMENT_LABELS.get(s, (s, s))[0]} ({s})")
    rows["segment_zh"] = segment.map(lambda s: SEGMENT_LABELS.get(s, (s, s))[1])
    if "id" in rows.columns:
        rows["care_id"] = rows["id"]
    for col in LIST_HEADERS:
        if col not in rows.columns:
            rows[col] = pd.NA
    sort_cols = [c for c in ("expected_value",) if c in rows.columns]
    if sort_cols:
        rows = rows.sort_values(sort_cols, ascending=False, kind="stable")
    rows["_day"] = pd.to_datetime(rows["scheduled_date"]).dt.normalize()
    lists: dict[tuple[str, str], pd.DataFrame] = {}
    for (ch, d), part in rows.groupby([rows["channel"].astype(str), "_day"], sort=True, observed=True):
        extra = [c for c in DIAL_HEADERS if (c == "dial_number" and ch in plain_channels)]
        extra += ["dial_token"] if token_key is not None else []
        columns = ["care_id", "msisdn", *extra, *[c for c in LIST_HEADERS if c not in ("care_id", "msisdn")]]
        headers = {**LIST_HEADERS, **DIAL_HEADERS}
        table = part[columns].rename(columns=headers).reset_index(drop=True)
        lists[(str(ch), str(d)[:10])] = table
    return lists

"""Lists for channels: who to contact, on which day, with what script and why.

A pure function: :func:`channel_lists` masks (138****1234) or keyed-hashes (HMAC-SHA256) the
msisdn with :mod:`cxradar.msisdn` and splits the treatment group's care actions into one table per
(channel, day) with bilingual headers. Writing CSV (UTF-8 with BOM, so Excel opens Chinese
correctly) and Excel files is in :mod:`cxradar.care.io`.
"""

from __future__ import annotations

import pandas as pd

from cxradar.care.rules import STRATEGIES
from cxradar.errors import ConfigError, MissingColumnError, did_you_mean
from cxradar.msisdn import hash_msisdn, mask_msisdn

__all__ = ["ID_MODES", "LIST_HEADERS", "channel_lists"]

ID_MODES = ("mask", "hash", "plain")

# internal column -> header written to the file (zh / en).
LIST_HEADERS = {
    "care_id": "关怀编号 care id",
    "msisdn": "手机号码 msisdn",
    "segment": "客户群 segment",
    "strategy_zh": "策略 strategy (zh)",
    "strategy_en": "strategy (en)",
    "remedy_action": "补救措施 remedy",
    "priority": "优先级 priority",
    "allowed_hours": "允许时段 allowed hours",
    "script_zh": "话术 script (zh)",
    "script_en": "script (en)",
    "reasons_zh": "不满原因 reasons (zh)",
    "reasons_en": "reasons (en)",
    "decision_zh": "决策依据 decision (zh)",
    "decision_en": "decision (en)",
}


def channel_lists(
    actions: pd.DataFrame, *, id_mode: str = "mask", salt: str = ""
) -> dict[tuple[str, str], pd.DataFrame]:
    """Split the treatment group into lists keyed by (channel, 'YYYY-MM-DD'), best first.

    ``actions`` are care-action rows with the decision columns (as written by campaign design);
    control-group rows are never listed. Each list has the bilingual :data:`LIST_HEADERS`.
    """
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
    if id_mode == "mask":
        rows["msisdn"] = mask_msisdn(rows["msisdn"])
    elif id_mode == "hash":
        rows["msisdn"] = hash_msisdn(rows["msisdn"], salt)
    rows["strategy_en"] = rows["strategy"].map({k: v[0] for k, v in STRATEGIES.items()})
    rows["strategy_zh"] = rows["strategy"].map({k: v[1] for k, v in STRATEGIES.items()})
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
        table = part[list(LIST_HEADERS)].rename(columns=LIST_HEADERS).reset_index(drop=True)
        lists[(str(ch), str(d)[:10])] = table
    return lists

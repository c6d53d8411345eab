"""Entry signals of the explicit pool (a complaint, a low post-contact rating, a low survey score)
and the good signals that let a customer exit after care, each with its date, cause and a
sentence in en and zh. Pure functions over the contract tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxradar.identify.config import PoolConfig
from cxradar.identify.labels import CHANNEL_LABELS, COMPLAINT_TYPE_LABELS

__all__ = ["SIGNAL_COLUMNS", "entry_signals", "good_signals", "survey_cause"]

SIGNAL_COLUMNS = ["msisdn", "at", "signal", "cause", "reason_en", "reason_zh"]

_COMPLAINT_CAUSE = {"network": "network", "billing": "billing", "marketing": "value", "service": "service"}
_CONTACT_CAUSE = {"network": "network", "billing": "billing", "plan_change": "value"}
_SURVEY_ITEMS = {
    "network": ["qnet1", "qnet2", "qnet3"],
    "billing": ["qbil1", "qbil2"],
    "service": ["qsvc1", "qsvc2"],
    "value": ["val1", "val2"],
}


def _in_window(frame: pd.DataFrame, column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    stamps = pd.to_datetime(frame[column])
    return frame.loc[(stamps >= start) & (stamps < end)].assign(**{column: stamps})


def _label(values: pd.Series, table: dict[str, tuple[str, str]], index: int) -> pd.Series:
    return values.astype(str).map(lambda v: table.get(v, (v, v))[index])


def _day(stamps: pd.Series) -> pd.Series:
    return pd.to_datetime(stamps).dt.strftime("%Y-%m-%d")


def survey_cause(surveys: pd.DataFrame, order: tuple[str, ...]) -> pd.Series:
    """The dimension with the lowest mean item score per answer (network/billing/service/value),
    ties broken by ``order``; ``unknown`` when no dimension item was answered."""
    means = pd.DataFrame(index=surveys.index)
    for dim, items in _SURVEY_ITEMS.items():
        present = [c for c in items if c in surveys.columns]
        means[dim] = surveys[present].astype("float64").mean(axis=1) if present else np.nan
    ranked = [d for d in order if d in means.columns]
    means = means[ranked]
    cause = means.idxmin(axis=1, skipna=True) if len(means) else pd.Series(dtype="object")
    all_missing = means.isna().all(axis=1)
    return cause.where(~all_missing, "unknown").astype("object")


def entry_signals(
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    complaints: pd.DataFrame,
    contacts: pd.DataFrame,
    surveys: pd.DataFrame,
    config: PoolConfig,
    cause_order: tuple[str, ...] = ("network", "billing", "service", "value", "unknown"),
) -> pd.DataFrame:
    """Every negative signal with a date in ``[start, end)``: one row per signal."""
    parts: list[pd.DataFrame] = []
    comp = _in_window(complaints, "opened_at", start, end)
    comp = comp.loc[comp["type"].astype(str).isin(config.complaint_types)]
    if len(comp):
        kind_en, kind_zh = (
            _label(comp["type"], COMPLAINT_TYPE_LABELS, 0),
            _label(comp["type"], COMPLAINT_TYPE_LABELS, 1),
        )
        ch_en, ch_zh = _label(comp["channel"], CHANNEL_LABELS, 0), _label(comp["channel"], CHANNEL_LABELS, 1)
        sev = comp["severity"].astype("Int64").astype(str)
        parts.append(
            pd.DataFrame(
                {
                    "msisdn": comp["msisdn"].astype(str),
                    "at": comp["opened_at"],
                    "signal": "complaint",
                    "cause": comp["type"].astype(str).map(_COMPLAINT_CAUSE).fillna("unknown"),
                    "reason_en": "complaint about "
                    + kind_en
                    + " (severity "
                    + sev
                    + ") via "
                    + ch_en
                    + ", "
                    + _day(comp["opened_at"]),
                    "reason_zh": _day(comp["opened_at"])
                    + " 通过"
                    + ch_zh
                    + "投诉"
                    + kind_zh
                    + "问题（严重程度"
                    + sev
                    + "）",
                }
            )
        )
    cont = _in_window(contacts, "at", start, end)
    rating = pd.to_numeric(cont["rating"], errors="coerce")
    cont = cont.loc[rating.le(config.low_rating_at_or_below).fillna(False).to_numpy()]
    if len(cont):
        ch_en, ch_zh = _label(cont["channel"], CHANNEL_LABELS, 0), _label(cont["channel"], CHANNEL_LABELS, 1)
        score = cont["rating"].astype("Int64").astype(str)
        reason = cont["reason"].astype("object").where(cont["reason"].notna(), "other").astype(str)
        parts.append(
            pd.DataFrame(
                {
                    "msisdn": cont["msisdn"].astype(str),
                    "at": cont["at"],
                    "signal": "low_rating",
                    "cause": reason.map(_CONTACT_CAUSE).fillna("service"),
                    "reason_en": "rated the " + ch_en + " contact " + score + "/5, " + _day(cont["at"]),
                    "reason_zh": _day(cont["at"]) + " 对" + ch_zh + "服务评价" + score + "分（满分5分）",
                }
            )
        )
    surv = _in_window(surveys, "answered_at", start, end)
    overall = pd.to_numeric(surv["overall"], errors="coerce")
    surv = surv.loc[overall.le(config.low_survey_at_or_below).fillna(False).to_numpy()]
    if len(surv):
        score = surv["overall"].astype("Int64").astype(str)
        parts.append(
            pd.DataFrame(
                {
                    "msisdn": surv["msisdn"].astype(str),
                    "at": surv["answered_at"],
                    "signal": "low_survey",
                    "cause": survey_cause(surv, cause_order),
                    "reason_en": "gave "
                    + score
                    + "/10 in the satisfaction survey, "
                    + _day(surv["answered_at"]),
                    "reason_zh": _day(surv["answered_at"]) + " 满意度调查打分" + score + "分（满分10分）",
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {c: pd.Series(dtype="datetime64[us]" if c == "at" else "object") for c in SIGNAL_COLUMNS}
        )
    out = pd.concat(parts, ignore_index=True)
    out["at"] = pd.to_datetime(out["at"]).astype("datetime64[us]")
    for column in ("msisdn", "signal", "cause", "reason_en", "reason_zh"):
        out[column] = out[column].astype("object")
    return out.sort_values(["msisdn", "at", "signal"], kind="mergesort").reset_index(drop=True)


def good_signals(
    end: pd.Timestamp, *, contacts: pd.DataFrame, surveys: pd.DataFrame, config: PoolConfig
) -> pd.DataFrame:
    """Good re-ratings and good survey answers before ``end``: msisdn, at, kind."""
    cont = contacts.loc[
        pd.to_numeric(contacts["rating"], errors="coerce")
        .ge(config.good_rating_at_or_above)
        .fillna(False)
        .to_numpy(),
        ["msisdn", "at"],
    ]
    surv = surveys.loc[
        pd.to_numeric(surveys["overall"], errors="coerce")
        .ge(config.good_survey_at_or_above)
        .fillna(False)
        .to_numpy(),
        ["msisdn", "answered_at"],
    ]
    out = pd.concat(
        [
            pd.DataFrame(
                {
                    "msisdn": cont["msisdn"].astype(str),
                    "at": pd.to_datetime(cont["at"]),
                    "kind": "care_good_rating",
                }
            ),
            pd.DataFrame(
                {
                    "msisdn": surv["msisdn"].astype(str),
                    "at": pd.to_datetime(surv["answered_at"]),
                    "kind": "care_good_survey",
                }
            ),
        ],
        ignore_index=True,
    )
    out["at"] = out["at"].astype("datetime64[us]")
    return out.loc[out["at"] < end].reset_index(drop=True)

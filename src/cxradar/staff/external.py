"""The external survey's weak items (劣势项目) and the roles that own them (seed 002).

Seed 002: the internal follow-up questionnaire and each role's target are chosen from the items
where the external (survey-firm) satisfaction survey is weakest. For every staff-owned survey
item in ``survey_items`` (conf/staff.yaml) this gives the weighted mean of the month's answers
with an interval (survey weights when present), the target and the gap, whether the item is weak
(mean below target), the follow-up items that reflect it and the roles owning those items.

:func:`weak_survey_items_by_hall` does the same per hall, where a response can be tied to a hall
(the respondent's latest hall contact in the window before answering:
:func:`cxradar.staff.sums.respondent_halls`), over the answers of the report window. The
enough-data rule: a hall with fewer than ``min_survey_answers`` answers on an item gets no mean
and the verdict ``not_enough_data``; otherwise ``weak`` is mean below target and the verdict is
``met`` / ``missed`` / ``uncertain`` from the interval against the target.
"""

from __future__ import annotations

import pandas as pd

from cxradar.staff.config import StaffConfig
from cxradar.staff.league import verdicts
from cxradar.survey.stats import weighted_mean

__all__ = ["weak_survey_items", "weak_survey_items_by_hall"]


def _answered_month(surveys: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(surveys["answered_at"]).dt.strftime("%Y-%m")


def weak_survey_items(surveys: pd.DataFrame, month: str, config: StaffConfig) -> pd.DataFrame:
    """One row per staff-owned survey item for the answers given in ``month`` (weakest first)."""
    answered = _answered_month(surveys) if len(surveys) else pd.Series([], dtype=str)
    rows = surveys.loc[answered == month] if len(surveys) else surveys
    weights = rows.get("weight")
    out = []
    for item in config.survey_items:
        if item.column not in rows:
            continue
        values = pd.to_numeric(rows[item.column], errors="coerce")
        given = values.notna()
        w = None if weights is None else pd.to_numeric(weights[given], errors="coerce").fillna(1.0)
        estimate = weighted_mean(values[given], w, alpha=1.0 - config.level) if given.sum() >= 2 else None
        reflecting = [i.name for i in config.items if item.column in i.survey_items]
        owners = config.owners(item.column)
        mean = estimate.estimate if estimate is not None else float("nan")
        out.append(
            {
                "item": item.column,
                "label_zh": item.zh,
                "label_en": item.en,
                "answers": int(given.sum()),
                "mean": mean,
                "lo": estimate.lo if estimate is not None else float("nan"),
                "hi": estimate.hi if estimate is not None else float("nan"),
                "target": item.target,
                "gap": mean - item.target,
                "weak": bool(mean < item.target),
                "followup_items": ";".join(reflecting),
                "owner_roles": ";".join(r.name for r in owners),
                "owner_roles_zh": "、".join(r.zh for r in owners),
            }
        )
    table = pd.DataFrame(out)
    return table.sort_values("gap").reset_index(drop=True) if len(table) else table


def weak_survey_items_by_hall(
    surveys: pd.DataFrame, response_hall: pd.DataFrame, months: list[str], config: StaffConfig
) -> pd.DataFrame:
    """One row per (hall, staff-owned survey item) over the answers of ``months`` tied to a hall
    (``response_hall``: response_id, hall_id); per hall the items come weakest first."""
    columns = ["hall_id", "item", "label_zh", "label_en", "answers", "mean", "lo", "hi", "target", "gap"]
    columns += ["enough_data", "weak", "verdict", "owner_roles"]
    if not len(surveys) or not len(response_hall):
        return pd.DataFrame(columns=columns)
    rows = surveys.loc[_answered_month(surveys).isin(months)].copy()
    rows["response_id"] = rows["response_id"].astype(str)
    rows = rows.merge(response_hall, on="response_id", how="inner")
    out = []
    for hall, mine in rows.groupby("hall_id", sort=True):
        for item in config.survey_items:
            if item.column not in mine:
                continue
            values = pd.to_numeric(mine[item.column], errors="coerce")
            given = values.notna()
            n = int(given.sum())
            enough = n >= config.min_survey_answers
            weights = mine.get("weight")
            w = None if weights is None else pd.to_numeric(weights[given], errors="coerce").fillna(1.0)
            estimate = weighted_mean(values[given], w, alpha=1.0 - config.level) if enough else None
            mean = estimate.estimate if estimate is not None else float("nan")
            out.append(
                {
                    "hall_id": hall,
                    "item": item.column,
                    "label_zh": item.zh,
                    "label_en": item.en,
                    "answers": n,
                    "mean": mean,
                    "lo": estimate.lo if estimate is not None else float("nan"),
                    "hi": estimate.hi if estimate is not None else float("nan"),
                    "target": item.target,
                    "gap": mean - item.target,
                    "enough_data": enough,
                    "weak": bool(enough and mean < item.target),
                    "owner_roles": ";".join(r.name for r in config.owners(item.column)),
                }
            )
    table = pd.DataFrame(out, columns=[c for c in columns if c != "verdict"])
    if not len(table):
        return pd.DataFrame(columns=columns)
    table.insert(
        len(table.columns) - 1,
        "verdict",
        verdicts(table["lo"], table["hi"], table["target"], table["enough_data"]),
    )
    return table.sort_values(["hall_id", "gap"], na_position="last").reset_index(drop=True)

"""The external survey's weak items (劣势项目) and the roles that own them (seed 002).

Seed 002: the internal follow-up questionnaire and each role's target are chosen from the items
where the external (survey-firm) satisfaction survey is weakest. For every staff-owned survey
item in ``survey_items`` (conf/staff.yaml) this gives the weighted mean of the month's answers
with an interval (survey weights when present), the target and the gap, whether the item is weak
(mean below target), the follow-up items that reflect it and the roles owning those items.
"""

from __future__ import annotations

import pandas as pd

from cxradar.staff.config import StaffConfig
from cxradar.survey.stats import weighted_mean

__all__ = ["weak_survey_items"]


def weak_survey_items(surveys: pd.DataFrame, month: str, config: StaffConfig) -> pd.DataFrame:
    """One row per staff-owned survey item for the answers given in ``month`` (weakest first)."""
    answered = (
        pd.to_datetime(surveys["answered_at"]).dt.strftime("%Y-%m")
        if len(surveys)
        else pd.Series([], dtype=str)
    )
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

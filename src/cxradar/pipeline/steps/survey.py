"""Step ``survey``: the month's survey summary with the CSI (PLS path model) and IPMA.

Survey analytics work on respondents (thousands) and complainants, so the step fetches the survey
answers and complaints up to the month, the subscriber and usage rows of those customers only,
and the number of active lines per month (the complaint-rate denominator) counted in SQL, then
runs :func:`cxradar.survey.build_survey_views` on them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxradar.engine.params import timestamp_literal
from cxradar.months import month_bounds
from cxradar.pipeline.context import RunContext
from cxradar.survey import build_survey_views

__all__ = ["survey_step"]


def survey_step(ctx: RunContext) -> dict[str, Any]:
    """The survey summary (``summary.json`` section ``survey``)."""
    engine = ctx.engine
    _, end = month_bounds(ctx.month)
    upto = timestamp_literal(end)
    engine.create_view(
        "survey_ids",
        f"SELECT msisdn FROM surveys WHERE answered_at < {upto} "
        f"UNION SELECT msisdn FROM complaints WHERE opened_at < {upto}",
    )
    tables = {
        "surveys": engine.fetch(
            f"SELECT * FROM surveys WHERE answered_at < {upto} ORDER BY msisdn, answered_at"
        ),
        "subscribers": engine.fetch(
            "SELECT * FROM subscribers WHERE msisdn IN (SELECT msisdn FROM survey_ids) ORDER BY msisdn"
        ),
        "usage_monthly": engine.fetch(
            f"SELECT * FROM usage_monthly WHERE month < DATE '{end:%Y-%m-%d}' "
            "AND msisdn IN (SELECT msisdn FROM survey_ids) ORDER BY msisdn, month"
        ),
        "complaints": engine.fetch(f"SELECT * FROM complaints WHERE opened_at < {upto} ORDER BY id"),
    }
    counts = engine.fetch(
        f"SELECT month, COUNT(DISTINCT msisdn) AS n FROM usage_monthly WHERE month < DATE '{end:%Y-%m-%d}' "
        "GROUP BY month ORDER BY month"
    )
    base = pd.Series(
        counts["n"].astype(float).to_numpy(),
        index=pd.to_datetime(counts["month"]).dt.to_period("M").dt.to_timestamp(),
    )
    tables = {k: v for k, v in tables.items() if len(v)}
    _views, summary = build_survey_views(tables, ctx.month, ctx.settings.survey, base=base)
    ctx.sections["survey"] = summary
    return {"rows_in": len(tables.get("surveys", [])), "rows_out": summary.get("respondents")}

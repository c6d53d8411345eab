"""Per-unit sums of internal satisfaction, computed in DuckDB: the report estimates on aggregates.

At operator scale a quarter's staffed contacts are tens of millions of rows; every estimate of the
report (shrunk hall and agent means, role means, per-item hall scores, the gender breakdown, the
trend) needs only, per unit, the count, sum and sum of squares of each value. This module builds
the staffed-contact scores in SQL - the same rules as :func:`cxradar.staff.scores.contact_scores`
(which stays the per-contact reference the tests compare against) - and groups them:

* :func:`staff_connection` - a DuckDB connection with the tables registered and the view
  ``staff_scores`` (one row per staffed contact: hall, agent, role, month, gender, score, items);
* :func:`unit_sums` - ``GROUP BY`` any of its columns: ``n_<v>``, ``sum_<v>``, ``sumsq_<v>``
  for the overall score and each follow-up item;
* :func:`unit_stats_from_sums` - count, mean and (sample) variance from those sums, the input of
  :func:`cxradar.staff.shrinkage.shrink`;
* :func:`respondent_halls` - each survey response tied to the hall of the respondent's latest
  hall contact in the window before the answer (for the survey's weak items per hall).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxradar.engine.duckdb import memory_connection
from cxradar.staff.config import StaffConfig

__all__ = ["respondent_halls", "staff_connection", "unit_stats_from_sums", "unit_sums", "value_columns"]


def value_columns(config: StaffConfig) -> list[str]:
    """The summed values: the contact's ``score`` and each follow-up item's column."""
    return ["score", *(i.column for i in config.items)]


def _scores_sql(config: StaffConfig, *, has_gender: bool) -> str:
    items = [i.column for i in config.items]
    weighted = " + ".join(
        f"coalesce(g.{c}::DOUBLE * {i.weight!r}, 0)" for c, i in zip(items, config.items, strict=True)
    )
    given = " + ".join(
        f"(g.{c} IS NOT NULL)::INT * {i.weight!r}" for c, i in zip(items, config.items, strict=True)
    )
    wf, wr = config.followup_weight, config.rating_weight
    gender = "s.gender" if has_gender else "NULL::VARCHAR"
    join_gender = (
        "LEFT JOIN (SELECT msisdn, any_value(gender) AS gender FROM subscribers GROUP BY msisdn) s "
        "ON s.msisdn = c.msisdn"
        if has_gender
        else ""
    )
    return f"""
    CREATE OR REPLACE TEMP VIEW staff_scores AS
    WITH served AS (
        SELECT c.id AS contact_id, c.msisdn, c."at"::TIMESTAMP AS "at", c.channel,
               coalesce(c.hall_id, r.hall_id) AS hall_id, c.agent_id, r.role,
               1.0 + (TRY_CAST(c.rating AS DOUBLE) - 1.0) * 9.0 / 4.0 AS rating_score,
               {gender} AS gender
        FROM contacts c
        LEFT JOIN (SELECT agent_id, any_value(hall_id) AS hall_id, any_value(role) AS role
                   FROM staff GROUP BY agent_id) r ON r.agent_id = c.agent_id
        {join_gender}
        WHERE c.agent_id IS NOT NULL OR c.hall_id IS NOT NULL
    ),
    calls AS (
        SELECT f.*, epoch(f.called_at::TIMESTAMP - c."at"::TIMESTAMP) / 86400.0 AS delay_days
        FROM followups f JOIN contacts c ON c.id = f.contact_id
    ),
    good AS (
        SELECT * FROM calls
        WHERE delay_days >= 0 AND delay_days <= {float(config.followup_days)!r} AND coalesce(answered, false)
        QUALIFY row_number() OVER (PARTITION BY contact_id ORDER BY called_at) = 1
    ),
    scored AS (
        SELECT s.*, {", ".join(f"g.{c}::DOUBLE AS {c}" for c in items)},
               CASE WHEN ({given}) > 0 THEN ({weighted}) / ({given}) END AS followup_score
        FROM served s LEFT JOIN good g ON g.contact_id = s.contact_id
    )
    SELECT *, strftime("at", '%Y-%m') AS month,
           (coalesce(followup_score, 0) * {wf!r} + coalesce(rating_score, 0) * {wr!r})
             / nullif((followup_score IS NOT NULL)::INT * {wf!r} + (rating_score IS NOT NULL)::INT * {wr!r}, 0)
             AS score
    FROM scored
    """


def staff_connection(tables: dict[str, pd.DataFrame], config: StaffConfig) -> Any:
    """A DuckDB connection holding ``contacts``, ``staff``, ``followups``, ``subscribers`` and
    ``surveys`` (empty ones left out) and the view ``staff_scores``."""
    con = memory_connection()
    for name in ("contacts", "staff", "followups", "subscribers", "surveys"):
        frame = tables.get(name)
        if frame is not None and len(frame.columns):
            con.register(name, frame)
    if tables.get("followups") is None or not len(tables["followups"].columns):
        columns = ", ".join(f"NULL::DOUBLE AS {i.column}" for i in config.items)
        con.execute(
            "CREATE TEMP VIEW followups AS SELECT NULL::VARCHAR AS contact_id, NULL::TIMESTAMP AS called_at, "
            f"NULL::BOOLEAN AS answered, {columns} WHERE false"
        )
    subscribers = tables.get("subscribers")
    has_gender = bool(
        subscribers is not None and "gender" in subscribers and subscribers["gender"].notna().any()
    )
    con.execute(_scores_sql(config, has_gender=has_gender))
    return con


def unit_sums(
    con: Any,
    by: Sequence[str],
    config: StaffConfig,
    *,
    months: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per group of ``by`` (columns of ``staff_scores``, NULL keys left out), over the contacts of
    ``months`` (all when None): ``n_<v>``, ``sum_<v>``, ``sumsq_<v>`` for each value column."""
    keys = ", ".join(by)
    parts = [
        f"count({v}) AS n_{v}, sum({v}) AS sum_{v}, sum({v} * {v}) AS sumsq_{v}"
        for v in value_columns(config)
    ]
    where = " AND ".join(
        [f"{k} IS NOT NULL" for k in by]
        + (["month IN (SELECT * FROM unnest($months))"] if months is not None else [])
    )
    sql = f"SELECT {keys}, {', '.join(parts)} FROM staff_scores WHERE {where} GROUP BY ALL ORDER BY {keys}"
    params = {"months": list(months)} if months is not None else {}
    return con.execute(sql, params).df()


def unit_stats_from_sums(sums: pd.DataFrame, by: Sequence[str], value: str = "score") -> pd.DataFrame:
    """``by`` columns plus ``n``, ``mean``, ``var`` (ddof 1; NaN under two values) of ``value``,
    for the groups with at least one value."""
    n = sums[f"n_{value}"].to_numpy(dtype=float)
    total = sums[f"sum_{value}"].to_numpy(dtype=float)
    square = sums[f"sumsq_{value}"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        var = np.where(n > 1, np.clip(square - total * mean, 0.0, None) / (n - 1.0), np.nan)
    out = sums[list(by)].copy()
    out["n"], out["mean"], out["var"] = n.astype(np.int64), mean, var
    return out.loc[n > 0].reset_index(drop=True)


def respondent_halls(con: Any, months: int) -> pd.DataFrame:
    """``response_id`` -> ``hall_id``: the hall of the respondent's latest hall contact at most
    ``months`` months before the answer (responses without one left out). Needs ``surveys``."""
    sql = f"""
    SELECT v.response_id::VARCHAR AS response_id, s.hall_id
    FROM surveys v JOIN staff_scores s ON s.msisdn = v.msisdn
    WHERE s.hall_id IS NOT NULL AND s."at" <= v.answered_at::TIMESTAMP
      AND s."at" > v.answered_at::TIMESTAMP - INTERVAL {int(months)} MONTH
    QUALIFY row_number() OVER (PARTITION BY v.response_id ORDER BY s."at" DESC, s.contact_id) = 1
    """
    return con.execute(sql).df()

"""The churners of an as-of month as SQL: which lines a churn definition labels 1.

The bounded training sample (``training.max_train_rows``, docs/churn.md) keeps a keyed share of
the churners (all of them when they fit) and of the other lines, and is drawn *before* the features are built, so that the
training months' features are computed for the sample only. That needs the churners in SQL,
over the contract tables, on either engine. :mod:`cxradar.churn.labels` stays the definition: the
sample's rows are labelled there, and this SQL only has to find a superset of its churners
(``tests/churn/test_label_sql.py`` checks it against the pandas labels for every kind). Each
query returns one column, ``msisdn``; every comparison is written so that a boundary case is
included rather than missed.
"""

from __future__ import annotations

from cxradar.churn.config import Definition
from cxradar.engine.params import month_start_literal

__all__ = ["churners_sql"]


def _ts(month: str, shift: int = 0) -> str:
    return month_start_literal(month, shift, timestamp=True)


def _in(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def churners_sql(definition: Definition, month: str, horizon: int) -> str:
    """``SELECT msisdn ...``: the lines ``definition`` labels churned for the window M+1 .. M+horizon
    after ``month`` (a superset of :func:`cxradar.churn.labels.label_churn`'s, see the module)."""
    start, end = _ts(month, 1), _ts(month, horizon + 1)
    params = definition.params
    if definition.kind == "status":
        where = [
            "status = 'churned'",
            f"CAST(status_date AS TIMESTAMP) >= {start}",
            f"CAST(status_date AS TIMESTAMP) < {end}",
        ]
        types = [str(t) for t in params.get("churn_types") or []]
        reasons = [str(r) for r in params.get("reasons") or []]
        if types:
            where.append(f"churn_type IN ({_in(types)})")
        if reasons:
            where.append(f"churn_reason IN ({_in(reasons)})")
        return "SELECT DISTINCT msisdn FROM subscribers WHERE " + " AND ".join(where)
    if definition.kind == "brand_downgrade":
        now = _in([str(b) for b in params.get("from_brands", [])]) or "''"
        later = _in([str(b) for b in params.get("to_brands", [])]) or "''"
        return (
            "SELECT DISTINCT a.msisdn FROM usage_monthly AS a JOIN usage_monthly AS b ON b.msisdn = a.msisdn "
            f"WHERE CAST(a.month AS TIMESTAMP) >= {_ts(month)} AND CAST(a.month AS TIMESTAMP) < {start} "
            f"AND a.brand IN ({now}) AND CAST(b.month AS TIMESTAMP) >= {start} "
            f"AND CAST(b.month AS TIMESTAMP) < {end} AND b.brand IN ({later})"
        )
    base_n = int(params.get("baseline_months", 3))
    drop = float(params.get("drop_share", 0.5))
    minimum = float(params.get("min_baseline", 0.0))
    after = f"CAST(month AS TIMESTAMP) >= {start}"
    spend = "CAST(COALESCE(spend, 0) AS DOUBLE)"
    present = "" if params.get("count_leavers", False) else " AND n_after > 0"
    # a tolerance of 1e-9 CNY on both comparisons keeps boundary lines in (pandas sums in
    # another order)
    return (
        "SELECT msisdn FROM (SELECT msisdn, "
        f"SUM(CASE WHEN {after} THEN 0.0 ELSE {spend} END) / {base_n} AS base, "
        f"SUM(CASE WHEN {after} THEN {spend} ELSE 0.0 END) / {horizon} AS future, "
        f"SUM(CASE WHEN {after} THEN 1 ELSE 0 END) AS n_after "
        f"FROM usage_monthly WHERE CAST(month AS TIMESTAMP) >= {_ts(month, -(base_n - 1))} "
        f"AND CAST(month AS TIMESTAMP) < {end} GROUP BY msisdn) AS w "
        f"WHERE base >= {minimum - 1e-9!r} AND future < {1 - drop!r} * base + 1e-9{present}"
    )

"""The staff and service-hall report: every view of the month and a JSON-ready summary.

:func:`load_staff_tables` reads a data folder (``{table}.parquet`` / ``.csv``: contacts, staff,
followups, surveys, subscribers) and, optionally, a run folder's ``pool_history.parquet`` and
``churn/churners.parquet`` - it is not a step of the monthly run, it reads what the run left.
:func:`build_staff_views` is pure (tables in, views and summary out): the estimates (leagues,
roles, items per hall, gender) are made on per-unit sums grouped in DuckDB
(:mod:`cxradar.staff.sums`), not on the contacts themselves. Agent ids never leave: every
view carries ``agent_key``, the keyed HMAC-SHA256 of the id (:func:`agent_keys`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.contract import read_table
from cxradar.errors import DataError, UnreadableFileError
from cxradar.months import month_start
from cxradar.msisdn import hash_msisdn
from cxradar.staff.config import StaffConfig
from cxradar.staff.external import weak_survey_items, weak_survey_items_by_hall
from cxradar.staff.followups import followup_answers, followup_list, followup_summary
from cxradar.staff.gender import gender_breakdown
from cxradar.staff.labels import VERDICT, label
from cxradar.staff.league import hall_items_from_stats, league_from_stats, role_table
from cxradar.staff.outcomes import later_outcomes
from cxradar.staff.scores import contact_scores, followup_status
from cxradar.staff.sums import respondent_halls, staff_connection, unit_stats_from_sums, unit_sums
from cxradar.staff.trend import monthly_trend

__all__ = [
    "NO_STAFF",
    "agent_keys",
    "build_staff_views",
    "gender_view",
    "hall_survey_view",
    "has_staff",
    "load_staff_tables",
    "months_up_to",
]

DATA_TABLES = ("staff", "contacts", "followups", "surveys", "subscribers")
NO_STAFF = (
    "the data has no staff tables (staff.parquet and contacts.agent_id / hall_id)",
    "数据中没有员工表（staff 及 contacts 的 agent_id / hall_id）",
)


def agent_keys(ids: pd.Series, key: str) -> pd.Series:
    """``ag_`` + the first 16 hex digits of HMAC-SHA256(agent_id) under ``key``: stable month to
    month for the same key, and no one without the key can tell which agent it is."""
    return "ag_" + hash_msisdn(ids.astype(str), key).str.slice(0, 16)


def has_staff(tables: dict[str, pd.DataFrame]) -> bool:
    """True when the staff roster and the contacts' agent or hall ids are there."""
    contacts = tables.get("contacts")
    if contacts is None or tables.get("staff") is None or tables["staff"].empty:
        return False
    return any(c in contacts and contacts[c].notna().any() for c in ("agent_id", "hall_id"))


def load_staff_tables(data_dir: Path, run_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """The tables the report reads; raises :class:`DataError` when the data has no staff tables."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise UnreadableFileError(
            f"data folder {data_dir} does not exist",
            fix="pass the folder holding contacts, staff and followups (e.g. the output of cxradar simulate)",
        )
    tables: dict[str, pd.DataFrame] = {}
    for name in DATA_TABLES:
        try:
            tables[name] = read_table(data_dir, name)
        except UnreadableFileError:
            if name in ("contacts", "staff"):
                raise
            tables[name] = pd.DataFrame()  # surveys and subscribers only add views
    if not has_staff(tables):
        raise DataError(
            f"{data_dir}: {NO_STAFF[0]}",
            fix="add staff.parquet and the contacts' agent_id / hall_id columns (docs/data-contract.md#staff)",
        )
    if run_dir is not None:
        run_dir = Path(run_dir)
        for name, relative in (
            ("pool_history", "pool_history.parquet"),
            ("churn_list", "churn/churners.parquet"),
        ):
            path = run_dir / relative
            if not path.is_file():
                raise UnreadableFileError(
                    f"{path} does not exist",
                    fix="pass --run the --out folder of a finished 'cxradar run' (or leave --run out)",
                )
            tables[name] = pd.read_parquet(path)
    return tables


def months_up_to(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month`` (oldest first)."""
    end = pd.Period(month_start(month), freq="M")
    return [str(end - k) for k in range(count - 1, -1, -1)]


def gender_view(con: Any, config: StaffConfig, window: list[str]) -> pd.DataFrame:
    """The ``gender`` view (:func:`cxradar.staff.gender.gender_breakdown`) from per-(hall, gender)
    and per-(role, gender) sums of the ``window``'s contacts on a :func:`staff_connection`."""
    stats = {
        by: unit_stats_from_sums(unit_sums(con, (by, "gender"), config, months=window), [by, "gender"])
        for by in ("hall_id", "role")
    }
    return gender_breakdown(stats["hall_id"], stats["role"], config)


def hall_survey_view(
    con: Any, surveys: pd.DataFrame | None, config: StaffConfig, window: list[str]
) -> pd.DataFrame:
    """The ``hall_survey_items`` view: the survey's staff items per hall over the ``window``'s
    answers, each response tied to its respondent's hall on a :func:`staff_connection`."""
    surveys = surveys if surveys is not None else pd.DataFrame()
    response_hall = respondent_halls(con, config.window_months) if len(surveys) else pd.DataFrame()
    return weak_survey_items_by_hall(surveys, response_hall, window, config)


def _hall_table(table: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    district = staff.dropna(subset=["hall_id"]).drop_duplicates("hall_id").set_index("hall_id")["district"]
    out = table.copy()
    out.insert(1, "district", out["hall_id"].map(district))
    out["verdict_zh"] = [label(VERDICT, v)[0] for v in out["verdict"]]
    return out


def build_staff_views(
    tables: dict[str, pd.DataFrame], month: str, config: StaffConfig, *, key: str
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every view of ``month`` (contacts of the ``window_months`` up to it) and the summary."""
    month = str(pd.Period(month_start(month), freq="M"))
    staff, contacts, followups = tables["staff"], tables["contacts"], tables["followups"]
    scores = contact_scores(contacts, followups, staff, config)
    window = months_up_to(month, config.window_months)
    inside = scores.loc[scores["month"].isin(window)]
    if inside["score"].notna().sum() == 0:
        raise DataError(
            f"no scored staff contacts (follow-up call or SMS rating) in {window[0]} .. {month}",
            fix="pick a --month the data covers, or widen window_months (docs/staff.md#configuration)",
        )
    keys = agent_keys(pd.Series(staff["agent_id"].unique()), key)
    key_of = pd.Series(keys.to_numpy(), index=staff["agent_id"].unique())
    con = staff_connection(tables, config)
    try:
        sums = {
            by: unit_sums(con, by, config, months=window) for by in (("hall_id",), ("agent_id",), ("role",))
        }
        gender = gender_view(con, config, window)
        hall_survey = hall_survey_view(con, tables.get("surveys"), config, window)
    finally:
        con.close()
    halls, hall_prior = league_from_stats(
        unit_stats_from_sums(sums[("hall_id",)], ["hall_id"]), "hall_id", config, config.hall_target
    )
    halls = _hall_table(halls, staff)
    role_of = staff.set_index("agent_id")["role"]
    targets = {r.name: r.target for r in config.roles}
    agent_targets = role_of.map(targets).fillna(config.hall_target)
    agents, agent_prior = league_from_stats(
        unit_stats_from_sums(sums[("agent_id",)], ["agent_id"]), "agent_id", config, agent_targets
    )
    agents.insert(1, "role", agents["agent_id"].map(role_of))
    agents.insert(2, "hall_id", agents["agent_id"].map(staff.set_index("agent_id")["hall_id"]))
    agents["verdict_zh"] = [label(VERDICT, v)[0] for v in agents["verdict"]]
    roles = role_table(inside, agents, config, role_stats=unit_stats_from_sums(sums[("role",)], ["role"]))
    agents.insert(0, "agent_key", agents.pop("agent_id").map(key_of))
    per_item = {
        i.column: unit_stats_from_sums(sums[("hall_id",)], ["hall_id"], i.column) for i in config.items
    }
    calls = followup_status(followups, contacts, config.followup_days)
    views: dict[str, pd.DataFrame] = {
        "halls": halls,
        "agents": agents,
        "roles": roles,
        "hall_items": hall_items_from_stats(per_item, config),
        "gender": gender,
        "survey_items": weak_survey_items(tables.get("surveys", pd.DataFrame()), month, config),
        "hall_survey_items": hall_survey,
        "trend": monthly_trend(scores, months_up_to(month, config.trend_months), config),
        "followup_summary": followup_summary(calls, scores, months_up_to(month, config.trend_months)),
        "followup_answers": followup_answers(calls, month),
        "followup_list": followup_list(calls, scores, month, key_of),
    }
    if "pool_history" in tables:
        subscribers = tables.get("subscribers")
        for name, unit in (("hall_outcomes", "hall_id"), ("agent_outcomes", "agent_id")):
            found = later_outcomes(
                inside,
                unit,
                pool_history=tables["pool_history"],
                subscribers=subscribers if subscribers is not None and len(subscribers) else None,
                churn_list=tables.get("churn_list"),
                level=config.level,
            )
            if unit == "agent_id":
                found.insert(0, "agent_key", found.pop("agent_id").map(key_of))
            views[name] = found
    return views, _summary(views, month, window, hall_prior, agent_prior, config)


def _summary(
    views: dict[str, pd.DataFrame],
    month: str,
    window: list[str],
    hall_prior: dict[str, float],
    agent_prior: dict[str, float],
    config: StaffConfig,
) -> dict[str, Any]:
    halls, roles, items = views["halls"], views["roles"], views["survey_items"]
    ranked = halls.loc[halls["enough_data"]]
    fu = views["followup_summary"]
    this = fu.loc[fu["month"] == month].iloc[0].to_dict() if (fu["month"] == month).any() else {}
    return {
        "month": month,
        "window": [window[0], window[-1]],
        "halls": len(halls),
        "halls_ranked": len(ranked),
        "hall_target": config.hall_target,
        "halls_met": int((halls["verdict"] == "met").sum()),
        "halls_missed": int((halls["verdict"] == "missed").sum()),
        "bottom_halls": halls.loc[halls["bottom"], "hall_id"].tolist(),
        "best_hall": ranked.iloc[0]["hall_id"] if len(ranked) else None,
        "agents": len(views["agents"]),
        "agents_ranked": int(views["agents"]["enough_data"].sum()),
        "prior_halls": hall_prior,
        "prior_agents": agent_prior,
        "roles": {
            r["role"]: {"mean": r["mean"], "target": r["target"], "met": bool(r["target_met"])}
            for r in roles.to_dict("records")
        },
        "weak_survey_items": [
            {"item": r["item"], "mean": r["mean"], "target": r["target"], "owners": r["owner_roles"]}
            for r in items.to_dict("records")
            if r["weak"]
        ]
        if len(items)
        else [],
        "followups": {k: v for k, v in this.items() if k != "month"},
    }

"""The DuckDB sums behind the report, the gender breakdown and the survey's weak items per hall.

References, all independent of the code under test:
* the per-unit count, mean and variance of the SQL sums against pandas ``groupby`` over the
  per-contact scores of :func:`cxradar.staff.contact_scores` (a separate pandas implementation of
  the same rules); tolerance 1e-9 (double sums of values 1-10 over a few thousand rows);
* the gender gap over its standard error against Welch's t statistic of
  ``scipy.stats.ttest_ind(equal_var=False)`` on the raw scores; tolerance 1e-9;
* a hall's survey item mean against ``numpy.average`` with the survey weights over the responses
  joined by hand (pandas ``merge_asof``) to the respondent's latest hall contact; tolerance 1e-9.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxradar.staff import contact_scores, load_staff_tables
from cxradar.staff.config import StaffConfig
from cxradar.staff.external import weak_survey_items_by_hall
from cxradar.staff.gender import gender_breakdown
from cxradar.staff.league import unit_stats
from cxradar.staff.report import months_up_to
from cxradar.staff.sums import respondent_halls, staff_connection, unit_stats_from_sums, unit_sums

from .conftest import MONTH


@pytest.fixture(scope="module")
def tables(staff_data: Path) -> dict[str, pd.DataFrame]:
    return load_staff_tables(staff_data)


@pytest.fixture(scope="module")
def scores(tables: dict[str, pd.DataFrame], config: StaffConfig) -> pd.DataFrame:
    found = contact_scores(tables["contacts"], tables["followups"], tables["staff"], config)
    gender = tables["subscribers"].set_index("msisdn")["gender"]
    return found.assign(gender=found["msisdn"].map(gender))


@pytest.mark.parametrize("key", ["hall_id", "agent_id", "role"])
def test_sql_sums_give_the_pandas_means_and_variances(
    tables: dict[str, pd.DataFrame], scores: pd.DataFrame, config: StaffConfig, key: str
) -> None:
    window = months_up_to(MONTH, 3)
    con = staff_connection(tables, config)
    sums = unit_sums(con, [key], config, months=window)
    con.close()
    inside = scores.loc[scores["month"].isin(window)]
    for value in ["score", *(i.column for i in config.items)]:
        reference = unit_stats(inside, key, value)
        mine = unit_stats_from_sums(sums, [key], value)
        joined = reference.merge(mine, on=key, suffixes=("_ref", ""), how="outer", indicator=True)
        assert (joined["_merge"] == "both").all(), value
        assert (joined["n"] == joined["n_ref"]).all()
        assert np.allclose(joined["mean"], joined["mean_ref"], rtol=0, atol=1e-9)
        assert np.allclose(joined["var"], joined["var_ref"], rtol=0, atol=1e-9, equal_nan=True)
    assert len(reference) > 3


def test_gender_gap_is_welch_and_the_enough_data_rule_holds(
    tables: dict[str, pd.DataFrame], scores: pd.DataFrame, config: StaffConfig
) -> None:
    con = staff_connection(tables, config)
    halls = unit_stats_from_sums(unit_sums(con, ["hall_id", "gender"], config), ["hall_id", "gender"])
    roles = unit_stats_from_sums(unit_sums(con, ["role", "gender"], config), ["role", "gender"])
    con.close()
    strict = replace(config, min_contacts=15)
    table = gender_breakdown(halls, roles, strict)
    assert set(table["level"]) == {"hall", "role"}
    compared = table.loc[table["enough_data"]]
    assert len(compared) >= 5 and (compared["level"] == "hall").sum() >= 2
    for row in compared.itertuples():
        key = "hall_id" if row.level == "hall" else "role"
        mine = scores.loc[(scores[key] == row.unit) & scores["score"].notna()]
        f, m = mine.loc[mine["gender"] == "F", "score"], mine.loc[mine["gender"] == "M", "score"]
        assert (row.n_F, row.n_M) == (len(f), len(m))
        assert row.mean_F == pytest.approx(f.mean(), abs=1e-9)
        welch = stats.ttest_ind(f, m, equal_var=False).statistic
        se = (row.gap_hi - row.gap_lo) / (2 * stats.norm.ppf(0.5 + strict.level / 2))
        assert row.gap_f_minus_m / se == pytest.approx(welch, abs=1e-9)
        assert row.female_lower == (row.gap_hi < 0)
    thin = table.loc[(table["n_F"] < 15) & (table["n_F"] > 0)]
    assert len(thin) and thin["mean_F"].isna().all() and (~thin["enough_data"]).all()


def test_survey_items_per_hall_follow_the_respondents_latest_hall_contact(
    tables: dict[str, pd.DataFrame], scores: pd.DataFrame, config: StaffConfig
) -> None:
    con = staff_connection(tables, config)
    tied = respondent_halls(con, config.window_months)
    con.close()
    surveys = tables["surveys"].copy()
    surveys["answered_at"] = pd.to_datetime(surveys["answered_at"]).astype("datetime64[us]")
    hall_contacts = scores.dropna(subset=["hall_id"])[["msisdn", "at", "hall_id"]].copy()
    hall_contacts["at"] = hall_contacts["at"].astype("datetime64[us]")
    by_hand = pd.merge_asof(
        surveys.sort_values("answered_at"),
        hall_contacts.sort_values("at"),
        left_on="answered_at",
        right_on="at",
        by="msisdn",
        direction="backward",
    ).dropna(subset=["hall_id"])
    start = by_hand["answered_at"] - pd.DateOffset(months=config.window_months)
    by_hand = by_hand.loc[by_hand["at"] > start]
    expected = dict(zip(by_hand["response_id"].astype(str), by_hand["hall_id"], strict=True))
    assert dict(zip(tied["response_id"], tied["hall_id"], strict=True)) == expected
    window = months_up_to(MONTH, config.window_months)
    loose = replace(config, min_survey_answers=3)
    table = weak_survey_items_by_hall(tables["surveys"], tied, window, loose)
    enough = table.loc[table["enough_data"]]
    assert len(enough) >= 3
    answered = by_hand.loc[by_hand["answered_at"].dt.strftime("%Y-%m").isin(window)]
    for row in enough.head(10).itertuples():
        mine = answered.loc[(answered["hall_id"] == row.hall_id) & answered[row.item].notna()]
        assert row.answers == len(mine)
        assert row.mean == pytest.approx(np.average(mine[row.item], weights=mine["weight"]), abs=1e-9)
        assert row.weak == (row.mean < row.target)
    few = table.loc[~table["enough_data"]]
    assert len(few) and (few["answers"] < 3).all() and few["mean"].isna().all()
    assert (few["verdict"] == "not_enough_data").all() and not few["weak"].any()

"""The staff report end to end: views, targets, weak items, outcomes, hashing and the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cxradar.cli import cli, main
from cxradar.errors import DataError
from cxradar.staff import agent_keys, build_staff_views, load_staff_tables
from cxradar.staff.config import StaffConfig

from .conftest import MONTH, read

KEY = "test-secret"


@pytest.fixture(scope="module")
def run_dir(staff_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder with a pool history and a churn list (made from the data, as a run leaves them)."""
    root = tmp_path_factory.mktemp("staff-run")
    contacts = read(staff_data, "contacts").dropna(subset=["hall_id"])
    first = contacts.sort_values("at").drop_duplicates("msisdn").head(300)
    history = pd.DataFrame(
        {
            "month": first["at"].dt.strftime("%Y-%m"),
            "msisdn": first["msisdn"],
            "event": "enter",
            "at": first["at"] + pd.Timedelta(days=2),
        }
    )
    history.to_parquet(root / "pool_history.parquet")
    (root / "churn").mkdir()
    first[["msisdn"]].head(40).to_parquet(root / "churn" / "churners.parquet")
    return root


@pytest.fixture(scope="module")
def views(staff_data: Path, run_dir: Path, config: StaffConfig) -> tuple[dict[str, pd.DataFrame], dict]:
    tables = load_staff_tables(staff_data, run_dir)
    return build_staff_views(tables, MONTH, config, key=KEY)


def test_halls_are_ranked_with_intervals_and_verdicts(views, config: StaffConfig) -> None:  # type: ignore[no-untyped-def]
    halls = views[0]["halls"]
    assert len(halls) == 30
    ranked = halls.loc[halls["enough_data"]]
    assert (ranked["n"] >= config.min_contacts).all()
    assert sorted(ranked["rank"].astype(int)) == list(range(1, len(ranked) + 1))
    assert ranked.sort_values("rank")["estimate"].is_monotonic_decreasing
    assert ((halls["lo"] <= halls["estimate"]) & (halls["estimate"] <= halls["hi"])).all()
    assert halls["bottom"].sum() == -(-len(ranked) // 10)  # ceil(10 %)
    met = halls["verdict"] == "met"
    assert (halls.loc[met, "lo"] >= config.hall_target).all()
    assert (halls.loc[halls["verdict"] == "missed", "hi"] < config.hall_target).all()
    assert (halls.loc[~halls["enough_data"], "verdict"] == "not_enough_data").all()


def test_role_table_and_weak_items_map_to_owners(views, config: StaffConfig) -> None:  # type: ignore[no-untyped-def]
    roles = views[0]["roles"].set_index("role")
    assert set(roles.index) == {r.name for r in config.roles}
    assert (roles["target_met"] == (roles["mean"] >= roles["target"])).all()
    items = views[0]["survey_items"].set_index("item")
    assert (items["weak"] == (items["mean"] < items["target"])).all()
    # qsvc2 (problems solved quickly) is reflected by the resolution item, owned by these roles
    assert set(items.loc["qsvc2", "owner_roles"].split(";")) == {"technical_lead", "customer_service_agent"}


def test_outcomes_match_a_pandas_count(views, staff_data: Path, run_dir: Path) -> None:  # type: ignore[no-untyped-def]
    outcomes = views[0]["hall_outcomes"].set_index("hall_id")
    history = pd.read_parquet(run_dir / "pool_history.parquet")
    contacts = read(staff_data, "contacts").dropna(subset=["hall_id"])
    hall = outcomes["pool_count"].idxmax()
    mine = contacts.loc[contacts["hall_id"] == hall].sort_values("at").drop_duplicates("msisdn")
    later = mine.merge(history, on="msisdn", suffixes=("", "_pool"))
    expected = int((later["at_pool"] > later["at"]).sum())
    assert outcomes.loc[hall, "pool_count"] == expected > 0
    assert outcomes.loc[hall, "customers"] == len(mine)
    subscribers = read(staff_data, "subscribers")
    gone = mine.merge(subscribers.loc[subscribers["status"] == "churned"], on="msisdn")
    assert outcomes.loc[hall, "churned_count"] == int(
        (pd.to_datetime(gone["status_date"]) >= gone["at"].dt.normalize()).sum()
    )
    assert outcomes["churn_list_count"].sum() > 0


def test_followup_report_counts_calls_and_lists_only_masked_and_hashed(views, staff_data: Path) -> None:  # type: ignore[no-untyped-def]
    summary = views[0]["followup_summary"].set_index("month")
    calls = read(staff_data, "followups").merge(
        read(staff_data, "contacts")[["id", "at"]], left_on="contact_id", right_on="id"
    )
    in_month = calls["at"].dt.strftime("%Y-%m") == MONTH
    assert summary.loc[MONTH, "called"] == int(in_month.sum())
    assert summary.loc[MONTH, "answered"] == int((in_month & calls["answered"]).sum())
    late = (calls["called_at"] - calls["at"]) > pd.Timedelta(days=3)
    assert summary.loc[MONTH, "late"] == int((in_month & late).sum()) > 0
    listed = views[0]["followup_list"]
    assert len(listed) and listed["msisdn_masked"].str.fullmatch(r"1\d\d\*\*\*\*\d{4}").all()
    assert listed["agent_key"].str.fullmatch(r"ag_[0-9a-f]{16}").all()
    answers = views[0]["followup_answers"]
    assert answers["calls"].sum() == summary.loc[MONTH, "answered"]  # every answered call, late ones too
    assert len(listed) == summary.loc[MONTH, "complaints"]  # the list is the on-time complaints


def test_agent_keys_are_keyed_and_stable() -> None:
    ids = pd.Series(["AG00001", "AG00002"])
    first, again, other = agent_keys(ids, "k1"), agent_keys(ids, "k1"), agent_keys(ids, "k2")
    assert first.tolist() == again.tolist() and first.tolist() != other.tolist()
    assert first.iloc[0] != first.iloc[1]


def test_cli_writes_every_format_and_no_agent_id_leaves(
    staff_data: Path, run_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "staff-report"
    settings = tmp_path / "staff.yaml"
    settings.write_text("window_months: 6\n", encoding="utf-8")
    main(["staff", "report", str(staff_data), "--run", str(run_dir), "--month", MONTH, "--out", str(out),
          "--key", KEY, "--config", str(settings)])  # fmt: skip
    printed = capsys.readouterr().out
    assert "Staff and halls 2026-10" in printed and "staff_report.xlsx" in printed
    for view in (
        "halls",
        "agents",
        "roles",
        "hall_items",
        "survey_items",
        "trend",
        "followup_list",
        "hall_outcomes",
    ):
        assert (out / f"{view}.parquet").is_file()
        assert (out / f"{view}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    book = pd.read_excel(out / "staff_report.xlsx", sheet_name=None, header=None)
    assert {"halls", "agents", "followup_list"} <= set(book)
    agent_ids = set(read(staff_data, "staff")["agent_id"])
    for path in out.iterdir():
        if path.suffix in (".csv", ".json"):
            text = path.read_text(encoding="utf-8-sig")
            assert not any(a in text for a in agent_ids), path.name
    for sheet in book.values():
        assert not agent_ids & set(sheet.astype(str).to_numpy().ravel())


def test_data_without_staff_tables_is_a_clear_error(tmp_path: Path, staff_data: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain"
    plain.mkdir()
    contacts = read(staff_data, "contacts").drop(columns=["hall_id", "agent_id"])
    contacts.to_parquet(plain / "contacts.parquet")
    read(staff_data, "subscribers").to_parquet(plain / "subscribers.parquet")
    with pytest.raises(DataError, match="no staff tables"):
        load_staff_tables(plain)
    with pytest.raises(SystemExit) as exit_info:
        main(["staff", "report", str(plain), "--month", MONTH, "--out", str(tmp_path / "o"), "--key", KEY])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "no staff tables" in err and "fix:" in err and "Traceback" not in err


def test_help_teaches_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["staff", "report", "--help"])
    assert result.exit_code == 0
    text = result.output
    assert "Example:" in text and "cxradar staff report" in text and "--key" in text

"""population.sql and feat_basic.sql: who gets features, and the basic attributes (hand-computed)."""

from __future__ import annotations

from pathlib import Path

from .tables import run_model, write_tables

M = "2026-06"


def test_population_keeps_lines_active_some_time_in_the_month(tmp_path: Path) -> None:
    rows = [
        {"msisdn": "13800000001"},  # long-standing, active -> in
        {
            "msisdn": "13800000002",
            "status": "churned",
            "status_date": "2026-05-31",
        },  # left before June -> out
        {"msisdn": "13800000003", "status": "churned", "status_date": "2026-06-01"},  # left on 1 June -> in
        {
            "msisdn": "13800000004",
            "join_date": "2026-07-01",
            "status_date": "2026-07-01",
        },  # joins after -> out
        {
            "msisdn": "13800000005",
            "join_date": "2026-06-30",
            "status_date": "2026-06-30",
        },  # joins last day -> in
        {"msisdn": "13800000006", "status": "suspended", "status_date": "2026-03-01"},  # suspended -> in
        {"msisdn": "13800000007", "status": "churned", "status_date": "2026-08-10"},  # churns later -> in
    ]
    folder = write_tables(tmp_path, subscribers=rows)
    got = run_model(folder, M, "population")
    assert got["msisdn"].tolist() == [
        "13800000001",
        "13800000003",
        "13800000005",
        "13800000006",
        "13800000007",
    ]


def test_basic_attributes_by_hand(tmp_path: Path) -> None:
    folder = write_tables(
        tmp_path,
        subscribers=[
            # joined Jan 2020: tenure = (2026*12+6) - (2020*12+1) = 77 months
            {
                "msisdn": "13800000001",
                "join_date": "2020-01-31",
                "group_id": "G1",
                "group_paid": True,
                "brand": "gotone",
                "plan": "P9",
                "is_local": False,
            },
            # joined in June 2026: tenure 0; the subscriber table's brand is used (no usage brand)
            {
                "msisdn": "13800000002",
                "join_date": "2026-06-15",
                "status_date": "2026-06-15",
                "brand": "mzone",
            },
        ],
        usage_monthly=[
            # the June usage row names the brand then: it wins over today's subscriber brand
            {"msisdn": "13800000001", "month": "2026-06", "brand": "easyown", "plan": "P2"},
            {"msisdn": "13800000001", "month": "2026-07", "brand": "mzone", "plan": "P7"},  # after M: ignored
        ],
    )
    got = run_model(folder, M, "feat_basic").set_index("msisdn")
    one, two = got.loc["13800000001"], got.loc["13800000002"]
    assert one["tenure_months"] == 77 and two["tenure_months"] == 0
    assert (one["brand"], one["plan"]) == ("easyown", "P2")
    assert two["brand"] == "mzone"
    assert bool(one["vpmn_member"]) and bool(one["group_paid"]) and not bool(one["is_local"])
    assert not bool(two["vpmn_member"]) and not bool(two["group_paid"])
    assert one["segment"] == "mass" and one["payment_type"] == "prepaid"


def test_is_local_absent_means_local(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    folder = write_tables(tmp_path, subscribers=[{"msisdn": "13800000001"}])
    table = pq.read_table(folder / "subscribers.parquet")
    pq.write_table(table.drop_columns(["is_local"]), folder / "subscribers.parquet")
    got = run_model(folder, M, "feat_basic")
    assert got["is_local"].tolist() == [True]

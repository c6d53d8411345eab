"""Every contract table is written with exactly the declared columns, order and types; the
truth folder has the documented files; the validator accepts every row."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from cxradar.contract import load_contracts, validate_dir
from cxradar.simulate import TRUTH_TABLES

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "month": pa.date32(),
}

TRUTH_COLUMNS = {
    "satisfaction": ["msisdn", "month", "satisfaction", "dissatisfied", "primary_cause", "causes", "voiced"],
    "subscribers": [
        "msisdn",
        "exp_network",
        "exp_value",
        "exp_service",
        "exp_billing",
        "voice_propensity",
        "multi_sim",
    ],
    "care_response": [
        "msisdn",
        "month",
        "effect_outreach",
        "effect_wait",
        "effect_remedy_network",
        "effect_remedy_value",
        "effect_remedy_service",
        "effect_remedy_billing",
        "churn_effect",
    ],
    "churn": ["msisdn", "month", "churn_type", "reason", "group_id"],
    "group_churn": ["group_id", "month", "members", "members_left"],
    "halls": ["hall_id", "district", "quality", "hall_effect", "weak", "weak_items", "contacts_served"],
    "staff": [
        "agent_id",
        "hall_id",
        "role",
        "quality",
        "agent_effect",
        "weak",
        "weak_items",
        "contacts_served",
    ],
}


def test_tables_match_the_contracts_exactly(sim) -> None:
    for name, contract in load_contracts().items():
        schema = pq.read_schema(sim.root / f"{name}.parquet")
        assert schema.names == contract.column_names, name
        for column in contract.columns:
            assert schema.field(column.name).type == _ARROW[column.type], (name, column.name)


def test_truth_folder_has_the_documented_files_and_columns(sim) -> None:
    for name in TRUTH_TABLES:
        names = pq.read_schema(sim.root / "truth" / f"{name}.parquet").names
        missing = set(TRUTH_COLUMNS[name]) - set(names)
        assert not missing, (name, missing)
    population = json.loads((sim.root / "truth" / "population.json").read_text(encoding="utf-8"))
    assert len(population["months"]) == sim.manifest["months"]
    first = next(iter(population["months"].values()))
    assert set(first["segments"]) == {"high_end", "data", "enterprise", "mass"}
    assert (sim.root / "manifest.json").exists()


def test_truth_satisfaction_values(sim) -> None:
    truth = sim["truth/satisfaction"]
    assert truth["satisfaction"].between(1, 10).all()
    assert set(truth["primary_cause"]) <= {"network", "value", "service", "billing", "none"}
    assert (truth["dissatisfied"] == (truth["satisfaction"] < 6.5)).all()
    assert ((truth["primary_cause"] == "none") == ~truth["dissatisfied"]).all()
    dissatisfied = truth[truth["dissatisfied"]]
    assert all(
        p in c.split(";") for p, c in zip(dissatisfied["primary_cause"], dissatisfied["causes"], strict=True)
    )


def test_validator_quarantines_nothing(sim, tmp_path) -> None:
    report = validate_dir(sim.root, tmp_path / "validated", as_of=date(2026, 11, 30))
    for table in report.tables.values():
        assert table.quarantined == 0, (table.table, table.rules)
        assert table.status in ("ok", "absent") or table.table == "care_actions", (table.table, table.status)

"""`cxradar run` on a wide table (用户宽表) gives the same validated tables and run as on the tables it
was made from - lines that joined or left have blank months, which are absent months, not
quarantined rows - and a month outside the data is refused before any feature file is written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from cxradar.cli import main
from cxradar.contract import load_contracts
from cxradar.errors import DataError
from cxradar.pipeline import run_month
from cxradar.simulate import simulate

MONTH = "2026-10"


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("wide") / "data"
    simulate(2500, 4, 7, data)
    return data


def _to_wide(data: Path, folder: Path) -> tuple[Path, Path, int]:
    """The operator's subscribers and usage_monthly as one wide table, plus its mapping."""
    contracts = load_contracts()
    subs = pd.read_parquet(data / "subscribers.parquet")
    usage = pd.read_parquet(data / "usage_monthly.parquet")
    usage["yyyymm"] = pd.to_datetime(usage["month"]).dt.strftime("%Y%m")
    monthly = [c for c in contracts["usage_monthly"].column_names if c not in ("msisdn", "month")]
    wide = usage.pivot(index="msisdn", columns="yyyymm", values=monthly)
    wide.columns = [f"{col}_{month}" for col, month in wide.columns]
    table = subs.merge(wide.reset_index(), on="msisdn", how="left")
    absent = int(len(subs) * usage["yyyymm"].nunique() - len(usage))
    folder.mkdir()
    path = folder / "kuanbiao.parquet"
    table.to_parquet(path, index=False)
    mapping = {
        "subscribers": {c: c for c in contracts["subscribers"].column_names if c in subs.columns},
        "usage_monthly": {"msisdn": "msisdn", **{c: {"pattern": f"{c}_{{yyyymm}}"} for c in monthly}},
    }
    mapping_path = folder / "mapping.yaml"
    mapping_path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    return path, mapping_path, absent


def _sorted(path: Path, keys: list[str]) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values(keys).reset_index(drop=True)


@pytest.mark.slow
def test_run_on_a_wide_table_equals_the_run_on_the_tables(operator: Path, tmp_path: Path) -> None:
    others = tmp_path / "others"
    others.mkdir()
    for path in operator.glob("*.parquet"):
        if path.stem not in ("subscribers", "usage_monthly"):
            (others / path.name).symlink_to(path)
    wide, mapping, absent = _to_wide(operator, tmp_path / "bi")
    assert absent > 0  # lines that joined or left during the four months
    skip = ("survey", "care", "churn")
    plain = run_month(operator, MONTH, tmp_path / "plain", skip=skip)
    main(  # a SystemExit (code 1) here would be the run failing
        [
            "run",
            str(others),
            "--wide-table",
            str(wide),
            "--mapping",
            str(mapping),
            "--month",
            MONTH,
            "--out",
            str(tmp_path / "wide-run"),
            "--json",
        ]
    )
    report = json.loads((tmp_path / "wide-run" / "validated" / "validation_report.json").read_text("utf-8"))
    usage = report["tables"]["usage_monthly"]
    assert usage["quarantined"] == 0 and usage["rules"] == {}, usage  # blank months are not not_null
    assert any("absent months" in n and f"{absent:,}" in n for n in usage["notes"]), usage["notes"]
    for table, keys in (("subscribers", ["msisdn"]), ("usage_monthly", ["msisdn", "month"])):
        ours = _sorted(tmp_path / "wide-run" / "validated" / "accepted" / f"{table}.parquet", keys)
        theirs = _sorted(tmp_path / "plain" / "validated" / "accepted" / f"{table}.parquet", keys)
        pd.testing.assert_frame_equal(ours, theirs)
    wide_summary = json.loads((tmp_path / "wide-run" / "summary.json").read_text("utf-8"))
    assert wide_summary["pool"]["size"] == plain["pool"]["size"]
    assert wide_summary["potential"]["size"] == plain["potential"]["size"]


def test_a_month_outside_the_data_says_where_it_ends_and_writes_no_features(
    operator: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    with pytest.raises(DataError, match=r"covers 2026-07 \.\. 2026-10 \(the data ends at 2026-10\)"):
        run_month(operator, "2026-12", run_dir)
    with pytest.raises(DataError, match="the data begins at 2026-07"):
        run_month(operator, "2026-01", run_dir)
    assert not list(run_dir.glob("features/*.parquet")) and not (run_dir / "summary.json").exists()

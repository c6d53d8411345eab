"""The monthly care steps and the care / campaign commands, end to end on the simulated operator."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cxradar.campaigns.step import care_step, evaluate_campaign_step
from cxradar.cli import cli

from .conftest import SimWorld


def _run_dir(tmp_path: Path, world: SimWorld, n: int = 2500) -> Path:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    flagged = world.decided.sample(n, random_state=3)
    potential = flagged[["msisdn", "kinds", "probability", "cause", "segment", "value"]].assign(
        reasons_en="model risk", reasons_zh="模型风险"
    )
    potential.iloc[200:].to_parquet(run_dir / "potential_dissatisfied.parquet")
    pool = flagged.iloc[:200][["msisdn", "cause"]].assign(reasons_en="complaint", reasons_zh="投诉")
    pool.to_parquet(run_dir / "pool.parquet")
    return run_dir


@pytest.mark.slow
def test_care_then_evaluate_then_uplift_next_month(tmp_path: Path, sim_world: SimWorld) -> None:
    run_dir = _run_dir(tmp_path, sim_world)
    data = sim_world.data_dir
    summary = care_step(run_dir, data, "2026-10", {"seed": 1})
    folder = run_dir / "care" / "2026-10"
    assert summary["selected"] == 2500 and summary["n_treatment"] + summary["n_control"] == 2500
    actions = pd.read_parquet(folder / "care_actions.parquet")
    again = care_step(run_dir, data, "2026-10", {"seed": 1})
    assert again == summary and pd.read_parquet(folder / "care_actions.parquet").equals(actions)  # idempotent
    assert not list(folder.glob(".*.tmp"))
    assert len(pd.read_parquet(run_dir / "care_actions.parquet")) == 2500

    report = evaluate_campaign_step(run_dir, data, "2026-11")
    assert report["evaluated"] and report["outcome_source"] == "simulator"
    sat = report["satisfaction_itt"]
    assert sat["ci_low"] < sat["diff"] < sat["ci_high"]
    assert report["truth"]["covered"]
    assert (
        json.loads((folder / "campaign_evaluation.json").read_text(encoding="utf-8"))["campaign"]
        == "care-2026-10"
    )
    resolved = pd.read_parquet(run_dir / "care_actions.parquet")
    assert (resolved["outcome"] == "resolved").sum() == report["resolved"] > 0
    assert resolved.loc[resolved["outcome"] == "resolved", "group"].eq("treatment").all()

    nxt = care_step(run_dir, data, "2026-11", {"priority": "uplift", "seed": 1})
    assert nxt["priority"] == "uplift"
    left = pd.read_parquet(run_dir / "care" / "2026-11" / "care_left_out.parquet")
    assert (left["reason"] == "fatigue_30d").sum() > 0  # last month's proactive contacts count
    assert (
        evaluate_campaign_step(run_dir, data, "2026-10")["evaluated"] is False
    )  # nothing designed for 2026-09


@pytest.mark.slow
def test_cli_commands(tmp_path: Path, sim_world: SimWorld) -> None:
    run_dir = _run_dir(tmp_path, sim_world, n=1200)
    runner = CliRunner()
    data = str(sim_world.data_dir)
    r = runner.invoke(cli, ["care", "assign", str(run_dir), "--month", "2026-10", "--data", data])
    assert r.exit_code == 0, r.output
    assert "selected" in r.output
    r = runner.invoke(cli, ["campaign", "design", str(run_dir), "--month", "2026-10", "--seed", "2"])
    assert r.exit_code == 0, r.output
    assert "control 对照组" in r.output
    lists = tmp_path / "lists"
    r = runner.invoke(
        cli, ["care", "lists", str(run_dir), "--month", "2026-10", "--out", str(lists), "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    first = sorted(lists.glob("*/*.csv"))[0].read_text(encoding="utf-8-sig")
    assert "****" in first.splitlines()[1]
    key = tmp_path / "list.key"
    key.write_text("s3cret\n", encoding="utf-8")
    dial = tmp_path / "dial"
    r = runner.invoke(
        cli,
        ["care", "lists", str(run_dir), "--month", "2026-10", "--out", str(dial), "--format", "csv",
         "--plain-for", "outbound", "--dial-token", "--key-file", str(key)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    outbound = pd.concat(
        [pd.read_csv(p, encoding="utf-8-sig", dtype=str) for p in dial.glob("*/outbound.csv")],
        ignore_index=True,
    )
    assert outbound["手机号码 msisdn"].str.contains(r"\*\*\*\*").all()
    assert outbound["拨打号码 number to dial"].str.fullmatch(r"1\d{10}").all()
    r = runner.invoke(
        cli,
        [
            "care",
            "tokens",
            str(run_dir),
            "--month",
            "2026-10",
            "--key-file",
            str(key),
            "--out",
            str(tmp_path / "t.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    resolved = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", dtype=str).set_index("dial_token")[
        "msisdn"
    ]
    assert (
        resolved.loc[outbound["拨号令牌 dial token"]].to_numpy()
        == outbound["拨打号码 number to dial"].to_numpy()
    ).all()

    pending = pd.read_parquet(run_dir / "care" / "2026-10" / "pending_care.parquet")
    msisdn = str(pending["msisdn"].iloc[0])
    r = runner.invoke(
        cli, ["care", "pending", str(run_dir), "--msisdn", msisdn, "--at", "2026-11-03 10:00", "--json"]
    )
    assert r.exit_code == 0 and len(json.loads(r.output)["pending"]) == 1
    args = [
        "care",
        "deliver",
        str(run_dir),
        "--msisdn",
        msisdn,
        "--channel",
        "hall",
        "--at",
        "2026-11-03 10:00",
    ]
    assert runner.invoke(cli, args).exit_code == 0
    plan = pd.read_parquet(run_dir / "care" / "2026-10" / "care_plan.parquet").set_index("msisdn")
    assert plan.loc[msisdn, "outcome"] == "delivered"
    r = runner.invoke(
        cli, ["care", "pending", str(run_dir), "--msisdn", msisdn, "--at", "2026-11-03 11:00", "--json"]
    )
    assert json.loads(r.output)["pending"] == []

    r = runner.invoke(
        cli, ["campaign", "evaluate", str(run_dir), "--month", "2026-10", "--data", data, "--json"]
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["evaluated"] is True


@pytest.mark.parametrize(
    "command",
    [["care", "assign"], ["care", "lists"], ["care", "tokens"], ["care", "pending"], ["care", "deliver"],
     ["campaign", "design"], ["campaign", "evaluate"]],
)  # fmt: skip
def test_help_teaches(command: list[str]) -> None:
    r = CliRunner().invoke(cli, [*command, "--help"])
    assert r.exit_code == 0
    assert "Example:" in r.output and "cxradar " + " ".join(command) in r.output
    assert "Writes" in r.output or "writes nothing" in r.output or "Updates" in r.output


def test_missing_run_output_is_one_error_with_the_fix(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli, ["care", "assign", str(tmp_path), "--month", "2026-10", "--data", str(tmp_path)]
    )
    assert r.exit_code != 0
    assert "cxradar run" in str(r.exception)

"""The care step runs shard by shard (issue 10): its files must equal what the one-table functions
give on the whole flagged set - :func:`cxradar.care.assign.assign_care`,
:func:`cxradar.campaigns.design.design_campaign` and :func:`cxradar.care.pending.make_pending`,
fed here from the run's own committed inputs exactly as the monthly run fed them before it was
sharded (the reference). Capacity is cut so that it binds on every proactive channel, a
do-not-disturb list holds every seventh line, and the second month counts the first month's
campaign in its fatigue windows: every global part (capacity order, groups, ids) and every
per-customer part (fatigue, DND, the move to wait-for-contact, plan advice, reason texts) is
exercised, with the fallback to wait-for-contact and with ``on_excluded: drop``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cxradar.campaigns.design import design_campaign
from cxradar.care.assign import assign_care, flagged_customers
from cxradar.care.pending import make_pending
from cxradar.months import month_start
from cxradar.pipeline import run_month
from cxradar.run_config import RunConfig, load_run_config
from cxradar.simulate import simulate

MONTHS = ("2026-09", "2026-10")
REASONS = ["reasons_en", "reasons_zh"]


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("care_shards") / "data"
    simulate(3_000, 6, 5, data)
    return data


def _settings(dnd: Path, on_excluded: str) -> RunConfig:
    settings = load_run_config()
    tight = {
        "outbound": (4, 12),
        "sms": (15, 40),
        "app": (20, None),
        "hall": (None, None),
        "hotline": (None, None),
    }
    policies = replace(settings.policies, capacity=tight, do_not_disturb=dnd, on_excluded=on_excluded)
    return replace(settings, policies=policies)


def _normal(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as plain Python objects (the files' categoricals and strings compare as text)."""
    out = frame.reset_index(drop=True).astype(object)
    return out.where(out.notna(), None)


def _reference(run_dir: Path, data: Path, month: str, settings: RunConfig) -> dict[str, object]:
    """The care step as one table, on the inputs the run committed (see the module docstring)."""
    accepted = run_dir / "validated" / "accepted"
    potential = pd.read_parquet(run_dir / "potential_dissatisfied.parquet")
    potential = potential.sort_values(["probability", "msisdn"], ascending=[False, True], kind="stable")
    pool = pd.read_parquet(run_dir / "pool.parquet").sort_values("msisdn", kind="stable")
    who = set(potential["msisdn"]) | set(pool["msisdn"])
    subscribers = pd.read_parquet(accepted / "subscribers.parquet")
    subscribers = subscribers.loc[
        subscribers["msisdn"].isin(who), ["msisdn", "segment", "contact_complete", "plan"]
    ]
    usage = pd.read_parquet(accepted / "usage_monthly.parquet")
    month_of = pd.to_datetime(usage["month"])
    recent = usage.loc[
        (month_of > month_start(month, -3)) & (month_of <= month_start(month)) & usage["msisdn"].isin(who)
    ]
    values = recent.groupby("msisdn")["spend"].mean()
    flagged = flagged_customers(
        potential.drop(columns=REASONS),
        pool.drop(columns=REASONS),
        subscribers.reset_index(drop=True),
        values,
    )
    policies = settings.policies
    as_of = month_start(month, 1) + pd.Timedelta(hours=9)
    window = as_of - pd.Timedelta(days=max(policies.fatigue_windows))
    contacts = pd.read_parquet(accepted / "contacts.parquet")
    contacts = contacts.loc[
        (contacts["at"] > window)
        & contacts["channel"].isin(policies.count_contact_channels)
        & contacts["msisdn"].isin(who),
        ["msisdn", "at", "channel"],
    ].sort_values(["msisdn", "at"], kind="stable")
    history = [pd.read_parquet(run_dir / "care" / m / "care_actions.parquet") for m in MONTHS if m < month]
    dnd = pd.Series(Path(policies.do_not_disturb or "").read_text().split(), dtype="string")
    assignment = assign_care(
        flagged,
        as_of=as_of,
        rules=settings.rules,
        policies=policies,
        care_history=pd.concat(history, ignore_index=True) if history else None,
        contacts=contacts,
        dnd=dnd,
        plans=settings.plans,
    )
    actions, plan, design = design_campaign(
        assignment.selected, campaign=f"care-{month}", assigned_at=as_of, cfg=settings.campaign, seed=0
    )
    return {
        "care_selected": assignment.selected,
        "care_left_out": assignment.left_out,
        "care_plan": plan,
        "care_actions": actions,
        "pending_care": make_pending(plan, policies.pending_expiry_days),
        "design": design,
        "summary": assignment.summary,
    }


@pytest.mark.parametrize("on_excluded", ["wait_for_contact", "drop"])
def test_sharded_care_equals_the_one_table_functions(
    operator: Path, tmp_path: Path, on_excluded: str
) -> None:
    lines = pd.read_parquet(operator / "subscribers.parquet", columns=["msisdn"])["msisdn"]
    dnd = tmp_path / "dnd.txt"
    dnd.write_text("\n".join(lines.iloc[::7]) + "\n", encoding="utf-8")
    settings = _settings(dnd, on_excluded)
    run_dir = tmp_path / "run"
    for month in MONTHS:
        run_month(operator, month, run_dir, config=settings, shards=3, skip=("survey", "churn", "cards"))
    month = MONTHS[1]
    expected = _reference(run_dir, operator, month, settings)
    folder = run_dir / "care" / month
    summary = expected["summary"]
    assert isinstance(summary, dict)
    # the cut capacity binds and the first month's campaign counts towards fatigue
    assert (
        summary["moved_by_reason" if on_excluded == "wait_for_contact" else "left_out_by_reason"].get(
            "capacity", 0
        )
        > 0
    )
    assert any(k.startswith("fatigue_") for k in json.dumps(summary).split('"'))
    for name in ("care_selected", "care_left_out", "care_plan", "care_actions", "pending_care"):
        got = pd.read_parquet(folder / f"{name}.parquet")
        want = expected[name]
        assert isinstance(want, pd.DataFrame)
        want = want.drop(columns=[c for c in REASONS if c in want.columns])  # NA here: joined in by the step
        if name in ("care_selected", "care_plan"):
            assert (
                got.columns[got.columns.get_loc("cause") + 1 : got.columns.get_loc("cause") + 3].tolist()
                == REASONS
            )
            texts = pd.concat(
                [
                    pd.read_parquet(run_dir / "potential_dissatisfied.parquet", columns=["msisdn", *REASONS]),
                    pd.read_parquet(run_dir / "pool.parquet", columns=["msisdn", *REASONS]),
                ]
            )
            first = texts.groupby("msisdn")[REASONS].first()  # the potential list's text, else the pool's
            pd.testing.assert_frame_equal(
                _normal(got[REASONS]), _normal(first.reindex(got["msisdn"])[REASONS]), check_dtype=False
            )
            got = got.drop(columns=REASONS)
        assert got.columns.tolist() == want.columns.tolist(), name
        pd.testing.assert_frame_equal(_normal(got), _normal(want), check_dtype=False, obj=name)
    design = json.loads((folder / "campaign_design.json").read_text(encoding="utf-8"))
    want_design = expected["design"]
    assert isinstance(want_design, dict)
    assert design["strata"] == want_design["strata"]
    assert (design["n_treatment"], design["n_control"]) == (
        want_design["n_treatment"],
        want_design["n_control"],
    )
    got_summary = json.loads((folder / "care_summary.json").read_text(encoding="utf-8"))
    for key, value in summary.items():
        if key == "expected_value_total":
            assert got_summary[key] == pytest.approx(value, rel=1e-12)
        else:
            assert got_summary[key] == value, key

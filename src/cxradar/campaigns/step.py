"""The monthly run's care steps: assign and design this month's campaign; evaluate last month's.

::

    RUN_DIR/
      care_actions.parquet            every campaign's care_actions (contract columns + remedy);
                                      the explicit pool reads delivered_at and outcome=resolved
      care/YYYY-MM/
        care_selected.parquet         rule decisions kept after the policies (with expected value)
        care_left_out.parquet         everyone left out and why (fatigue / dnd / capacity)
        care_plan.parquet             the campaign: decisions + group (treatment/control) + stratum
        care_actions.parquet          the campaign's care_actions rows
        pending_care.parquet          wait-for-contact flags channels query by msisdn
        campaign_design.json          power calculation, group counts per stratum
        care_summary.json             counts by strategy, channel, rule and left-out reason
        care_outcomes.parquet         (next month) post-care answers and churn used
        campaign_evaluation.json      (next month) effects, intervals, contribution, ROI, uplift

The campaign for month M's flagged customers starts on the first day of M+1 (assigned_at 09:00)
and is evaluated by the run of month M+1. These functions live in ``campaigns`` because they
use both the care decisions and the campaign design.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxradar.campaigns.config import CampaignConfig, load_campaign_config
from cxradar.campaigns.design import CARE_ACTION_COLUMNS, design_campaign
from cxradar.campaigns.evaluate import evaluate_campaign, mark_resolved
from cxradar.campaigns.outcomes import outcomes_from_tables, simulated_outcomes
from cxradar.campaigns.uplift import XLearner, fit_campaign_uplift, qini_coefficient, uplift_features
from cxradar.care.assign import assign_care, flagged_customers
from cxradar.care.io import read_dnd, read_table, write_json, write_parquet
from cxradar.care.pending import deliver_from_contacts, expire_pending, make_pending, sync_care_actions
from cxradar.care.plans import PlanCatalogue, load_plans
from cxradar.care.policies import Policies, load_policies
from cxradar.care.rules import RuleSet, apply_rules, load_rules
from cxradar.errors import StateError
from cxradar.io import load_frame
from cxradar.months import month_shift, month_start

__all__ = [
    "assign_month",
    "care_step",
    "design_month",
    "evaluate_campaign_month",
    "evaluate_campaign_step",
    "load_table",
]


def _prev(month: str) -> str:
    return month_shift(month, -1)


def _settings(config: dict[str, Any], key: str, kind: type, load: Any) -> Any:
    """``config[key]`` when it is already loaded settings (a run's RunConfig section), else loaded from the path."""
    given = config.get(key)
    return given if isinstance(given, kind) else load(given)


def load_table(
    run_dir: Path,
    data_dir: Path,
    table: str,
    columns: list[str] | None = None,
    filters: list[tuple[str, str, Any]] | None = None,
) -> pd.DataFrame | None:
    """A table from the run's validated copy if present, else from the data folder; None if absent.

    ``filters`` (pyarrow row filters) only narrow what is read from Parquet; callers still filter.
    """
    for folder in (Path(run_dir) / "validated" / "accepted", Path(data_dir)):
        frame = load_frame(folder, table, required=False, columns=columns, filters=filters, only_present=True)
        if frame is not None:
            return frame
    return None


def _care_history(run_dir: Path, data_dir: Path, exclude_month: str) -> pd.DataFrame | None:
    parts = []
    given = load_table(run_dir, data_dir, "care_actions")
    if given is not None and len(given):
        parts.append(given)
    for path in sorted((Path(run_dir) / "care").glob("*/care_actions.parquet")):
        if path.parent.name != exclude_month:
            parts.append(pd.read_parquet(path))
    return pd.concat(parts, ignore_index=True) if parts else None


def _values(run_dir: Path, data_dir: Path, month: str) -> pd.Series | None:
    since = month_start(month, -2).date()
    usage = load_table(
        run_dir, data_dir, "usage_monthly", ["msisdn", "month", "spend"], [("month", ">=", since)]
    )
    if usage is None:
        return None
    months = pd.to_datetime(usage["month"])
    recent = usage.loc[(months > month_start(month, -3)) & (months <= month_start(month))]
    return recent.groupby(recent["msisdn"].astype(str))["spend"].mean()


def _uplift_scorer(run_dir: Path, month: str, seed: int) -> Any:
    prev = Path(run_dir) / "care" / _prev(month)
    plan_path, outcome_path = prev / "care_plan.parquet", prev / "care_outcomes.parquet"
    if not (plan_path.exists() and outcome_path.exists()):
        return None
    model = fit_campaign_uplift(pd.read_parquet(plan_path), pd.read_parquet(outcome_path), seed)
    return lambda table: model.predict(uplift_features(table))


def _write_consolidated(run_dir: Path) -> None:
    parts = [pd.read_parquet(p) for p in sorted((Path(run_dir) / "care").glob("*/care_actions.parquet"))]
    if parts:
        write_parquet(
            pd.concat(parts, ignore_index=True)[CARE_ACTION_COLUMNS], Path(run_dir) / "care_actions.parquet"
        )


def assign_month(
    run_dir: Path, data_dir: Path, month: str, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Rules + policies for the month's flagged customers; writes care_selected/left_out/summary."""
    config = dict(config or {})
    run_dir, data_dir = Path(run_dir), Path(data_dir)
    potential_path = run_dir / "potential_dissatisfied.parquet"
    if not potential_path.exists():
        raise StateError(
            f"{potential_path} does not exist, so there is nobody to care for in {month}",
            fix=f"run 'cxradar run {data_dir} --month {month} --out {run_dir}' first",
        )
    rules = _settings(config, "rules", RuleSet, load_rules)
    policies = _settings(config, "policies", Policies, load_policies)
    plans = _settings(config, "plans", PlanCatalogue, load_plans)
    seed = int(config.get("seed", 0))
    pool_path = run_dir / "pool.parquet"
    subscribers = load_table(
        run_dir, data_dir, "subscribers", ["msisdn", "segment", "contact_complete", "plan"]
    )
    flagged = flagged_customers(
        pd.read_parquet(potential_path),
        pd.read_parquet(pool_path) if pool_path.exists() else None,
        subscribers,
        _values(run_dir, data_dir, month),
    )
    as_of = month_start(month, 1) + pd.Timedelta(hours=9)
    window = as_of - pd.Timedelta(days=max(policies.fatigue_windows))
    contacts = load_table(
        run_dir, data_dir, "contacts", ["msisdn", "at", "channel"], [("at", ">", window.to_pydatetime())]
    )
    if contacts is not None:
        contacts = contacts.loc[contacts["channel"].isin(policies.count_contact_channels)]
    dnd_path = config.get("dnd") or policies.do_not_disturb
    priority = str(config.get("priority") or policies.priority)
    note = ""
    if priority == "uplift":
        scorer = _uplift_scorer(run_dir, month, seed)
        if scorer is None:
            priority, note = "risk", "no evaluated campaign last month to learn uplift from; used risk"
        else:  # the uplift depends on the care decided, so score the rule decisions
            flagged["uplift"] = scorer(apply_rules(flagged, rules))
    history = _care_history(run_dir, data_dir, month)
    dnd = read_dnd(Path(dnd_path)) if dnd_path else None
    assignment = assign_care(
        flagged, as_of=as_of, rules=rules, policies=policies, care_history=history,
        contacts=contacts, dnd=dnd, priority=priority, plans=plans,
    )  # fmt: skip
    out = run_dir / "care" / month
    write_parquet(assignment.selected, out / "care_selected.parquet")
    write_parquet(assignment.left_out, out / "care_left_out.parquet")
    summary = {**assignment.summary, "month": month, "note": note}
    write_json(summary, out / "care_summary.json")
    return summary


def design_month(run_dir: Path, month: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Randomise the month's selected care into treatment/control; write plan, actions, pending."""
    config = dict(config or {})
    out = Path(run_dir) / "care" / month
    selected_path = out / "care_selected.parquet"
    if not selected_path.exists():
        raise StateError(
            f"{selected_path} does not exist",
            fix=f"run 'cxradar care assign {run_dir} --month {month}' first",
        )
    cfg = _settings(config, "campaign", CampaignConfig, load_campaign_config)
    policies = _settings(config, "policies", Policies, load_policies)
    share = config.get("control_share")
    actions, plan, design = design_campaign(
        pd.read_parquet(selected_path),
        campaign=f"care-{month}",
        assigned_at=month_start(month, 1) + pd.Timedelta(hours=9),
        cfg=cfg,
        seed=int(config.get("seed", 0)),
        control_share=float(share) if share is not None else None,
    )
    pending = make_pending(plan, policies.pending_expiry_days)
    write_parquet(plan, out / "care_plan.parquet")
    write_parquet(actions, out / "care_actions.parquet")
    write_parquet(pending, out / "pending_care.parquet")
    design["pending"] = len(pending)
    write_json(design, out / "campaign_design.json")
    _write_consolidated(Path(run_dir))
    return design


def care_step(
    run_dir: Path, data_dir: Path, month: str, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Assign care for the month's flagged customers and design the campaign; write RUN_DIR/care/MONTH.

    ``config`` keys (all optional): rules, policies, campaign (paths or loaded settings), dnd (path), priority
    ('risk' | 'uplift', default the policies' ``priority``; uplift needs last month's evaluated campaign, else risk is used), seed,
    control_share (overrides the power calculation).
    """
    summary = assign_month(run_dir, data_dir, month, config)
    design = design_month(run_dir, month, config)
    keys = ("campaign", "n_treatment", "n_control", "control_share", "pending")
    summary.update({k: design[k] for k in keys})
    write_json(summary, Path(run_dir) / "care" / month / "care_summary.json")
    return summary


def _simulated_delivery(plan: pd.DataFrame) -> pd.DataFrame:
    """In a simulation nobody reports deliveries: proactive treatment actions count as delivered on
    their scheduled day at 10:00 (pending care is delivered only by real contacts), unless a channel
    reported the delivery through the lookup service (cxradar serve)."""
    out = plan.copy()
    proactive = out["group"].eq("treatment") & out["strategy"].ne("wait_for_contact")
    if "delivered_at" in out.columns:
        proactive &= out["delivered_at"].isna()
    day = (
        pd.to_datetime(out["scheduled_date"])
        if "scheduled_date" in out
        else pd.to_datetime(out["assigned_at"])
    )
    out.loc[proactive, "delivered_at"] = (day[proactive].dt.normalize() + pd.Timedelta(hours=10)).astype(
        "datetime64[us]"
    )
    out.loc[proactive, "outcome"] = "delivered"
    return out


def evaluate_campaign_step(
    run_dir: Path, data_dir: Path, month: str, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The monthly run's step: evaluate the campaign designed in the month before ``month``."""
    return evaluate_campaign_month(run_dir, data_dir, _prev(month), config)


def evaluate_campaign_month(
    run_dir: Path, data_dir: Path, campaign_month: str, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Evaluate the campaign designed for ``campaign_month``; write its evaluation and outcomes.

    Outcomes: config["outcomes"] (a file), else ``care_outcomes.parquet`` in the data folder; else
    the simulator's response when DATA_DIR/truth exists; else surveys and subscribers.
    """
    config = dict(config or {})
    run_dir, data_dir = Path(run_dir), Path(data_dir)
    prev = campaign_month
    month = month_shift(prev, 1)
    folder = run_dir / "care" / prev
    plan_path = folder / "care_plan.parquet"
    if not plan_path.exists():
        return {
            "evaluated": False,
            "month": month,
            "reason": f"no campaign designed for {prev} in {run_dir / 'care'}",
        }
    cfg = _settings(config, "campaign", CampaignConfig, load_campaign_config)
    plan = pd.read_parquet(plan_path)
    surveys = load_table(run_dir, data_dir, "surveys", ["msisdn", "answered_at", "overall"])
    pending_path = folder / "pending_care.parquet"
    source = "tables"
    given = [Path(config["outcomes"])] if config.get("outcomes") else []
    given += [p for p in (data_dir / "care_outcomes.parquet",) if p.exists()]
    if given:
        outcomes, source = read_table(given[0]), f"file {given[0]}"
    elif (data_dir / "truth").is_dir():
        plan = _simulated_delivery(plan)
        outcomes, source = (
            simulated_outcomes(data_dir, plan, prev, int(config.get("seed", 0)), surveys),
            "simulator",
        )
    else:
        subscribers = load_table(run_dir, data_dir, "subscribers", ["msisdn", "status", "status_date"])
        outcomes = outcomes_from_tables(plan, surveys, subscribers)
    start = pd.to_datetime(plan["assigned_at"]).min().to_pydatetime()
    contacts = load_table(run_dir, data_dir, "contacts", ["msisdn", "at", "channel"], [("at", ">=", start)])
    if pending_path.exists():
        pending = pd.read_parquet(pending_path)
        if contacts is not None:
            pending = deliver_from_contacts(pending, contacts)
        pending = expire_pending(pending, month_start(month, 1))
        write_parquet(pending, pending_path)
        plan = sync_care_actions(plan, pending)
    population = _population(run_dir, data_dir, prev)
    report = evaluate_campaign(plan, outcomes, cfg=cfg, population=population)
    report.update({"evaluated": True, "campaign": f"care-{prev}", "month": month, "outcome_source": source})
    report["uplift_model"] = _uplift_check(plan, outcomes, int(config.get("seed", 0)))
    resolved = mark_resolved(plan, outcomes, cfg)
    report["resolved"] = int((resolved["outcome"] == "resolved").sum())
    write_parquet(outcomes, folder / "care_outcomes.parquet")
    write_parquet(resolved, plan_path)
    write_parquet(resolved[CARE_ACTION_COLUMNS], folder / "care_actions.parquet")
    write_json(report, folder / "campaign_evaluation.json")
    _write_consolidated(run_dir)
    return report


def _population(run_dir: Path, data_dir: Path, month: str) -> int | None:
    the_month = month_start(month).date()
    usage = load_table(run_dir, data_dir, "usage_monthly", ["msisdn", "month"], [("month", "==", the_month)])
    if usage is None:
        return None
    return int((pd.to_datetime(usage["month"]) == month_start(month)).sum()) or None


def _uplift_check(plan: pd.DataFrame, outcomes: pd.DataFrame, seed: int) -> dict[str, Any]:
    """Two-fold cross-fitted X-learner: Qini of out-of-fold uplift vs of risk (probability)."""
    df = plan.merge(outcomes[["msisdn", "post"]], on="msisdn", how="inner").dropna(subset=["post"])
    treat = df["group"].eq("treatment").to_numpy()
    if treat.sum() < 40 or (~treat).sum() < 40:
        return {"fitted": False, "reason": "fewer than 40 treated or control customers with outcomes"}
    fold = np.random.default_rng(seed).integers(0, 2, len(df))
    score = np.zeros(len(df))
    X = uplift_features(df)
    for f in (0, 1):
        model = XLearner(random_state=seed).fit(X[fold != f], df["post"][fold != f], treat[fold != f])
        score[fold == f] = model.predict(X[fold == f])
    raw = df["probability"] if "probability" in df.columns else pd.Series(1.0, index=df.index)
    risk = pd.to_numeric(raw, errors="coerce").fillna(1.0).to_numpy()
    return {
        "fitted": True,
        "learner": "X-learner (LightGBM), 2-fold cross-fitted",
        "qini_uplift": qini_coefficient(df["post"], treat, score),
        "qini_risk": qini_coefficient(df["post"], treat, risk),
    }

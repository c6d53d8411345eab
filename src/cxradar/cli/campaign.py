"""``cxradar campaign``: design campaigns with control groups, and evaluate them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from cxradar.cli._common import console, progress

__all__ = ["campaign"]


@click.group("campaign")
def campaign() -> None:
    """Care campaigns with randomised control groups: design one, then measure what it did.

    \b
      cxradar campaign design RUN_DIR --month 2026-10
      cxradar campaign evaluate RUN_DIR --month 2026-10 --data DATA_DIR
    Settings: conf/care/campaign.yaml (power, costs, index scale; docs/care.md#campaigns).
    """


@campaign.command("design")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--month", required=True, help="The month whose care was assigned (cxradar care assign).")
@click.option(
    "--config",
    "campaign_config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Campaign settings (default conf/care/campaign.yaml).",
)
@click.option(
    "--policies", type=click.Path(dir_okay=False, path_type=Path), help="Policy file (pending-care expiry)."
)
@click.option(
    "--control-share",
    type=float,
    default=None,
    help="Fix the control share instead of the power calculation.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the randomisation.")
def design(
    run_dir: Path,
    month: str,
    campaign_config: Path | None,
    policies: Path | None,
    control_share: float | None,
    seed: int,
) -> None:
    """Split the assigned care into treatment and a stratified, power-sized control group.

    \b
    Example:  cxradar campaign design runs/ --month 2026-10 --seed 7
    Writes RUN_DIR/care/MONTH/care_plan.parquet, care_actions.parquet (the data contract's
    care_actions plus remedy), pending_care.parquet and campaign_design.json; RUN_DIR/care_actions.parquet
    collects every campaign's actions.
    """
    from cxradar.campaigns.step import design_month

    config = {"campaign": campaign_config, "policies": policies, "control_share": control_share, "seed": seed}
    report = design_month(run_dir, month, config)
    power = report["power_calculation"]
    console.print(
        f"Campaign {report['campaign']}: {report['n_treatment']:,} treatment 干预组, "
        f"{report['n_control']:,} control 对照组 "
        f"({report['control_share']:.1%}); power 检验效能 {power['power']:.2f} to detect "
        f"{power['effect_to_detect']} points at alpha {power['alpha']}."
    )
    if not power["power_reached"]:
        console.print("[yellow]The target power is not reached even at the largest control share.[/yellow]")
    console.print(
        f"Wrote {run_dir / 'care' / month}/care_plan.parquet, care_actions.parquet, pending_care.parquet"
    )


def _fmt(x: Any, digits: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


@campaign.command("evaluate")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--month", required=True, help="The month the campaign was designed for.")
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Data folder: surveys and subscribers (or truth/ of a simulation).",
)
@click.option(
    "--outcomes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Post-care answers: msisdn, post (1-10), churned, optional pre.",
)
@click.option(
    "--config",
    "campaign_config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Campaign settings (default conf/care/campaign.yaml).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as one JSON object.")
def evaluate(
    run_dir: Path,
    month: str,
    data_dir: Path,
    outcomes: Path | None,
    campaign_config: Path | None,
    seed: int,
    as_json: bool,
) -> None:
    """Effect of care on satisfaction and churn (treatment vs control), contribution, cost, ROI.

    \b
    Example:  cxradar campaign evaluate runs/ --month 2026-10 --data sim/
    Writes RUN_DIR/care/MONTH/campaign_evaluation.json and care_outcomes.parquet, and marks
    customers whom care fixed as outcome=resolved in care_actions (they exit the explicit pool).
    """
    from rich.table import Table

    from cxradar.campaigns.step import evaluate_campaign_month

    config = {"outcomes": outcomes, "campaign": campaign_config, "seed": seed}
    if as_json:  # machine-readable: no progress bar, one JSON object
        report = evaluate_campaign_month(run_dir, data_dir, month, config)
    else:
        with progress() as bar:
            task = bar.add_task("evaluating", total=1)
            report = evaluate_campaign_month(run_dir, data_dir, month, config)
            bar.update(task, advance=1)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, default=str))
        return
    if not report.get("evaluated"):
        console.print(f"[yellow]{report.get('reason')}[/yellow]")
        return
    sat, pts, con = report["satisfaction_itt"], report["index_points_on_participants"], report["contribution"]
    table = Table(title=f"Campaign {report['campaign']} 活动评估")
    for col in ("measure 指标", "estimate 估计", "95% CI 置信区间", "p"):
        table.add_column(col)
    table.add_row(
        "satisfaction, treatment - control (1-10) 满意度差",
        _fmt(sat["diff"]),
        f"{_fmt(sat['ci_low'])} .. {_fmt(sat['ci_high'])}",
        _fmt(sat["p_value"], 4),
    )
    table.add_row(
        "index points on participants (0-100) 参与客户提升",
        _fmt(pts["diff"]),
        f"{_fmt(pts['ci_low'])} .. {_fmt(pts['ci_high'])}",
        "",
    )
    if "points_diff" in con:
        table.add_row(
            f"contribution to company index 全网贡献 (share {con['share_reached']:.1%})",
            _fmt(con["points_diff"]),
            f"{_fmt(con['points_ci_low'])} .. {_fmt(con['points_ci_high'])}",
            "",
        )
    churn = report["churn"]
    table.add_row(
        "churn rate, treatment - control 离网率差",
        _fmt(churn["diff"], 4),
        f"{_fmt(churn['ci_low'], 4)} .. {_fmt(churn['ci_high'], 4)}",
        _fmt(churn["p_value"], 4),
    )
    did = report.get("difference_in_differences")
    if did:
        table.add_row(
            f"difference-in-differences 双重差分 (n={did['n_with_before']})",
            _fmt(did["diff"]),
            f"{_fmt(did['ci_low'])} .. {_fmt(did['ci_high'])}",
            _fmt(did["p_value"], 4),
        )
    table.add_row("participation 参与率", _fmt(report["participation_rate"], 3), "", "")
    table.add_row(
        "ROI 投资回报",
        _fmt(report["roi"]["roi"]),
        f"{_fmt(report['roi']['roi_ci_low'])} .. {_fmt(report['roi']['roi_ci_high'])}",
        "",
    )
    console.print(table)
    console.print(
        f"Resolved by care 关怀后解决: {report['resolved']:,}; outcomes from {report['outcome_source']}."
    )
    console.print(f"Wrote {run_dir / 'care' / month}/campaign_evaluation.json")

"""Printing a month's run summary and its evaluation: shared by ``run``, ``evaluate`` and ``demo``.

Each section prints only when the run produced it (the care, CSI, survey and churn steps add
their own keys to the summary), so one printer serves every front end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cxradar.cli._common import console

__all__ = ["print_evaluation", "print_month", "print_timings"]


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1%}"


def _num(value: Any, digits: int = 2) -> str:
    return "—" if value is None else f"{float(value):.{digits}f}"


SEED_FLOORS = {"precision": 0.60, "recall": 0.60, "lift": 3.0}  # docs/PRODUCT.md, the seed's figures


def _against(value: Any, floor: float, text: str) -> str:
    """``0.63 (seed >= 0.60 ✓)``: ✓ means the floor is met, ✗ that it is missed."""
    if value is None:
        return "—"
    mark = "✓ met" if float(value) >= floor else "✗ missed"
    return f"{text} (seed ≥ {floor:g} {mark})"


def _model_figures(held: dict[str, Any], population: dict[str, Any] | None, floors: Any) -> str:
    """Precision, recall (respondents the model did not see), the survey-weighted lift over random
    sampling of customers (the seed's 3x) and AUC, each next to the seed's floor."""
    f = {**SEED_FLOORS, **(floors or {})}
    lift = (population or {}).get("lift_over_random")
    return (
        f"precision {_against(held.get('precision'), f['precision'], _num(held.get('precision')))}, "
        f"recall {_against(held.get('recall'), f['recall'], _num(held.get('recall')))}, "
        f"lift over random {_against(lift, f['lift'], _num(lift) + 'x')} (survey-weighted; "
        f"unweighted {_num(held.get('lift_at_threshold'))}x), AUC {_num(held.get('auc'), 3)}"
    )


def print_validation(summary: dict[str, Any]) -> None:
    from rich.table import Table

    validation = summary.get("validation_tables") or {}
    if not validation:
        return
    table = Table(title="Input tables 输入表 (rows in = accepted + quarantined)")
    for column in ("table", "rows in", "accepted", "quarantined"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, counts in validation.items():
        table.add_row(name, f"{counts['rows_in']:,}", f"{counts['accepted']:,}", f"{counts['quarantined']:,}")
    console.print(table)


def print_pool_and_potential(summary: dict[str, Any]) -> None:
    from rich.table import Table

    month, pool, pot = summary["month"], summary["pool"], summary["potential"]
    if "features_shape" in summary:
        rows, cols = summary["features_shape"]
        console.print(f"[bold]Features 特征[/] as of {month}: {rows:,} subscribers x {cols} columns")
    console.print(
        f"[bold]Explicit pool 明确不满意客户池[/] {month}: {pool['size']:,} customers "
        f"(+{pool['entered']:,} entered, {pool['re_signalled']:,} re-signalled, -{pool['exited']:,} exited"
        + (f"; exits: {pool['exit_reasons']}" if pool.get("exit_reasons") else "")
        + ")"
    )
    table = Table(title=f"Potentially dissatisfied 潜在不满意客户: {pot['size']:,} customers")
    table.add_column("kind 类型")
    table.add_column("count", justify="right")
    table.add_column("example reason 示例原因")
    for info in pot["kinds"].values():
        example = info["examples"][0] if info["examples"] else None
        text = f"{example['msisdn']}: {example['reasons_en']}\n{example['reasons_zh']}" if example else ""
        table.add_row(f"{info['en']}\n{info['zh']}", f"{info['count']:,}", text, end_section=True)
    console.print(table)
    model = summary["model"]
    evaluation = (model.get("evaluation") or {}).get("text", "held-out respondents")
    console.print(
        f"[bold]Model[/] {model['kind']} ({evaluation}): "
        + _model_figures(model, model.get("population"), model.get("seed_floors"))
        + f"; threshold {_num(model['threshold'], 3)}: {model['rule']}"
    )


def print_survey(summary: dict[str, Any]) -> None:
    survey = summary.get("survey")
    if not survey:
        return
    overall = survey.get("overall") or {}
    complaints = survey.get("complaints") or {}
    console.print(
        f"[bold]Survey 满意度调查[/] {survey.get('month', '')}: {survey.get('respondents', 0):,} respondents, "
        f"mean {_num(overall.get('mean'))} ({'weighted' if survey.get('weighted') else 'unweighted'}), "
        f"high band 8-10 {_pct(overall.get('high_share'))}, low band {_pct(overall.get('low_share'))}; "
        f"complaints {complaints.get('count', 0):,}, first-contact resolution {_pct(complaints.get('fcr'))} "
        f"(target {_pct(complaints.get('fcr_target'))})"
    )
    csi = survey.get("csi") or {}
    if csi.get("index"):
        parts = ", ".join(f"{name} {value:.1f}" for name, value in csi["index"].items())
        console.print(f"[bold]CSI 满意度指数[/] (0-100, PLS path model '{csi.get('model', '')}'): {parts}")
        ipma = csi.get("ipma") or {}
        if ipma.get("priorities"):
            console.print(f"[bold]Where to act first 重点改进 (IPMA for {ipma.get('target', '')})[/]")
        for item in (ipma.get("priorities") or [])[:3]:
            console.print(f"  • {item.get('en', '')}\n    {item.get('zh', '')}")
    for item in (survey.get("touchpoint_priorities") or [])[:2]:
        console.print(f"  • touchpoint 触点: {item.get('en', '')}\n    {item.get('zh', '')}")


def print_care(summary: dict[str, Any]) -> None:
    care = summary.get("care")
    if care:
        moved = care.get("moved_to_wait_for_contact", 0)
        moved_text = (
            f", {moved:,} of them moved to wait-for-contact {care.get('moved_by_reason', {})}"
            if moved
            else ""
        )
        console.print(
            f"[bold]Care 关怀[/]: {care.get('selected', 0):,} of {care.get('flagged', 0):,} flagged get care "
            f"{care.get('by_strategy', {})}{moved_text}; {care.get('left_out', 0):,} without care"
            + (f" {care['left_out_by_reason']}" if care.get("left_out_by_reason") else "")
            + f"; campaign {care.get('campaign', '—')}: "
            f"{care.get('n_treatment', 0):,} treatment / {care.get('n_control', 0):,} control"
        )
    campaign = summary.get("campaign_evaluation")
    if campaign:
        points = campaign.get("index_points_on_participants") or {}
        itt = campaign.get("satisfaction_itt") or {}
        contribution = campaign.get("contribution") or {}
        console.print(
            f"[bold]Campaign effect 关怀效果[/] ({campaign.get('campaign', '—')}): "
            f"{_num(points.get('diff'))} index points on participants "
            f"[{_num(points.get('ci_low'))}, {_num(points.get('ci_high'))}], p={_num(itt.get('p_value'), 4)}, "
            f"participation {_pct(campaign.get('participation_rate'))}; contribution to the company-wide "
            f"score {_num(contribution.get('points_diff'))} points at a {_pct(contribution.get('share_reached'))} "
            f"share reached ({_num(contribution.get('points_at_20pct_share'))} at 20 %)"
        )


def print_churn(summary: dict[str, Any]) -> None:
    churn = summary.get("churn")
    if not churn:
        return
    counts = churn.get("counts") or {}
    console.print(
        f"[bold]Churn 离网预测[/]: {counts.get('scored', 0):,} scored, {counts.get('churners_listed', 0):,} likely "
        f"churners listed, {counts.get('group_alerts', 0):,} corporate-group alerts 集团预警 "
        f"(of {counts.get('groups_watched', 0):,} groups), {counts.get('multi_sim', 0):,} multi-SIM big customers"
    )
    for row in (churn.get("examples") or [])[:3]:
        console.print(
            f"  • {row.get('msisdn_masked')}: p={_num(row.get('probability'))} — {row.get('reasons_en', '')}"
        )


def _rows(value: Any) -> str:
    return "" if value is None else f"{int(value):,}"


def print_timings(summary: dict[str, Any]) -> None:
    """Where the time went: wall, CPU, peak memory and rows per step (``summary.json`` ``run``)."""
    run = summary.get("run") or {}
    if not run.get("steps"):
        return
    from rich.table import Table

    table = Table(
        title=f"Steps 步骤耗时 ({run.get('engine', '')}, {run.get('shards', '')} shards): "
        f"{run['wall_s']:.1f} s wall, {run['cpu_s']:.1f} s CPU, peak {run['peak_rss_mb']:,.0f} MB"
    )
    for column in ("step", "wall s", "CPU s", "peak MB", "rows in", "rows out"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for step in run["steps"]:
        table.add_row(
            step["step"],
            f"{step['wall_s']:.1f}",
            f"{step['cpu_s']:.1f}",
            f"{step['peak_rss_mb']:,.0f}",
            _rows(step.get("rows_in")),
            _rows(step.get("rows_out")),
        )
    console.print(table)


def print_month(summary: dict[str, Any], run_dir: Path) -> None:
    """Everything about one month's run, section by section, and where the time went."""
    print_validation(summary)
    print_pool_and_potential(summary)
    print_survey(summary)
    print_care(summary)
    print_churn(summary)
    outputs = summary.get("outputs") or {}
    console.print(f"Outputs in {run_dir}: " + ", ".join(Path(p).name for p in outputs.values()))
    print_timings(summary)


def print_evaluation(result: dict[str, Any]) -> None:
    """The run scored against the simulator's truth."""
    from rich.table import Table

    table = Table(
        title=f"Against truth 对照真值, {result['month']}: {result['truly_dissatisfied']:,} of "
        f"{result['subscribers']:,} truly dissatisfied ({result['dissatisfied_rate']:.1%})"
    )
    for column in ("list", "n", "precision", "recall", "lift"):
        table.add_column(column, justify="left" if column == "list" else "right")
    rows = [
        ("explicit pool 明确不满意", result["pool"]),
        ("potential list 潜在不满意", result["potential"]),
        *[(f"  {k}", v) for k, v in result["kinds"].items()],
        ("pool + potential", result["combined"]),
    ]
    for name, figures in rows:
        table.add_row(
            name,
            f"{figures['n']:,}",
            _num(figures["precision"]),
            _num(figures["recall"]),
            f"{_num(figures['lift'])}x",
        )
    console.print(table)
    hold = result["model_holdout"]
    floors = {**SEED_FLOORS, **(result.get("seed_floors") or {})}
    console.print(
        f"[bold]Coverage 覆盖率[/]: {result['coverage']:.1%} of all truly dissatisfied (seed: 61.7 %)"
    )
    lift = result["potential"]["lift"]
    console.print(
        f"Potential list against truth: lift over random {_against(lift, floors['lift'], _num(lift) + 'x')}"
    )
    console.print(
        "Model on respondents it did not see: "
        + _model_figures(hold, result.get("model_holdout_population"), floors)
    )
    churn = result.get("churn")
    if churn:
        console.print(
            f"Churn list 离网预警名单 against the truth's churn after {churn['month']} "
            f"({churn['months_after']} month(s)): {churn['listed']:,} listed, precision "
            f"{_num(churn['precision'], 3)}, recall {_num(churn['recall'], 3)}, lift over the "
            f"{churn['base_rate']:.2%} base rate {_num(churn['lift'])}x"
        )
    else:
        console.print("Churn list: not scored (no churn list, or the truth ends with the run's month)")

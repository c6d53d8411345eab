"""Page 8 - model quality: precision, recall, lift over random, calibration, per segment, and drift."""

from __future__ import annotations

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import Series, line, scatter
from cxradar.dashboard.model import Kpi, KpiGrid, Page, Section
from cxradar.dashboard.pages.chartspec import Measure, row_bars
from cxradar.dashboard.pages.common import frame_table, missing, notice_section, with_column
from cxradar.dashboard.text import same, t

__all__ = ["FLOORS", "PAGE_ID", "build"]

PAGE_ID = "model"
# The seed's floors for the potential-dissatisfied model: precision and recall above 60 %, 3x random.
FLOORS = {"precision": 0.60, "recall": 0.60, "lift_over_random": 3.0}
METRIC_NAMES = {
    "precision": t("precision", "查准率"),
    "recall": t("recall", "查全率"),
    "lift_at_threshold": t("lift at the threshold", "阈值处提升度"),
    "lift_over_random": t("lift over random", "相对随机提升"),
    "auc": t("AUC", "AUC"),
    "top_decile_lift": t("top-decile lift", "前10%提升度"),
    "brier": t("Brier score", "Brier评分"),
    "threshold": t("threshold", "阈值"),
}
SAMPLES = {
    "holdout": t("held-out respondents", "留出受访者"),
    "holdout_population": t("re-weighted to the population", "按总体加权"),
    "train_out_of_fold": t("training, out of fold", "训练集交叉验证"),
}
SHIFTS = {
    "stable": t("stable", "稳定"),
    "moderate": t("moderate shift", "中度漂移"),
    "large": t("large shift", "显著漂移"),
}


def _metric(m: MonthTables, sample: str, metric: str) -> float | None:
    frame = m.table("model_metrics")
    hit = frame.loc[(frame["sample"] == sample) & (frame["metric"] == metric), "value"]
    return float(hit.iloc[0]) if len(hit) else None


def build(m: MonthTables) -> Page:
    title = t("Model quality", "模型质量")
    intro = t(
        "How well the potential-dissatisfied model finds dissatisfied customers, measured on survey respondents it did not learn from.",
        "潜在不满意模型识别不满意客户的能力，以模型未学习过的受访者衡量。",
    )
    metrics = m.table("model_metrics")
    if not len(metrics):
        return Page(
            PAGE_ID,
            title,
            intro,
            [
                notice_section(
                    t("Quality", "质量"),
                    t("No model report this month", "本月无模型报告"),
                    t("run the month", "请运行月度流程"),
                )
            ],
        )
    pop = "holdout_population"
    items = []
    for metric, sample in (
        ("precision", pop),
        ("recall", pop),
        ("lift_over_random", pop),
        ("auc", "holdout"),
    ):
        value = _metric(m, sample, metric)
        floor = FLOORS.get(metric)
        shown = (
            f"{fmt.number(value, 2)}×"
            if metric.startswith("lift")
            else fmt.number(value, 3)
            if metric == "auc"
            else fmt.pct(value)
        )
        meaning = SAMPLES[sample] + (
            t(f"; the seed's floor is {fmt.number(floor, 0)}×", f"；案例下限为{fmt.number(floor, 0)}倍")
            if metric.startswith("lift")
            else t(f"; the seed's floor is {fmt.pct(floor, 0)}", f"；案例下限为{fmt.pct(floor, 0)}")
            if floor
            else t(" (0.5 = random, 1 = perfect)", "（0.5为随机，1为完美）")
        )
        items.append(
            Kpi(
                f"model_{metric}",
                METRIC_NAMES[metric],
                shown,
                meaning + ".",
                None,
                fmt.target_mark(value >= floor) if floor and value is not None else None,
            )
        )
    sections = [Section(t("Headline quality", "主要指标"), [KpiGrid(items)])]
    lift = m.table("model_lift")
    if len(lift):
        sections.append(
            Section(
                t("Lift over random", "相对随机的提升"),
                [
                    row_bars(
                        "model-lift",
                        t(
                            "Lift per decile of predicted risk (held-out respondents)",
                            "按预测风险十分位的提升度（留出受访者）",
                        ),
                        lift,
                        [
                            Measure("lift", t("lift", "提升度")),
                            Measure(
                                "cumulative_recall", t("cumulative recall", "累计查全率"), kind="line", axis=1
                            ),
                        ],
                        categories=[t(f"decile {b}", f"第{b}组") for b in lift["bin"]],
                        right_percent=True,
                        mark=(t("random", "随机"), 1.0),
                        value_name=t("lift", "提升度"),
                        right_name=t("recall", "查全率"),
                    ),
                    frame_table(
                        t("Lift table", "提升度表"),
                        lift,
                        "model_lift",
                        [
                            ("bin", "count"),
                            ("respondents", "count"),
                            ("rate", "pct"),
                            ("lift", "num2"),
                            ("cumulative_share", "pct"),
                            ("cumulative_recall", "pct"),
                            ("cumulative_lift", "num2"),
                        ],
                    ),
                ],
            )
        )
    calibration = m.table("model_calibration")
    if len(calibration):
        sections.append(
            Section(
                t("Calibration", "校准"),
                [
                    scatter(
                        "model-calibration",
                        t("Predicted probability against the observed rate", "预测概率与实际比例"),
                        [
                            (
                                same(f"{r['bin_low']:.1f}-{r['bin_high']:.1f}"),
                                float(r["mean_predicted"]),
                                float(r["observed_rate"]),
                            )
                            for _i, r in calibration.iterrows()
                        ],
                        x_name=t("mean predicted probability", "平均预测概率"),
                        y_name=t("observed dissatisfied rate", "实际不满意比例"),
                        series_name=t("probability bins", "概率区间"),
                        line_points=[(0.0, 0.0), (1.0, 1.0)],
                        line_name=t("perfect calibration", "完美校准"),
                        note=t(
                            "Points on the dashed line mean the probabilities can be taken at face value.",
                            "点越接近虚线，预测概率越可信。",
                        ),
                    ),
                    frame_table(
                        t("Calibration table", "校准表"),
                        calibration,
                        "model_calibration",
                        [
                            ("bin_low", "num1"),
                            ("bin_high", "num1"),
                            ("respondents", "count"),
                            ("mean_predicted", "pct"),
                            ("observed_rate", "pct"),
                        ],
                    ),
                ],
            )
        )
    segments = m.table("model_segments")
    if len(segments):
        sections.append(
            Section(
                t("Per segment", "分客户群"),
                [
                    row_bars(
                        "model-segments",
                        t("Precision and recall per segment", "各客户群查准率与查全率"),
                        segments,
                        [
                            Measure("precision", METRIC_NAMES["precision"]),
                            Measure("recall", METRIC_NAMES["recall"]),
                        ],
                        percent=True,
                        mark=(t("seed floor", "案例下限"), 0.6),
                    )
                ],
            )
        )
    sections.append(Section(t("Drift since last month", "较上月的漂移"), _drift_blocks(m)))
    return Page(PAGE_ID, title, intro, sections)


def _drift_blocks(m: MonthTables) -> list:
    drift = m.table("feature_drift")
    blocks: list = []
    history = m.history["model_metrics"]
    history = history.loc[
        (history["sample"] == "holdout")
        & (history["metric"].isin(["auc", "precision", "recall"]))
        & (history["month"] <= m.month)
    ]
    months = sorted(history["month"].unique())
    if len(months) > 1:
        blocks.append(
            line(
                "model-metric-trend",
                t("Held-out quality per report month", "各报告月份的留出样本表现"),
                months,
                [
                    Series(METRIC_NAMES[k], [_first(history, mo, k) for mo in months], kind="line")
                    for k in ("precision", "recall", "auc")
                ],
            )
        )
    if len(drift):
        blocks.append(
            row_bars(
                "model-drift",
                t(
                    "Population stability index of the main inputs (PSI)",
                    "主要输入变量的群体稳定性指数（PSI）",
                ),
                drift,
                Measure("psi", same("PSI")),
                horizontal=True,
                mark=(t("moderate shift", "中度漂移"), 0.1),
                note=t(
                    "PSI below 0.1: stable; 0.1-0.25: a moderate shift; above 0.25: a large shift - retrain.",
                    "PSI低于0.1为稳定；0.1-0.25为中度漂移；高于0.25为显著漂移，需重新训练。",
                ),
            )
        )
        table = frame_table(
            t("Drift of the inputs", "输入变量漂移"),
            drift,
            "feature_drift",
            [("label", "text"), ("psi", "num3"), ("mean_before", "num2"), ("mean_now", "num2")],
        )
        shifts = [SHIFTS.get(str(x), same(str(x))) for x in drift["shift"]]
        blocks.append(with_column(table, t("shift", "漂移程度"), shifts, at=None))
    if not blocks:
        blocks.append(
            missing(
                t("No features of last month to compare with", "无上月特征可供对比"),
                t("run the months in order", "请按月份顺序运行"),
            )
        )
    return blocks


def _first(frame, month: str, metric: str) -> float | None:
    hit = frame.loc[(frame["month"] == month) & (frame["metric"] == metric), "value"]
    return float(hit.iloc[0]) if len(hit) else None

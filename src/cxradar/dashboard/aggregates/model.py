"""Model quality: precision, recall, lift over random, AUC, calibration, per segment, and drift.

The figures come from ``model_report.json`` (held-out survey respondents; ``holdout_population``
re-weights them to the population). *Drift since last month* is the population stability index
(PSI) of the model's main inputs between last month's and this month's features, with bins at last
month's deciles: PSI = sum over bins of (now - before) x ln(now / before). Read it as < 0.1
stable, 0.1-0.25 a moderate shift, > 0.25 a large shift (the usual credit-scoring convention).
"""

from __future__ import annotations

import math

import pandas as pd

from cxradar.dashboard.aggregates.context import AggregateContext, label_columns
from cxradar.dashboard.tables import coded, col, spec

__all__ = ["DRIFT_FEATURES", "PSI_LARGE", "PSI_MODERATE", "SPECS", "build", "psi"]

PSI_MODERATE = 0.10
PSI_LARGE = 0.25
DRIFT_FEATURES = (
    "avg_spend_3m",
    "avg_minutes_3m",
    "avg_data_3m",
    "dropped_per_100_calls_3m",
    "missed_calls_3m",
    "complaints_3m",
    "call_forward_m1",
    "arrears_suspensions_6m",
    "offnet_onnet_ratio_3m",
    "tenure_months",
)
METRICS = ("precision", "recall", "lift_at_threshold", "auc", "top_decile_lift", "brier", "lift_over_random")

SPECS = [
    spec(
        "model_metrics",
        "model",
        ("one row per sample and metric", "每个样本每项指标一行"),
        (
            "Quality of the potential-dissatisfied model on held-out survey respondents (and re-weighted to the population).",
            "潜在不满意模型在留出受访者上的表现（及按总体加权后的估计）。",
        ),
        col("sample", "string", "sample", "样本"),
        col("metric", "string", "metric", "指标"),
        col("value", "float", "value", "数值"),
    ),
    spec(
        "model_lift",
        "model",
        ("one row per decile of predicted risk", "每个预测风险十分位一行"),
        (
            "Lift by decile of predicted probability on held-out respondents.",
            "留出受访者按预测概率十分位的提升度。",
        ),
        col("bin", "int", "decile", "十分位"),
        col("respondents", "int", "respondents", "受访人数"),
        col("rate", "float", "dissatisfied rate", "不满意率"),
        col("lift", "float", "lift", "提升度"),
        col("cumulative_share", "float", "cumulative share of respondents", "累计受访者占比"),
        col("cumulative_recall", "float", "cumulative recall", "累计查全率"),
        col("cumulative_lift", "float", "cumulative lift", "累计提升度"),
    ),
    spec(
        "model_calibration",
        "model",
        ("one row per probability bin", "每个概率区间一行"),
        (
            "Predicted probability against the observed dissatisfied rate.",
            "预测概率与实际不满意率对比（校准）。",
        ),
        col("bin_low", "float", "bin from", "区间下限"),
        col("bin_high", "float", "bin to", "区间上限"),
        col("respondents", "int", "respondents", "受访人数"),
        col("mean_predicted", "float", "mean predicted", "平均预测概率"),
        col("observed_rate", "float", "observed rate", "实际比例"),
    ),
    spec(
        "model_segments",
        "model",
        ("one row per segment", "每个客户群一行"),
        ("Model quality per segment on held-out respondents.", "各客户群的模型表现（留出受访者）。"),
        *coded("segment", "segment", "客户群"),
        col("respondents", "int", "respondents", "受访人数"),
        col("precision", "float", "precision", "查准率"),
        col("recall", "float", "recall", "查全率"),
        col("auc", "float", "AUC", "AUC"),
    ),
    spec(
        "feature_drift",
        "model",
        ("one row per model input", "每个模型输入一行"),
        (
            "Drift of the model's main inputs since last month: population stability index (PSI) and means.",
            "模型主要输入自上月以来的漂移：群体稳定性指数（PSI）及均值。",
        ),
        *coded("feature", "input", "输入变量"),
        col("psi", "float", "PSI", "PSI"),
        col("mean_now", "float", "mean this month", "本月均值"),
        col("mean_before", "float", "mean last month", "上月均值"),
        col("shift", "string", "shift", "漂移程度"),
    ),
]


def psi(now: list[float], before: list[float], floor: float = 1e-4) -> float:
    """Population stability index of two distributions over the same bins (shares, floored)."""
    total_now, total_before = sum(now), sum(before)
    value = 0.0
    for a, b in zip(now, before, strict=True):
        p = max(a / total_now, floor) if total_now else floor
        q = max(b / total_before, floor) if total_before else floor
        value += (p - q) * math.log(p / q)
    return value


def shift_of(value: float) -> str:
    """``stable`` / ``moderate`` / ``large`` for a PSI value."""
    return "large" if value > PSI_LARGE else "moderate" if value > PSI_MODERATE else "stable"


def drift(ctx: AggregateContext) -> pd.DataFrame:
    if not ctx.files.has("features", "features_prev"):
        return pd.DataFrame(columns=SPECS[4].column_names[1:])
    present = ctx.files.columns("features") & ctx.files.columns("features_prev")
    rows = []
    for feature in (f for f in DRIFT_FEATURES if f in present):
        edges = ctx.files.sql(
            f"SELECT quantile_cont({feature}, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) AS q FROM features_prev"
        )["q"].iloc[0]
        edges = sorted(set(float(e) for e in edges if e is not None))
        bucket = " + ".join(f"({feature} > {e!r})::INT" for e in edges) or "0"
        counts = ctx.files.sql(
            f"""SELECT 'now' AS side, {bucket} AS b, count(*) AS n, avg({feature}) AS m FROM features
                WHERE {feature} IS NOT NULL GROUP BY ALL
                UNION ALL
                SELECT 'before', {bucket}, count(*), avg({feature}) FROM features_prev
                WHERE {feature} IS NOT NULL GROUP BY ALL"""
        )
        bins = range(len(edges) + 1)
        now = counts.loc[counts["side"] == "now"].set_index("b")["n"].reindex(bins, fill_value=0)
        before = counts.loc[counts["side"] == "before"].set_index("b")["n"].reindex(bins, fill_value=0)
        means = ctx.files.sql(
            f"SELECT (SELECT avg({feature}) FROM features) AS a, (SELECT avg({feature}) FROM features_prev) AS b"
        ).iloc[0]
        value = psi([float(x) for x in now], [float(x) for x in before])
        rows.append(
            {
                "code": feature,
                "psi": value,
                "mean_now": means["a"],
                "mean_before": means["b"],
                "shift": shift_of(value),
            }
        )
    frame = pd.DataFrame(rows, columns=["code", "psi", "mean_now", "mean_before", "shift"])
    frame = label_columns(frame, "feature", ctx.labels).rename(columns={"code": "feature"})
    return frame[SPECS[4].column_names[1:]].astype(
        {"psi": "float64", "mean_now": "float64", "mean_before": "float64"}
    )


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    report = ctx.files.json("model_report.json") or {}
    rows = [
        {"sample": sample, "metric": metric, "value": float(values[metric])}
        for sample in ("holdout", "holdout_population", "train_out_of_fold")
        if isinstance(values := report.get(sample), dict)
        for metric in METRICS
        if isinstance(values.get(metric), int | float)
    ]
    if isinstance(report.get("threshold"), int | float):
        rows.append({"sample": "holdout", "metric": "threshold", "value": float(report["threshold"])})
    lift = pd.DataFrame(
        report.get("lift_curve") or [],
        columns=["bin", "n", "rate", "lift", "cumulative_share", "cumulative_recall", "cumulative_lift"],
    )
    calibration = pd.DataFrame(
        report.get("reliability") or [],
        columns=["bin_low", "bin_high", "n", "mean_predicted", "observed_rate"],
    )
    segments = pd.DataFrame(
        report.get("per_segment") or [], columns=["segment", "n", "precision", "recall", "auc"]
    )
    segments = label_columns(segments.rename(columns={"segment": "code"}), "segment", ctx.labels).rename(
        columns={"code": "segment"}
    )
    return {
        "model_metrics": pd.DataFrame(rows, columns=["sample", "metric", "value"]),
        "model_lift": lift.rename(columns={"n": "respondents"}).astype({"respondents": "int64"}),
        "model_calibration": calibration.rename(columns={"n": "respondents"}).astype(
            {"respondents": "int64"}
        ),
        "model_segments": segments.rename(columns={"n": "respondents"})[SPECS[3].column_names[1:]].astype(
            {"respondents": "int64"}
        ),
        "feature_drift": drift(ctx),
    }

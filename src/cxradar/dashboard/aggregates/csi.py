"""The CSI page: the index per construct, the path model, the IPMA map and where to act first.

``summary.json`` keeps the index, the paths and the first five priorities; the full
importance-performance map (every construct and indicator) is not kept, so this step refits the
same PLS path model (:func:`cxradar.csi.csi_report.csi_report`, ``telecom`` template, survey
weights, no bootstrap) on the month's survey answers - a sample of a few thousand rows at most,
read with SQL - and checks that the index equals the summary's. The reliability table
(Cronbach's alpha, rho_A, composite reliability, AVE) comes from the same fit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cxradar.csi.csi_report import csi_report
from cxradar.dashboard.aggregates.context import AggregateContext, dig
from cxradar.dashboard.tables import coded, col, spec
from cxradar.errors import CxradarError

__all__ = ["SPECS", "build", "month_surveys"]

SPECS = [
    spec(
        "csi_index",
        "csi",
        ("one row per construct", "每个结构变量一行"),
        (
            "The satisfaction index (0-100) of each construct of the path model, with R² where it is explained.",
            "路径模型各结构变量的满意度指数（0-100），及被解释变量的R²。",
        ),
        *coded("construct", "construct", "结构变量"),
        col("index", "float", "index (0-100)", "指数（0-100）"),
        col("r2", "float", "R² (explained)", "R²（解释度）"),
    ),
    spec(
        "csi_paths",
        "csi",
        ("one row per path of the model", "模型每条路径一行"),
        ("Path coefficients of the PLS path model.", "PLS路径模型的路径系数。"),
        col("source", "string", "from", "起点"),
        col("target", "string", "to", "终点"),
        col("coefficient", "float", "path coefficient", "路径系数"),
    ),
    spec(
        "csi_ipma",
        "csi",
        ("one row per construct or indicator", "每个结构变量或指标一行"),
        (
            "Importance (total effect on the target, points per point) against performance (0-100), with the quadrant.",
            "重要性（对目标变量的总效应，每提高1分的变化）与表现（0-100）及所在象限。",
        ),
        col("level", "string", "level", "层级"),
        *coded("name", "driver", "驱动因素"),
        col("construct", "string", "construct", "结构变量"),
        col("importance", "float", "importance", "重要性"),
        col("performance", "float", "performance (0-100)", "表现（0-100）"),
        col("quadrant", "string", "quadrant", "象限"),
        col("target", "string", "target construct", "目标变量"),
    ),
    spec(
        "csi_priorities",
        "csi",
        ("one row per priority", "每条改进优先事项一行"),
        ("Where to act first, in words.", "重点改进事项（文字说明）。"),
        col("rank", "int", "rank", "优先级"),
        col("kind", "string", "kind", "类别"),
        col("name", "string", "driver", "驱动因素"),
        col("importance", "float", "importance", "重要性"),
        col("performance", "float", "performance (0-100)", "表现（0-100）"),
        col("sentence_en", "string", "priority (English)", "优先事项（英文）"),
        col("sentence_zh", "string", "priority (Chinese)", "优先事项（中文）"),
    ),
    spec(
        "csi_quality",
        "csi",
        ("one row per construct", "每个结构变量一行"),
        (
            "Reliability and validity of each construct: Cronbach's alpha, rho_A, composite reliability and AVE.",
            "各结构变量的信度与效度：Cronbach α、rho_A、组合信度和平均方差抽取量（AVE）。",
        ),
        *coded("construct", "construct", "结构变量"),
        col("alpha", "float", "Cronbach's alpha", "克朗巴哈α系数"),
        col("rho_a", "float", "reliability rho_A", "rho_A信度"),
        col("rho_c", "float", "composite reliability", "组合信度"),
        col("ave", "float", "AVE", "平均方差抽取量"),
    ),
]


def month_surveys(ctx: AggregateContext) -> pd.DataFrame:
    """The month's survey answers (answered in the calendar month), as the run's CSI step uses."""
    if not ctx.files.has("surveys") or "answered_at" not in ctx.files.columns("surveys"):
        return pd.DataFrame()
    return ctx.files.sql("SELECT * FROM surveys WHERE strftime(answered_at, '%Y-%m') = ?", [ctx.month])


def _refit(ctx: AggregateContext) -> dict[str, Any] | None:
    surveys = month_surveys(ctx)
    if surveys.empty:
        return None
    try:
        return csi_report(surveys, "telecom", weights="weight" if "weight" in surveys.columns else None)
    except (CxradarError, ValueError):
        return None


def build(ctx: AggregateContext) -> dict[str, pd.DataFrame]:
    csi = dig(ctx.summary, "survey", "csi") or {}
    fitted = _refit(ctx) if csi else None
    index = csi.get("index") or {}
    r2 = csi.get("r2") or {}
    labels = [ctx.labels.get("construct", c) for c in index]
    frames: dict[str, pd.DataFrame] = {
        "csi_index": pd.DataFrame(
            {
                "construct": list(index),
                "label_en": [x.en for x in labels],
                "label_zh": [x.zh for x in labels],
                "index": [float(v) for v in index.values()],
                "r2": [r2.get(c) for c in index],
            }
        ).astype({"index": "float64", "r2": "float64"}),
        "csi_paths": pd.DataFrame(
            [
                {"source": k.split("->")[0], "target": k.split("->")[1], "coefficient": float(v)}
                for k, v in (csi.get("paths") or {}).items()
            ],
            columns=["source", "target", "coefficient"],
        ),
    }
    target = dig(csi, "ipma", "target") or ""
    ipma_rows = []
    if fitted is not None:
        ipma = fitted.get("ipma") or {}
        for level, key in (("construct", "constructs"), ("indicator", "indicators")):
            for row in ipma.get(key) or []:
                name = str(row.get(level))
                text = ctx.labels.get(level, name)
                ipma_rows.append(
                    {
                        "level": level,
                        "name": name,
                        "label_en": text.en,
                        "label_zh": text.zh,
                        "construct": str(row.get("construct", name)),
                        "importance": row.get("importance"),
                        "performance": row.get("performance"),
                        "quadrant": row.get("quadrant"),
                        "target": ipma.get("target", target),
                    }
                )
    frames["csi_ipma"] = pd.DataFrame(ipma_rows, columns=SPECS[2].column_names[1:]).astype(
        {"importance": "float64", "performance": "float64"}
    )
    priorities = dig(csi, "ipma", "priorities") or []
    frames["csi_priorities"] = pd.DataFrame(
        [
            {
                "rank": i,
                "kind": p.get("kind"),
                "name": p.get("name"),
                "importance": p.get("importance"),
                "performance": p.get("performance"),
                "sentence_en": p.get("en"),
                "sentence_zh": p.get("zh"),
            }
            for i, p in enumerate(priorities, start=1)
        ],
        columns=SPECS[3].column_names[1:],
    ).astype({"importance": "float64", "performance": "float64"})
    quality_rows = []
    for construct, q in ((fitted or {}).get("reliability") or {}).items():
        text = ctx.labels.get("construct", construct)
        quality_rows.append(
            {
                "construct": construct,
                "label_en": text.en,
                "label_zh": text.zh,
                "alpha": q.get("alpha"),
                "rho_a": q.get("rhoA"),
                "rho_c": q.get("rhoC"),
                "ave": q.get("AVE"),
            }
        )
    frames["csi_quality"] = pd.DataFrame(quality_rows, columns=SPECS[4].column_names[1:]).astype(
        {c: "float64" for c in ("alpha", "rho_a", "rho_c", "ave")}
    )
    return frames

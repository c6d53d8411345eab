"""Page 5 - CSI: the index per construct, the path model as a diagram, the IPMA map, where to act first."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard import fmt
from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import graph, scatter
from cxradar.dashboard.labels import Labels
from cxradar.dashboard.model import Bullets, Page, Section, Table
from cxradar.dashboard.pages.chartspec import Measure, row_bars
from cxradar.dashboard.pages.common import frame_table, notice_section, row_labels, with_column
from cxradar.dashboard.text import Text, t

__all__ = ["PAGE_ID", "build", "layout"]

PAGE_ID = "csi"


def layout(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Positions for a left-to-right path diagram: x by the longest path from a source; nodes of a
    layer spread vertically, and lone nodes zig-zag so that long paths do not run through boxes."""
    depth = dict.fromkeys(nodes, 0)
    for _ in nodes:  # relax: a DAG settles within len(nodes) passes
        for a, b in edges:
            depth[b] = max(depth[b], depth[a] + 1)
    layers: dict[int, list[str]] = {}
    for node in nodes:
        layers.setdefault(depth[node], []).append(node)
    out = {}
    lone = 0
    for d in sorted(layers):
        members = layers[d]
        if len(members) == 1:
            out[members[0]] = (d * 170.0, (70.0 if lone % 2 else -70.0) if lone else 0.0)
            lone += 1
            continue
        for i, node in enumerate(members):
            out[node] = (d * 170.0, (i - (len(members) - 1) / 2) * 110.0)
    return out


def build(m: MonthTables) -> Page:
    index, paths = m.table("csi_index"), m.table("csi_paths")
    ipma, priorities, quality = m.table("csi_ipma"), m.table("csi_priorities"), m.table("csi_quality")
    page_title = t("Satisfaction index (CSI)", "满意度指数（CSI）")
    intro = t(
        "The satisfaction index by PLS path modelling of the month's survey: each construct on 0-100, what drives what, and where to act first.",
        "基于本月调查的PLS路径模型满意度指数：各结构变量得分（0-100）、驱动关系及优先改进方向。",
    )
    if not len(index):
        return Page(
            PAGE_ID,
            page_title,
            intro,
            [
                notice_section(
                    t("Index", "指数"),
                    t("No CSI this month", "本月无满意度指数"),
                    t("the month needs survey answers", "本月需有满意度调查数据"),
                )
            ],
        )
    labels = Labels()
    sections = [
        Section(
            t("Index per construct", "各结构变量指数"),
            [
                row_bars(
                    "csi-index",
                    t("Index per construct (0-100)", "各结构变量指数（0-100）"),
                    index,
                    Measure("index", t("index", "指数")),
                    horizontal=True,
                ),
                frame_table(
                    t("Index and R²", "指数与R²"),
                    index,
                    "csi_index",
                    [("label", "text"), ("index", "num1"), ("r2", "num3")],
                ),
            ],
        )
    ]
    if len(paths):
        names = list(index["construct"])
        positions = layout(names, list(zip(paths["source"], paths["target"], strict=True)))
        value = dict(zip(index["construct"], index["index"], strict=True))
        nodes = [
            (
                name,
                labels.get("construct", name),
                positions[name][0],
                positions[name][1],
                fmt.number(value.get(name), 1),
            )
            for name in names
        ]
        edges = [(str(r["source"]), str(r["target"]), float(r["coefficient"])) for _i, r in paths.iterrows()]
        path_table = paths.assign(
            label_en=[
                labels.get("construct", s).en + " → " + labels.get("construct", d).en
                for s, d in zip(paths["source"], paths["target"], strict=True)
            ],
            label_zh=[
                labels.get("construct", s).zh + " → " + labels.get("construct", d).zh
                for s, d in zip(paths["source"], paths["target"], strict=True)
            ],
        )
        sections.append(
            Section(
                t("The path model", "路径模型"),
                [
                    graph(
                        "csi-paths",
                        t(
                            "What drives what: path coefficients (boxes show the index)",
                            "驱动关系：路径系数（方框内为指数）",
                        ),
                        nodes,
                        edges,
                        note=t(
                            "Blue arrows raise the next construct, red ones lower it; thicker means stronger.",
                            "蓝色箭头表示正向影响，红色表示负向影响；越粗影响越强。",
                        ),
                    ),
                    _paths_table(path_table),
                ],
            )
        )
    constructs = ipma.loc[ipma["level"] == "construct"]
    if len(constructs):
        target = labels.get("construct", str(constructs["target"].iloc[0]))
        sections.append(
            Section(
                t("Importance-performance map (IPMA)", "重要性-表现矩阵（IPMA）"),
                [
                    scatter(
                        "csi-ipma",
                        t(
                            f"Drivers of {target.en}: importance against performance",
                            f"{target.zh}的驱动因素：重要性与表现",
                        ),
                        [
                            (lab, float(r["importance"]), float(r["performance"]))
                            for lab, (_i, r) in zip(
                                row_labels(constructs), constructs.iterrows(), strict=True
                            )
                        ],
                        x_name=t("importance (total effect, points per point)", "重要性（总效应，每分变化）"),
                        y_name=t("performance (0-100)", "表现（0-100）"),
                        series_name=t("construct", "结构变量"),
                        x_mark=float(constructs["importance"].mean()),
                        y_mark=float(constructs["performance"].mean()),
                        note=t(
                            "Bottom right - important but weak - is where to act first; dashed lines are the averages.",
                            "右下方（重要但表现弱）为优先改进区域；虚线为平均值。",
                        ),
                    ),
                    _add_quadrants(
                        frame_table(
                            t(
                                "Importance and performance of every driver and item",
                                "各驱动因素及指标的重要性与表现",
                            ),
                            ipma,
                            "csi_ipma",
                            [("label", "text"), ("importance", "num3"), ("performance", "num1")],
                        ),
                        ipma,
                        labels,
                    ),
                ],
            )
        )
    if len(priorities):
        sections.append(
            Section(
                t("Where to act first", "重点改进"),
                [
                    Bullets(
                        [
                            Text(str(r["sentence_en"]), str(r["sentence_zh"]))
                            for _i, r in priorities.iterrows()
                        ]
                    )
                ],
            )
        )
    if len(quality):
        sections.append(
            Section(
                t("Reliability and validity", "信度与效度"),
                [
                    frame_table(
                        t(
                            "Construct reliability (alpha, rho_A, composite reliability ≥ 0.7; AVE ≥ 0.5)",
                            "结构变量信度（α、rho_A、组合信度≥0.7；AVE≥0.5）",
                        ),
                        quality,
                        "csi_quality",
                        [
                            ("label", "text"),
                            ("alpha", "num3"),
                            ("rho_a", "num3"),
                            ("rho_c", "num3"),
                            ("ave", "num3"),
                        ],
                    )
                ],
            )
        )
    return Page(PAGE_ID, page_title, intro, sections)


def _paths_table(paths: pd.DataFrame) -> Table:
    table = frame_table(t("Path coefficients", "路径系数"), paths, "csi_paths", [("coefficient", "num3")])
    return with_column(table, t("path", "路径"), row_labels(paths))


def _add_quadrants(table: Table, ipma: pd.DataFrame, labels: Labels) -> Table:
    return with_column(
        table, t("quadrant", "象限"), [labels.get("quadrant", q) for q in ipma["quadrant"]], at=None
    )

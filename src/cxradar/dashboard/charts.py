"""ECharts options for the report's charts, built once per language from :class:`Text` labels.

Only plain JSON goes into an option (no JavaScript functions), so the options are data that the
page embeds and a test can inspect. Animation is off: a chart is complete as soon as it is drawn,
which keeps rendering fast and printing exact. Shares are drawn as percentages (0-100).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxradar.dashboard.fmt import is_number
from cxradar.dashboard.model import Chart
from cxradar.dashboard.text import Text

__all__ = ["LANGS", "Series", "bar", "graph", "intervals", "line", "scatter"]

LANGS = ("zh", "en")
PALETTE = ["#1f5fa8", "#e8833a", "#3a9a5b", "#c23b3b", "#7b5ea7", "#8c6d31", "#d16aa8", "#6b7785"]
FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Helvetica Neue", Arial, sans-serif'


@dataclass
class Series:
    """One data series: its name and values (``None`` = no value), drawn as bars or a line."""

    name: Text
    values: list[float | None]
    kind: str = "bar"  # bar | line | scatter (a marker per category, e.g. a target)
    axis: int = 0  # 0 = left value axis, 1 = right


def _num(value: Any, percent: bool) -> float | None:
    if not is_number(value):
        return None
    v = float(value) * (100.0 if percent else 1.0)
    return round(v, 4 if abs(v) < 1 else 2 if abs(v) < 100 else 1)


def _base(lang: str) -> dict[str, Any]:
    return {
        "animation": False,
        "color": PALETTE,
        "textStyle": {"fontFamily": FONT},
        "tooltip": {"trigger": "axis", "confine": True},
        "grid": {"left": 12, "right": 24, "top": 36, "bottom": 12, "containLabel": True},
    }


def _value_axis(name: Text | None, lang: str, percent: bool, **extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {"type": "value", "axisLabel": {"formatter": "{value}%" if percent else "{value}"}}
    if name is not None:
        axis.update({"name": name.get(lang), "nameLocation": "end", "nameTextStyle": {"align": "left"}})
    axis.update(extra)
    return axis


def _options(build: Any) -> dict[str, dict[str, Any]]:
    return {lang: build(lang) for lang in LANGS}


def bar(
    chart_id: str,
    title: Text,
    categories: list[Text],
    series: list[Series],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    percent: bool = False,
    value_name: Text | None = None,
    right_percent: bool = False,
    right_name: Text | None = None,
    mark: tuple[Text, float] | None = None,
    labels: bool = True,
    height: int | None = None,
    note: Text | None = None,
) -> Chart:
    """Bars (and optional lines on a right axis) over categories; ``mark`` draws a target line."""

    def build(lang: str) -> dict[str, Any]:
        cats = [c.get(lang) for c in categories]
        option = _base(lang)
        axes = [_value_axis(value_name, lang, percent)]
        if any(s.axis == 1 for s in series):
            axes.append(_value_axis(right_name, lang, right_percent, splitLine={"show": False}))
        axis_label: dict[str, Any] = {"interval": 0, "hideOverlap": True}
        category_axis: dict[str, Any] = {"type": "category", "data": cats, "axisLabel": axis_label}
        if horizontal:
            category_axis["inverse"] = True
            option.update({"yAxis": category_axis, "xAxis": axes[0]})
        else:
            if len(cats) > 10:
                axis_label["rotate"] = 30
            option.update({"xAxis": category_axis, "yAxis": axes if len(axes) > 1 else axes[0]})
        out = []
        for s in series:
            pct = right_percent if s.axis == 1 else percent
            entry: dict[str, Any] = {
                "name": s.name.get(lang),
                "type": s.kind,
                "data": [_num(v, pct) for v in s.values],
            }
            if s.axis == 1 and not horizontal:
                entry["yAxisIndex"] = 1
            if s.kind == "scatter":
                entry.update({"symbol": "diamond", "symbolSize": 12, "itemStyle": {"color": "#c23b3b"}})
            if stacked and s.kind == "bar":
                entry["stack"] = "total"
            if labels and s.kind == "bar" and not stacked and len(series) <= 2:
                entry["label"] = {
                    "show": True,
                    "position": "right" if horizontal else "top",
                    "formatter": "{c}%" if pct else "{c}",
                    "fontSize": 11,
                }
            out.append(entry)
        if mark is not None and out:
            name, value = mark
            option["grid"]["right"] = 90
            key = "xAxis" if horizontal else "yAxis"
            out[0]["markLine"] = {
                "symbol": "none",
                "lineStyle": {"type": "dashed", "color": "#c23b3b"},
                "label": {"formatter": f"{name.get(lang)}: {_num(value, percent)}{'%' if percent else ''}"},
                "data": [{key: _num(value, percent)}],
            }
        option["series"] = out
        if len(series) > 1:
            option["legend"] = {"top": 0}
        if horizontal:
            option["tooltip"]["axisPointer"] = {"type": "shadow"}
        return option

    rows = len(categories)
    return Chart(
        chart_id, title, _options(build), height or (max(220, 28 * rows + 60) if horizontal else 320), note
    )


def line(
    chart_id: str,
    title: Text,
    x: list[str],
    series: list[Series],
    *,
    percent: bool = False,
    value_name: Text | None = None,
    right_percent: bool = False,
    right_name: Text | None = None,
    note: Text | None = None,
) -> Chart:
    """Lines (or bars, by each series' kind) over months or waves."""
    chart = bar(
        chart_id,
        title,
        [Text(v, v) for v in x],
        [Series(s.name, s.values, s.kind if s.kind != "bar" else "bar", s.axis) for s in series],
        percent=percent,
        value_name=value_name,
        right_percent=right_percent,
        right_name=right_name,
        labels=False,
        note=note,
    )
    for option in chart.options.values():
        for entry in option["series"]:
            if entry["type"] == "line":
                entry.update({"symbolSize": 7, "connectNulls": True})
    return chart


def intervals(
    chart_id: str,
    title: Text,
    categories: list[Text],
    estimate: list[float | None],
    low: list[float | None],
    high: list[float | None],
    *,
    value_name: Text,
    estimate_name: Text,
    interval_name: Text,
    percent: bool = False,
    note: Text | None = None,
) -> Chart:
    """Point estimates with their 95 % intervals (boxes from low to high, a boxplot whose quartiles
    are the interval) and a dashed zero line."""

    def build(lang: str) -> dict[str, Any]:
        option = _base(lang)
        cats = [c.get(lang) for c in categories]
        option["tooltip"] = {"trigger": "axis", "confine": True}
        option["yAxis"] = {"type": "category", "data": cats, "inverse": True}
        option["xAxis"] = _value_axis(value_name, lang, percent, scale=True)
        boxes = [
            [_num(lo, percent), _num(lo, percent), _num(est, percent), _num(hi, percent), _num(hi, percent)]
            if is_number(lo) and is_number(hi) and is_number(est)
            else []
            for est, lo, hi in zip(estimate, low, high, strict=True)
        ]
        option["series"] = [
            {
                "name": interval_name.get(lang),
                "type": "boxplot",
                "layout": "horizontal",
                "data": boxes,
                "boxWidth": [8, 14],
                "itemStyle": {"color": "#9fbbe0", "borderColor": "#1f5fa8"},
                "markLine": {
                    "symbol": "none",
                    "lineStyle": {"color": "#6b7785", "type": "dashed"},
                    "label": {"show": False},
                    "data": [{"xAxis": 0}],
                },
            },
            {
                "name": estimate_name.get(lang),
                "type": "scatter",
                "data": [_num(v, percent) for v in estimate],
                "symbolSize": 11,
                "itemStyle": {"color": "#c23b3b"},
                "label": {"show": True, "position": "right", "fontSize": 11, "formatter": "{c}"},
            },
        ]
        option["legend"] = {"top": 0}
        return option

    return Chart(chart_id, title, _options(build), max(200, 38 * len(categories) + 70), note)


def scatter(
    chart_id: str,
    title: Text,
    points: list[tuple[Text, float, float]],
    *,
    x_name: Text,
    y_name: Text,
    series_name: Text,
    x_mark: float | None = None,
    y_mark: float | None = None,
    diagonal: bool = False,
    line_points: list[tuple[float, float]] | None = None,
    line_name: Text | None = None,
    note: Text | None = None,
) -> Chart:
    """Labelled points (IPMA map, calibration); dashed lines at ``x_mark``/``y_mark``."""

    def build(lang: str) -> dict[str, Any]:
        option = _base(lang)
        option["tooltip"] = {"trigger": "item", "confine": True}
        option["xAxis"] = {
            "type": "value",
            "name": x_name.get(lang),
            "nameLocation": "middle",
            "nameGap": 28,
            "scale": True,
        }
        option["yAxis"] = {
            "type": "value",
            "name": y_name.get(lang),
            "nameLocation": "middle",
            "nameGap": 42,
            "scale": True,
        }
        option["grid"]["left"] = 24
        option["grid"]["bottom"] = 36
        marks = []
        if x_mark is not None:
            marks.append({"xAxis": round(x_mark, 4)})
        if y_mark is not None:
            marks.append({"yAxis": round(y_mark, 4)})
        series: list[dict[str, Any]] = [
            {
                "name": series_name.get(lang),
                "type": "scatter",
                "symbolSize": 12,
                "data": [
                    {"name": label.get(lang), "value": [round(x, 4), round(y, 4)]} for label, x, y in points
                ],
                "label": {"show": True, "position": "right", "formatter": "{b}", "fontSize": 11},
                "markLine": {
                    "symbol": "none",
                    "silent": True,
                    "lineStyle": {"type": "dashed", "color": "#6b7785"},
                    "label": {"show": False},
                    "data": marks,
                },
            }
        ]
        if line_points is not None:
            series.append(
                {
                    "name": (line_name or series_name).get(lang),
                    "type": "line",
                    "data": [[round(a, 4), round(b, 4)] for a, b in line_points],
                    "lineStyle": {"type": "dashed"},
                    "symbol": "none",
                }
            )
        if diagonal:
            series[0]["markLine"]["data"] = [[{"coord": [0, 0]}, {"coord": [1, 1]}]]
        option["series"] = series
        if len(series) > 1:
            option["legend"] = {"top": 0}
        return option

    return Chart(chart_id, title, _options(build), 380, note)


def graph(
    chart_id: str,
    title: Text,
    nodes: list[tuple[str, Text, float, float, str]],
    edges: list[tuple[str, str, float]],
    note: Text | None = None,
) -> Chart:
    """A path diagram: nodes (id, label, x, y, caption) and directed edges with coefficients."""

    index = {node_id: i for i, (node_id, *_rest) in enumerate(nodes)}
    positions = {node_id: (x, y) for node_id, _label, x, y, _caption in nodes}

    def build(lang: str) -> dict[str, Any]:
        option = _base(lang)
        option["tooltip"] = {"trigger": "item", "confine": True}
        option.pop("grid")
        option["series"] = [
            {
                "type": "graph",
                "layout": "none",
                "roam": False,
                "symbol": "roundRect",
                "symbolSize": [118, 44],
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 9,
                "label": {"show": True, "fontSize": 12, "color": "#fff", "formatter": "{b}"},
                "itemStyle": {"color": "#1f5fa8"},
                "data": [
                    {"name": f"{label.get(lang)}\n{caption}", "x": x, "y": y}
                    for _node_id, label, x, y, caption in nodes
                ],
                "links": [
                    {
                        "source": index[a],
                        "target": index[b],
                        "value": round(c, 3),
                        "label": {"show": True, "formatter": f"{c:+.2f}", "fontSize": 11},
                        "lineStyle": {
                            "width": max(1.0, min(6.0, 1 + 8 * abs(c))),
                            "color": "#1f5fa8" if c >= 0 else "#c23b3b",
                            "curveness": 0.25 if abs(positions[a][0] - positions[b][0]) > 200 else 0.05,
                        },
                    }
                    for a, b, c in edges
                ],
            }
        ]
        return option

    return Chart(chart_id, title, _options(build), 460, note)

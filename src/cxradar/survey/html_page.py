"""The self-contained HTML survey report: inline CSS, inline SVG charts, bilingual tables, no links.

Charts are drawn as small SVG strings here (bars for the score distribution, the touchpoints and
complaint types; a line with its interval for the wave trend) so the page needs no JavaScript and
no network. Text is escaped by jinja2's autoescape; only the SVG we build is marked safe.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from cxradar.survey.labels import COLUMN_LABELS, VIEW_LABELS

__all__ = ["bar_svg", "line_svg", "render_survey_html"]

_W, _H, _PAD = 560, 220, 36


def bar_svg(
    labels: list[str],
    values: list[float],
    *,
    percent: bool = False,
    target: float | None = None,
    highlight: list[bool] | None = None,
) -> Markup:
    """Vertical bars with value labels; an optional dashed target line."""
    if not values:
        return Markup("")
    top = max([v for v in values if not math.isnan(v)] + [target or 0.0, 1e-9]) * 1.15
    step = (_W - 2 * _PAD) / len(values)
    parts = [f'<svg viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        v = 0.0 if math.isnan(value) else value
        h = (_H - 2 * _PAD) * v / top
        x = _PAD + i * step + step * 0.15
        y = _H - _PAD - h
        colour = "#c0392b" if highlight and highlight[i] else "#2e6da4"
        text = f"{v:.0%}" if percent else f"{v:.2f}" if v < 100 else f"{v:.0f}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" font-size="10" '
            f'text-anchor="middle">{text}</text>'
        )
        parts.append(
            f'<text x="{x + step * 0.35:.1f}" y="{_H - _PAD + 14:.1f}" font-size="10" '
            f'text-anchor="middle">{escape(str(label))[:18]}</text>'
        )
    if target is not None:
        ty = _H - _PAD - (_H - 2 * _PAD) * target / top
        parts.append(
            f'<line x1="{_PAD}" x2="{_W - _PAD}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e67e22" '
            f'stroke-dasharray="5,4"/><text x="{_W - _PAD}" y="{ty - 4:.1f}" font-size="10" '
            f'text-anchor="end">target {target:g}</text>'
        )
    parts.append(
        f'<line x1="{_PAD}" x2="{_W - _PAD}" y1="{_H - _PAD}" y2="{_H - _PAD}" stroke="#555"/></svg>'
    )
    return Markup("".join(parts))


def line_svg(labels: list[str], values: list[float], lo: list[float], hi: list[float]) -> Markup:
    """A line of estimates with a shaded interval band."""
    points = [
        (i, v, a, b) for i, (v, a, b) in enumerate(zip(values, lo, hi, strict=True)) if not math.isnan(v)
    ]
    if not points:
        return Markup("")
    finite = [x for p in points for x in p[1:] if not math.isnan(x)]
    y_min, y_max = min(finite) - 0.2, max(finite) + 0.2
    span = max(len(labels) - 1, 1)

    def xy(i: float, v: float) -> tuple[float, float]:
        return (
            _PAD + (_W - 2 * _PAD) * i / span,
            _H - _PAD - (_H - 2 * _PAD) * (v - y_min) / (y_max - y_min),
        )

    band = [xy(i, b) for i, _, _, b in points if not math.isnan(b)] + [
        xy(i, a) for i, _, a, _ in reversed(points) if not math.isnan(a)
    ]
    parts = [f'<svg viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img">']
    if band:
        parts.append(
            '<polygon fill="#cfe0f3" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in band) + '"/>'
        )
    line = [xy(i, v) for i, v, _, _ in points]
    parts.append(
        '<polyline fill="none" stroke="#2e6da4" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        + '"/>'
    )
    for (i, v, _, _), (x, y) in zip(points, line, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2e6da4"/>'
            f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="10" text-anchor="middle">{v:.2f}</text>'
            f'<text x="{x:.1f}" y="{_H - _PAD + 14:.1f}" font-size="10" text-anchor="middle">'
            f"{escape(str(labels[i]))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"  # words, not ticks: a tick reads as "met" in a "missed" column
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e-3 and value != 0 else f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _table(frame: pd.DataFrame | None, labels: dict[str, str], limit: int = 60) -> dict[str, Any]:
    if frame is None or not len(frame):
        return {"headers": [], "rows": [], "more": 0}
    headers = [(labels.get(str(c), ""), str(c)) for c in frame.columns]
    rows = [[_cell(v) for v in row] for row in frame.head(limit).itertuples(index=False)]
    return {"headers": headers, "rows": rows, "more": max(len(frame) - limit, 0)}


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>满意度调查报告 Survey report {{ s.month }}</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei",Helvetica,Arial,sans-serif;margin:24px;color:#222;
max-width:1200px}
h1{font-size:22px}h2{font-size:17px;border-bottom:2px solid #2e6da4;padding-bottom:4px;
margin-top:32px}
.en{color:#666;font-weight:normal}.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #ccd;border-radius:6px;padding:10px 14px;min-width:160px;background:#f7f9fc}
.card b{display:block;font-size:20px;color:#2e6da4}table{border-collapse:collapse;font-size:12px;
margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right}th{background:#e8eef7}
td:first-child,th:first-child{text-align:left}th small{display:block;color:#666;font-weight:normal}
.note{color:#666;font-size:12px}li{margin:4px 0}
</style></head><body>
<h1>客户满意度调查报告 <span class="en">Customer survey report</span> — {{ s.month }}</h1>
<div class="cards">
<div class="card">受访人数 <span class="en">respondents</span><b>{{ s.respondents }}</b></div>
<div class="card">总体满意度均值 <span class="en">mean overall</span><b>{{ fmt(s.overall.mean) }}</b>
<span class="note">95% CI {{ fmt(s.overall.mean_ci[0]) }}–{{ fmt(s.overall.mean_ci[1]) }}</span>
</div>
<div class="card">高分段(8-10)占比 <span class="en">high-score band</span>
<b>{{ pct(s.overall.high_share) }}</b>
<span class="note">95% CI {{ pct(s.overall.high_share_ci[0]) }}–{{ pct(s.overall.high_share_ci[1]) }}
</span></div>
<div class="card">低分段占比 <span class="en">low band</span><b>{{ pct(s.overall.low_share) }}</b></div>
{% if s.complaints %}<div class="card">一次解决率 <span class="en">first-contact resolution</span>
<b>{{ pct(s.complaints.fcr) }}</b><span class="note">目标 target {{ pct(s.complaints.fcr_target) }}
</span></div>{% endif %}
</div>
<p class="note">{{ "加权估计（线性化方差，Kish有效样本量）" if s.weighted else "未加权估计" }} /
{{ "weighted estimates (linearisation variance, Kish effective n)" if s.weighted
   else "unweighted estimates" }}</p>
{% for sec in sections %}
<h2>{{ sec.zh }} <span class="en">{{ sec.en }}</span></h2>
{% if sec.chart %}{{ sec.chart }}{% endif %}
{% if sec.advice %}<ol>{% for zh, en in sec.advice %}<li>{{ zh }}<br><span class="en">{{ en }}
</span></li>{% endfor %}</ol>{% endif %}
{% if sec.table.headers %}<table><tr>{% for zh, en in sec.table.headers %}<th>{{ zh }}
<small>{{ en }}</small></th>{% endfor %}</tr>
{% for row in sec.table.rows %}<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}
</table>
{% if sec.table.more %}
<p class="note">… {{ sec.table.more }} more rows in {{ sec.name }}.csv</p>{% endif %}{% endif %}
{% endfor %}
{% if s.csi_note %}<p class="note">CSI: {{ s.csi_note }}</p>{% endif %}
<p class="note">cxradar survey report · 由 cxradar 生成</p>
</body></html>
"""


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1%}"


def render_survey_html(views: dict[str, pd.DataFrame], summary: dict[str, Any]) -> str:
    """The whole report as one HTML string (no external resources)."""
    sections = []
    for name, frame in views.items():
        zh, en = VIEW_LABELS.get(name, (name, name))
        chart: Markup | None = None
        items: list[tuple[str, str]] = []
        if name == "score_distribution" and len(frame):
            chart = bar_svg(
                [str(s) for s in frame["score"]],
                frame["share"].tolist(),
                percent=True,
                highlight=[s <= summary["overall"]["bands"]["low"][1] for s in frame["score"]],
            )
        elif name == "wave_trend" and len(frame):
            chart = line_svg(
                frame["wave"].astype(str).tolist(),
                frame["mean"].tolist(),
                frame["mean_lo"].tolist(),
                frame["mean_hi"].tolist(),
            )
        elif name == "touchpoints" and len(frame):
            chart = bar_svg(
                frame["zh"].tolist(),
                frame["mean"].tolist(),
                target=float(frame["target"].max()),
                highlight=(frame["gap"] > 0).tolist(),
            )
            if "sentence_zh" in frame.columns:
                items = list(zip(frame["sentence_zh"], frame["sentence_en"], strict=True))
        elif name == "complaints_by_type" and len(frame):
            last = frame[frame["month"] == frame["month"].max()]
            chart = bar_svg(
                last["type"].astype(str).tolist(),
                last["count"].astype(float).tolist(),
                highlight=last["vital_few"].fillna(False).astype(bool).tolist(),
            )
        elif name == "csi_index" and len(frame):
            chart = bar_svg(frame["zh"].astype(str).tolist(), frame["index"].astype(float).tolist())
        sections.append(
            {
                "name": name,
                "zh": zh,
                "en": en,
                "chart": chart,
                "advice": items,
                "table": _table(frame, COLUMN_LABELS),
            }
        )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)
    return env.from_string(_TEMPLATE).render(s=summary, sections=sections, fmt=_fmt, pct=_pct)

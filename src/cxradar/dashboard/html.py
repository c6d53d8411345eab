"""Render a :class:`~cxradar.dashboard.model.Report` as one self-contained HTML file.

The file inlines the vendored Apache ECharts (``vendor/echarts``), the stylesheet, the page script
and the chart options as JSON, and a Content-Security-Policy that forbids every network request
(``default-src 'none'``), so opening it - from a mail attachment or a shared drive - fetches
nothing. Both languages are in the file; the switch hides one (CSS) and redraws the charts.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import jinja2

from cxradar import __version__
from cxradar.dashboard.model import Report
from cxradar.dashboard.text import t

__all__ = ["ECHARTS_VERSION", "render_html"]

ECHARTS_VERSION = "5.6.0"
_NUMERIC = re.compile(r"^[-+±<>¥ ]*[\d.,]+ ?(%|×|pp)?$|^–$|^< 0\.001$")


def _asset(*parts: str) -> str:
    return resources.files("cxradar.dashboard").joinpath(*parts).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    return {
        "echarts": _asset("vendor", "echarts", "echarts.min.js"),
        "css": _asset("static", "report.css"),
        "app_js": _asset("static", "app.js"),
    }


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cxradar.dashboard", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )
    env.globals["numeric"] = lambda text: bool(_NUMERIC.match(text))
    return env.get_template("report.html.j2")


def _charts_json(report: Report) -> str:
    options = {chart.id: chart.options for chart in report.charts()}
    text = json.dumps(options, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/")


def render_html(report: Report, *, picker: list[tuple[str, str]] | None = None) -> str:
    """The HTML document; ``picker`` = (month, link) pairs for a month selector (the live pages)."""
    footer = t(
        f"cxradar {__version__} · charts: Apache ECharts {ECHARTS_VERSION} (Apache-2.0) · this file makes no network request",
        f"cxradar {__version__} · 图表：Apache ECharts {ECHARTS_VERSION}（Apache-2.0）· 本文件不发起任何网络请求",
    )
    return _template().render(
        report=report,
        picker=picker,
        footer=footer,
        version=__version__,
        charts_json=_charts_json(report),
        **_assets(),
    )

"""The chart shapes the pages share (cxradar.dashboard.pages.chartspec), on small hand-made frames."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.pages.chartspec import Measure, by_code, prefixed, row_bars, stacked_by_period
from cxradar.dashboard.text import Text, t

FRAME = pd.DataFrame(
    {
        "period": ["2026-09", "2026-09", "2026-10", "2026-10"],
        "strategy": ["sms", "call", "call", "call"],  # 'call' appears twice in 2026-10: summed
        "label_en": ["SMS", "call", "call", "call"],
        "label_zh": ["短信", "电话", "电话", "电话"],
        "customers": [3, 5, 7, 1],
    }
)


def test_by_code_sums_per_code_and_period_and_fills_gaps() -> None:
    series = by_code(FRAME, "strategy", ["2026-09", "2026-10"], "customers")
    assert [s.name for s in series] == [Text("SMS", "短信"), Text("call", "电话")]  # first appearance
    assert [s.values for s in series] == [[3.0, 0.0], [5.0, 8.0]]
    lines = by_code(FRAME, "strategy", ["2026-09", "2026-10"], "customers", kind="line", sort=True, fill=None)
    assert [s.name.en for s in lines] == ["call", "SMS"] and lines[1].values == [3.0, None]
    assert {s.kind for s in lines} == {"line"}


def test_by_code_over_another_column_with_named_codes() -> None:
    names = {"sms": t("text", "短信"), "email": t("e-mail", "邮件")}  # 'email' has no rows: zeros
    series = by_code(FRAME, "strategy", ["2026-10", "2026-09"], "customers", names=names)
    assert [(s.name.en, s.values) for s in series] == [("text", [0.0, 3.0]), ("e-mail", [0.0, 0.0])]


def test_stacked_by_period_draws_every_code_as_a_stack() -> None:
    option = stacked_by_period("x", t("title", "标题"), FRAME, "strategy").options["en"]
    assert option["xAxis"]["data"] == ["2026-09", "2026-10"]
    assert [(s["name"], s["data"], s["stack"]) for s in option["series"]] == [
        ("SMS", [3.0, 0.0], "total"),
        ("call", [5.0, 8.0], "total"),
    ]


def test_row_bars_one_series_per_measure_labelled_by_rows() -> None:
    chart = row_bars(
        "y",
        t("title", "标题"),
        FRAME.head(2),
        [
            Measure("customers", t("customers", "客户数")),
            Measure("customers", t("goal", "目标"), kind="scatter"),
        ],
        horizontal=True,
    )
    zh = chart.options["zh"]
    assert zh["yAxis"]["data"] == ["短信", "电话"]
    assert [(s["name"], s["type"], s["data"]) for s in zh["series"]] == [
        ("客户数", "bar", [3.0, 5.0]),
        ("目标", "scatter", [3.0, 5.0]),
    ]
    given = row_bars(
        "z",
        t("t", "标"),
        FRAME.head(2),
        Measure("customers", t("n", "数")),
        categories=[t("a", "甲"), t("b", "乙")],
    )
    assert given.options["en"]["xAxis"]["data"] == ["a", "b"]


def test_prefixed_names_the_breakdown_before_the_group() -> None:
    cats = prefixed(
        {"segment": t("segment", "客户群")}, ["segment", "odd"], [t("youth", "青年"), t("x", "某")]
    )
    assert [(c.en, c.zh) for c in cats] == [("segment: youth", "客户群：青年"), ("odd: x", "odd：某")]

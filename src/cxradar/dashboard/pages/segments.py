"""Page 3 - segment management: segment sizes and dissatisfied shares over the months of the run."""

from __future__ import annotations

import pandas as pd

from cxradar.dashboard.build import MonthTables
from cxradar.dashboard.charts import Series, line
from cxradar.dashboard.model import Page, Section
from cxradar.dashboard.pages.chartspec import Measure, by_code, row_bars
from cxradar.dashboard.pages.common import frame_table
from cxradar.dashboard.text import t

__all__ = ["PAGE_ID", "build"]

PAGE_ID = "segments"


def _by_segment(frame: pd.DataFrame, periods: list[str], value: str) -> list[Series]:
    return by_code(frame, "segment", periods, value, kind="line", sort=True, fill=None)


def build(m: MonthTables) -> Page:
    trend = m.table("segment_trend")
    sections = []
    if len(trend):
        periods = sorted(trend["period"].unique())
        sections.append(
            Section(
                t("Segment sizes over the months", "各客户群规模变化"),
                [
                    line(
                        "segments-size",
                        t("Active subscribers per segment", "各客户群在网用户数"),
                        periods,
                        _by_segment(trend, periods, "subscribers"),
                        value_name=t("subscribers", "用户数"),
                    )
                ],
            )
        )
        sections.append(
            Section(
                t("Explicitly dissatisfied share per segment", "各客户群明确不满意占比"),
                [
                    line(
                        "segments-explicit-share",
                        t(
                            "Share of each segment in the explicit pool at month end",
                            "月末各客户群在明确不满意池中的占比",
                        ),
                        periods,
                        _by_segment(trend, periods, "explicit_share"),
                        percent=True,
                        value_name=t("share", "占比"),
                    ),
                    frame_table(
                        t("Segments per month", "各月客户群数据"),
                        trend,
                        "segment_trend",
                        [
                            ("period", "text"),
                            ("label", "text"),
                            ("subscribers", "count"),
                            ("explicit", "count"),
                            ("explicit_share", "pct"),
                        ],
                    ),
                ],
            )
        )
    profile = m.history["dissatisfied_profile"]
    profile = profile.loc[(profile["dimension"] == "segment") & (profile["month"] <= m.month)]
    if len(profile):
        months = sorted(profile["month"].unique())
        per_month = profile.rename(columns={"month": "period", "code": "segment"})
        chart = (
            line(
                "segments-dissatisfied-share",
                t(
                    "Dissatisfied share per segment (pool or potential), per report month",
                    "各客户群不满意占比（明确或潜在），按报告月份",
                ),
                months,
                _by_segment(per_month, months, "share"),
                percent=True,
                value_name=t("share", "占比"),
            )
            if len(months) > 1
            else row_bars(
                "segments-dissatisfied-share",
                t("Dissatisfied share per segment (pool or potential)", "各客户群不满意占比（明确或潜在）"),
                per_month,
                Measure("share", t("dissatisfied share", "不满意占比")),
                percent=True,
            )
        )
        sections.append(Section(t("Dissatisfied share per segment", "各客户群不满意占比"), [chart]))
    return Page(
        PAGE_ID,
        t("Segment management", "客户群管理"),
        t(
            "How each segment grows or shrinks and how much of it is dissatisfied, month by month.",
            "各客户群规模的增减及其中不满意客户所占比例的逐月变化。",
        ),
        sections,
    )

"""The report in a real browser: Playwright driving Debian's Chromium (``/usr/bin/chromium``).

Never skipped: a missing browser is a failure (``make test`` installs it). Checks: no console
error and no request but the file itself; every chart drawn (a canvas with painted pixels); the
language switch changes every heading; the headline numbers equal summary.json; rendered within the
floor of 2 s (stretched by the machine's load); printable (print media shows every page, a PDF is written). Screenshots of every page
in both languages and the PDF are kept in test-artifacts/dashboard/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from cxradar.dashboard.pages import PAGES

from .conftest import SmallRun

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CJK = re.compile(r"[\u3400-\u9fff]")
RENDER_FLOOR_MS = 2000  # issue 14's floor, for an idle machine


def render_budget_ms() -> float:
    """The floor, stretched by how oversubscribed the machine's cores are right now (a shared machine
    at load 18 on 2 cores runs everything ~9 times slower); on an idle machine it is the floor."""
    return RENDER_FLOOR_MS * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


PAINTED = """(el) => {
  const canvas = el.querySelector('canvas');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
  const copy = document.createElement('canvas');  // read a copy: the chart's canvas stays untouched
  copy.width = canvas.width; copy.height = canvas.height;
  const ctx = copy.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(canvas, 0, 0);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) painted++; }
  return painted;
}"""
HEADINGS = (
    ".cx-page.active h2, .cx-page.active h3, .cx-page.active h4, .cx-page.active summary, nav.cx-nav a, h1"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), (
        "Debian's chromium is missing: make test installs it (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Opened:
    def __init__(self, page: Page, url: str) -> None:
        self.page, self.url = page, url
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on(
            "console",
            lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def show(self, page_id: str) -> None:
        self.page.evaluate(f"window.location.hash = '{page_id}'")
        self.page.wait_for_function(f"document.documentElement.dataset.page === '{page_id}'")

    def lang(self) -> str:
        return str(self.page.evaluate("document.documentElement.dataset.lang"))


@pytest.fixture
def opened(browser: Browser, small_run: SmallRun) -> Iterator[Opened]:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    url = small_run.report.resolve().as_uri()
    result = Opened(page, url)
    page.goto(url)
    page.wait_for_function("document.documentElement.dataset.ready === '1'")
    yield result
    page.close()


def test_opens_without_console_error_or_request_and_within_the_floor(opened: Opened) -> None:
    for page in PAGES:
        opened.show(page.PAGE_ID)
    assert opened.errors == []
    assert opened.requests == [opened.url], "the report must not request anything but itself"
    ms = int(opened.page.evaluate("document.documentElement.dataset.renderMs"))
    budget = render_budget_ms()
    assert ms < budget, (
        f"first page rendered in {ms} ms (budget {budget:.0f} ms at load {os.getloadavg()[0]:.1f})"
    )


def test_every_chart_renders(opened: Opened, artifacts: Path) -> None:
    expected = set(
        opened.page.evaluate("Object.keys(JSON.parse(document.getElementById('cx-charts').textContent))")
    )
    drawn = set()
    for lang in ("zh", "en"):
        if opened.lang() != lang:
            opened.page.click("#cx-lang")
        for page in PAGES:
            opened.show(page.PAGE_ID)
            for chart in opened.page.locator(".cx-page.active .cx-chart").all():
                chart_id = chart.get_attribute("id")
                assert chart.evaluate(PAINTED) > 100, f"chart {chart_id} is empty ({lang})"
                drawn.add(chart_id)
            opened.page.screenshot(path=str(artifacts / f"{page.PAGE_ID}-{lang}.png"), full_page=True)
    assert drawn == expected and len(drawn) >= 20
    assert opened.errors == []


def test_language_switch_changes_every_heading(opened: Opened) -> None:
    assert opened.lang() == "zh"
    for page in PAGES:
        opened.show(page.PAGE_ID)
        zh = opened.page.locator(HEADINGS).all_inner_texts()
        opened.page.click("#cx-lang")
        en = opened.page.locator(HEADINGS).all_inner_texts()
        opened.page.click("#cx-lang")
        assert len(zh) == len(en) and len(zh) > 3
        for a, b in zip(zh, en, strict=True):
            assert a != b, f"heading not translated on page {page.PAGE_ID}: {a!r}"
            assert CJK.search(a), f"Chinese heading without Chinese on {page.PAGE_ID}: {a!r}"
            assert not CJK.search(b), f"English heading with Chinese on {page.PAGE_ID}: {b!r}"
    opened.page.click("#cx-lang")
    body = opened.page.locator("body").inner_text()
    assert not CJK.search(body.replace("中文", "")), "Chinese text visible in the English report"


def _expected_headline(summary: dict[str, Any]) -> dict[str, str]:
    """The headline values as a person should read them, formatted here independently of cxradar."""
    evaluation = summary["campaign_evaluation"]
    return {
        "pool_size": f"{summary['pool']['size']:,}",
        "potential_size": f"{summary['potential']['size']:,}",
        "coverage_estimated": f"{100 * summary['model']['population']['recall']:.1f}%",
        "csi_satisfaction": f"{summary['survey']['csi']['index']['Satisfaction']:.1f}",
        "survey_high_share": f"{100 * summary['survey']['overall']['high_share']:.1f}%",
        "campaign_effect_points": f"{evaluation['index_points_on_participants']['diff']:+.2f}",
        "churn_listed": f"{summary['churn']['counts']['churners_listed']:,}",
        "churn_group_alerts": f"{summary['churn']['counts']['group_alerts']:,}",
        "fcr": f"{100 * summary['survey']['complaints']['fcr']:.1f}%",
    }


def test_headline_numbers_equal_summary_json(opened: Opened, small_run: SmallRun) -> None:
    opened.show("glance")
    shown = {
        kpi.get_attribute("data-key"): kpi.locator(".cx-kpi-value").inner_text()
        for kpi in opened.page.locator("#page-glance .cx-kpi").all()
    }
    assert shown == _expected_headline(small_run.summary)
    pool = small_run.summary["pool"]
    meaning = opened.page.locator('#page-glance .cx-kpi[data-key="pool_size"] p').inner_text()
    assert f"{pool['entered']:,}" in meaning and f"{pool['exited']:,}" in meaning


HELD_BACK_CHART = """() => {
  const option = echarts.getInstanceByDom(document.getElementById('care-held-back')).getOption();
  return {categories: option.yAxis[0].data, series: option.series.map(s => ({name: s.name, data: s.data}))};
}"""


def test_care_page_draws_who_the_policies_moved_by_reason(opened: Opened, small_run: SmallRun) -> None:
    """The chart of customers held back from proactive care: per reason, the moved-to-wait-for-contact
    and the left-without-care counts drawn equal those counted from the care step's customer list."""
    from cxradar.dashboard.labels import Labels

    from .test_aggregates import _held_back

    moved, left = _held_back(small_run, small_run.summary["month"])
    assert sum(moved.values()) > 0, "the small run moves customers to wait-for-contact"
    opened.show("care")
    chart = opened.page.locator("#page-care #care-held-back")
    assert chart.evaluate(PAINTED) > 100
    labels = Labels()
    for lang in ("zh", "en"):
        if opened.lang() != lang:
            opened.page.click("#cx-lang")
        drawn = opened.page.evaluate(HELD_BACK_CHART)
        expected = {
            labels.get("left_out", code).get(lang): (moved.get(code, 0), left.get(code, 0))
            for code in {*moved, *left}
        }
        assert [s["name"] for s in drawn["series"]] == (
            ["改为守株待兔", "未获关怀"]
            if lang == "zh"
            else ["moved to wait-for-contact", "left without care"]
        )
        shown = {
            category: (a, b)
            for category, a, b in zip(
                drawn["categories"], drawn["series"][0]["data"], drawn["series"][1]["data"], strict=True
            )
        }
        assert shown == expected, lang
    text = opened.page.locator("#page-care").inner_text()
    assert f"{sum(moved.values()):,}" in text  # the sentence above the chart gives the total
    assert opened.errors == []


def test_staff_page_shows_the_hall_league_with_intervals(opened: Opened) -> None:
    opened.show("staff")
    assert opened.page.locator("#page-staff #staff-halls").get_attribute("data-drawn") == "1"
    assert opened.page.locator("#page-staff .cx-notice").count() == 0  # the small run has staff tables
    assert "营业厅排名" in opened.page.locator("#page-staff").inner_text()


GENDER_CHART = """() => {
  const option = echarts.getInstanceByDom(document.getElementById('staff-gender')).getOption();
  return {categories: option.yAxis[0].data, boxes: option.series[0].data};
}"""


def test_staff_page_shows_the_gender_view_and_the_survey_per_hall_in_both_languages(
    opened: Opened, small_run: SmallRun
) -> None:
    """The gender gap chart draws the roles, then the halls with the largest gaps, among the units
    whose women and men both have enough scored contacts, each box from the gap's interval low to
    high; the new sections switch language; no agent id is on the page."""
    from cxradar.dashboard import load_month
    from cxradar.dashboard.store import REPORT_DIR

    gender = load_month(small_run.run_dir / REPORT_DIR, None).table("staff_gender")
    both = gender.loc[gender["enough_data"].astype(bool)]
    expected = pd.concat(
        [
            both.loc[both["level"] == "role"],
            both.loc[both["level"] == "hall"].sort_values("gap_f_minus_m").head(20),
        ]
    )
    assert len(expected), "the small run has units with enough women and men"
    opened.show("staff")
    chart = opened.page.locator("#page-staff #staff-gender")
    assert chart.get_attribute("data-drawn") == "1" and chart.evaluate(PAINTED) > 100
    for lang, headings in (
        ("zh", ("按客户性别", "分营业厅外部调查")),
        ("en", ("By customer gender", "External survey per hall")),
    ):
        if opened.lang() != lang:
            opened.page.click("#cx-lang")
        drawn = opened.page.evaluate(GENDER_CHART)
        assert drawn["categories"] == list(expected[f"label_{lang}"]), lang
        for box, (_i, row) in zip(drawn["boxes"], expected.iterrows(), strict=True):
            assert box[0] == pytest.approx(row["gap_lo"], abs=5e-3) and box[2] == pytest.approx(
                row["gap_f_minus_m"], abs=5e-3
            )
        text = opened.page.locator("#page-staff").inner_text()
        assert all(h in text for h in headings), lang
    agent_ids = set(pd.read_parquet(small_run.data_dir / "staff.parquet")["agent_id"].astype(str))
    assert not any(a in opened.page.content() for a in agent_ids)
    assert opened.errors == []


def test_printable(opened: Opened, artifacts: Path) -> None:
    opened.page.emulate_media(media="print")
    opened.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    hidden = opened.page.evaluate(
        "Array.from(document.querySelectorAll('section.cx-page')).filter(p => getComputedStyle(p).display === 'none').length"
    )
    assert hidden == 0, "every page is printed"
    assert opened.page.locator("nav.cx-nav").evaluate("n => getComputedStyle(n).display") == "none"
    charts = opened.page.locator(".cx-chart").all()
    assert charts and all(c.get_attribute("data-drawn") == "1" for c in charts)
    pdf = opened.page.pdf(path=str(artifacts / "report.pdf"), format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    assert opened.errors == []

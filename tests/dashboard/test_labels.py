"""Both languages complete: no code without words, no page text missing a language, and the
English charts free of Chinese (and the Chinese ones of untranslated English labels)."""

from __future__ import annotations

import re
from typing import Any

from cxradar.dashboard import build_report, load_month
from cxradar.dashboard.labels import Labels
from cxradar.dashboard.model import texts
from cxradar.dashboard.store import REPORT_DIR
from cxradar.dashboard.text import CJK

from .conftest import MONTHS, SmallRun


def _strings(node: Any, shown: bool = False) -> list[str]:
    """The strings of an ECharts option that a person reads: names, category data, label formatters."""
    if isinstance(node, str):
        return [node] if shown else []
    if isinstance(node, dict):
        return [
            s for k, v in node.items() for s in _strings(v, k in ("name", "data") or (shown and k != "type"))
        ]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, shown)]
    return []


def test_every_code_of_the_run_has_words(small_run: SmallRun) -> None:
    assert small_run.missing_labels == []


def test_an_unknown_code_is_recorded_not_hidden() -> None:
    labels = Labels()
    shown = labels.get("segment", "students_2027")
    assert shown.en == shown.zh == "students_2027"
    assert labels.missing == {("segment", "students_2027")}
    assert labels.get("district", "haidian").zh == "海淀区" and labels.missing == {
        ("segment", "students_2027")
    }


def test_every_page_text_has_both_languages(small_run: SmallRun) -> None:
    for month in MONTHS:
        report = build_report(load_month(small_run.run_dir / REPORT_DIR, month))
        for page in report.pages:
            for text in texts(page):
                assert text.en.strip() and text.zh.strip(), (page.id, text)
                assert not CJK.search(text.en), f"Chinese in the English text on {page.id}: {text.en!r}"
                neutral = text.en == text.zh  # numbers, codes, masked numbers, months
                assert neutral or CJK.search(text.zh), f"untranslated on {page.id}: {text!r}"
                if neutral:
                    assert not re.search(r"[A-Za-z]{4,}", text.en.replace("****", "")) or re.fullmatch(
                        r"[A-Z0-9_\-]+|care-\d{4}-\d{2}|G\d+|PSI|AUC|ROI", text.en
                    ), f"a word shown the same in both languages on {page.id}: {text.en!r}"


def test_chart_options_are_complete_in_both_languages(small_run: SmallRun) -> None:
    report = build_report(load_month(small_run.run_dir / REPORT_DIR))
    for chart in report.charts():
        assert set(chart.options) == {"zh", "en"}
        english = _strings(chart.options["en"])
        assert not [s for s in english if CJK.search(s)], chart.id
        chinese = _strings(chart.options["zh"])
        words = [s for s in chinese if re.fullmatch(r"[a-z][a-z \-]{3,}", s)]
        assert not words, f"English words in the Chinese chart {chart.id}: {words}"

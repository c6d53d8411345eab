"""The identifier's training window: the shortest window, reaching back while respondents are few."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxradar.errors import ConfigError
from cxradar.identify import load_identify_config
from cxradar.identify.window import training_window

# respondents per month of a 50,000-line operator (the demo, seed 7: about 330 a month)
FEW = {"2026-05": 349, "2026-06": 342, "2026-07": 319, "2026-08": 336, "2026-09": 302, "2026-10": 344}


def test_many_respondents_keep_the_shortest_window() -> None:
    many = {m: 1_500 for m in FEW}
    window = training_window("2026-10", many, shortest=3, longest=6, min_respondents=3000)
    assert window == ["2026-08", "2026-09", "2026-10"]


def test_few_respondents_reach_back_until_enough_or_the_longest() -> None:
    # 3 months: 982 < 1,300; 4 months: 1,301 >= 1,300 - stops there
    assert training_window("2026-10", FEW, shortest=3, longest=6, min_respondents=1300) == [
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    # never enough: stops at the longest window
    window = training_window("2026-10", FEW, shortest=3, longest=6, min_respondents=3000)
    assert window == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert training_window("2026-10", FEW, shortest=3, longest=5, min_respondents=3000)[0] == "2026-06"


def test_the_window_never_reaches_into_months_without_respondents() -> None:
    # the data begins in 2026-05: a run for 2026-07 cannot go further back, however few
    assert training_window("2026-07", FEW, shortest=1, longest=6, min_respondents=10_000) == [
        "2026-05",
        "2026-06",
        "2026-07",
    ]
    # a gap (a month without a survey) ends the reach, as the data would before it
    gap = {**FEW, "2026-07": 0}
    assert training_window("2026-10", gap, shortest=2, longest=6, min_respondents=10_000) == [
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    # the shortest window is kept even when its months have no respondent
    assert training_window("2026-10", {}, shortest=3, longest=6, min_respondents=10) == [
        "2026-08",
        "2026-09",
        "2026-10",
    ]


def test_shipped_window_settings_and_their_check(tmp_path: Path) -> None:
    p = load_identify_config().potential
    assert (p.train_window_months, p.train_max_window_months, p.train_min_respondents) == (3, 6, 3000)
    path = tmp_path / "identify.yaml"
    path.write_text("potential:\n  train_window_months: 4\n  train_max_window_months: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="train_max_window_months = 2 is shorter than") as info:
        load_identify_config(path)
    assert "at least 4" in str(info.value)

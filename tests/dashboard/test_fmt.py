"""Numbers for people: p-values, shares, changes and the one target mark."""

from __future__ import annotations

import math

from cxradar.dashboard import fmt
from cxradar.dashboard.text import Text


def test_p_values_are_written_for_people() -> None:
    assert fmt.p_value(4.672e-07) == "p < 0.001"
    assert fmt.p_value(0.00099) == "p < 0.001"
    assert fmt.p_value(0.001) == "p = 0.001"
    assert fmt.p_value(0.030146593) == "p = 0.030"
    assert fmt.p_value(0.75474) == "p = 0.755"
    assert fmt.p_value(None) == "–" and fmt.p_value(math.nan) == "–"


def test_counts_shares_and_signs() -> None:
    assert fmt.count(2794) == "2,794" and fmt.count(2794.4) == "2,794" and fmt.count(None) == "–"
    assert fmt.pct(0.49618) == "49.6%" and fmt.pct(0.8, 0) == "80%"
    assert fmt.signed(5.684990) == "+5.68" and fmt.signed(-0.0019) == "0.00" and fmt.signed(-0.31) == "-0.31"
    assert fmt.money(99089.68) == "¥99,090"
    assert fmt.pct_points(-0.0019) == Text("-0.2 pp", "-0.2个百分点")


def test_change_from_last_month() -> None:
    assert fmt.change(2794, 2736) == Text("+58 vs last month", "较上月+58")
    assert fmt.change(5, 5) == Text("±0 vs last month", "较上月±0")
    assert fmt.change(0.5, 0.45, kind="share") == Text("+5.0 pp vs last month", "较上月+5.0个百分点")
    assert fmt.change(69.9, None) is None


def test_one_mark_for_targets_everywhere() -> None:
    assert fmt.target_mark(True) == Text("✓ met", "✓ 达标")
    assert fmt.target_mark(False) == Text("✗ missed", "✗ 未达标")
    assert fmt.target_mark(None).en == "–"

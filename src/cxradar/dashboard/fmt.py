"""Numbers formatted for people: thousands separators, percentages, p-values, changes, marks.

One module so that every page formats the same way: ``p < 0.001`` rather than ``4.672e-07``,
``49.6%`` rather than ``0.49618``, a change always with its sign, and one mark for a target
(``✓ met`` / ``✗ missed``) wherever a target appears - console and report alike.
"""

from __future__ import annotations

import math
from typing import Any

from cxradar.dashboard.text import Text, same, t

__all__ = [
    "change",
    "count",
    "is_number",
    "money",
    "number",
    "p_value",
    "pct",
    "pct_points",
    "signed",
    "target_mark",
]


def is_number(value: Any) -> bool:
    """True for a finite int/float (not bool, not NaN, not None)."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def count(value: Any) -> str:
    """``2794`` -> ``2,794``; missing -> ``–``."""
    return f"{round(float(value)):,}" if is_number(value) else "–"


def number(value: Any, digits: int = 2) -> str:
    """A plain number with ``digits`` decimals and thousands separators; missing -> ``–``."""
    return f"{float(value):,.{digits}f}" if is_number(value) else "–"


def signed(value: Any, digits: int = 2) -> str:
    """A number with its sign: ``+5.68``, ``-0.31``, ``0.00``."""
    if not is_number(value):
        return "–"
    v = float(value)
    return f"{v:+,.{digits}f}" if round(v, digits) != 0 else f"{0:.{digits}f}"


def pct(value: Any, digits: int = 1) -> str:
    """A share as a percentage: ``0.49618`` -> ``49.6%``."""
    return f"{100 * float(value):.{digits}f}%" if is_number(value) else "–"


def pct_points(value: Any, digits: int = 1) -> Text:
    """A change of a share in percentage points: ``+1.2 pp`` / ``+1.2个百分点``."""
    if not is_number(value):
        return same("–")
    s = signed(100 * float(value), digits)
    return t(f"{s} pp", f"{s}个百分点")


def money(value: Any) -> str:
    """An amount in CNY: ``¥99,090``."""
    return f"¥{float(value):,.0f}" if is_number(value) else "–"


def p_value(value: Any) -> str:
    """``p < 0.001`` below 0.001, else ``p = 0.031`` (3 decimals); missing -> ``–``."""
    if not is_number(value):
        return "–"
    p = float(value)
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def change(now: Any, before: Any, *, kind: str = "count") -> Text | None:
    """The change from last month in words, or ``None`` when last month's figure is unknown.

    ``kind`` is ``count`` (``+786``), ``share`` (percentage points) or ``points`` (``+0.31``).
    """
    if not (is_number(now) and is_number(before)):
        return None
    diff = float(now) - float(before)
    if kind == "share":
        pp = pct_points(diff)
        return t(f"{pp.en} vs last month", f"较上月{pp.zh}")
    shown = f"{round(diff):+,}" if kind == "count" else signed(diff)
    if kind == "count" and round(diff) == 0:
        shown = "±0"
    return t(f"{shown} vs last month", f"较上月{shown}")


def target_mark(met: bool | None) -> Text:
    """The one mark for a target, used everywhere: ``✓ met`` / ``✗ missed`` (``–`` unknown)."""
    if met is None:
        return same("–")
    return t("✓ met", "✓ 达标") if met else t("✗ missed", "✗ 未达标")

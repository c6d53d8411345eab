"""The report holds aggregates only: its size does not grow with the number of subscribers.

Issue 14's floor is a report of at most 5 MB for a 1,000,000-subscriber run; that holds only if no
chart or table carries one row per subscriber (or per anything that grows with the operator). The
same simulated operator at 2,000 and at 8,000 subscribers (one month, every step), reported: four
times the subscribers may add a few corporate groups or halls, but the file stays within a few
percent (measured 2026-12-01: 1,292,765 vs 1,305,767 bytes, +1.0 %, 39 charts each), and every
chart's data within a fixed bound. A per-subscriber row anywhere would add about 4 x 6,000 rows.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import _fingerprint

SIZES = (2_000, 8_000)
MONTH = "2026-10"
GROWTH = 0.03  # at most 3 % larger for 4 times the subscribers
CHART_BYTES = 40_000  # the largest chart's options (both languages) stay below this
CHARTS = re.compile(r'<script type="application/json" id="cx-charts">(.*?)</script>', re.S)


def _report(subscribers: int) -> Path:
    """The HTML report of a one-month run at ``subscribers`` (built once per code version)."""
    from cxradar.dashboard import make_report
    from cxradar.pipeline import run_month
    from cxradar.simulate import simulate

    root = Path(tempfile.gettempdir()) / f"cxradar-report-size-{subscribers}-{_fingerprint()}"
    root.mkdir(exist_ok=True)
    with open(root.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (root / "done").is_file():
                for child in ("data", "run"):
                    shutil.rmtree(root / child, ignore_errors=True)
                simulate(subscribers, 6, 3, root / "data", end_month=MONTH)
                run_month(root / "data", MONTH, root / "run")
                make_report(root / "run", root / "report.html")
                (root / "done").write_text("ok", encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return root / "report.html"


@pytest.fixture(scope="module")
def reports() -> dict[int, Path]:
    return {n: _report(n) for n in SIZES}


def _charts(path: Path) -> dict[str, Any]:
    found = CHARTS.search(path.read_text(encoding="utf-8"))
    assert found, f"{path} has no chart data"
    return json.loads(found.group(1))


def test_html_size_does_not_grow_with_subscribers(reports: dict[int, Path]) -> None:
    small, large = (reports[n].stat().st_size for n in SIZES)
    assert large <= small * (1 + GROWTH), (
        f"{SIZES[1]:,} subscribers: {large:,} bytes against {small:,} at {SIZES[0]:,} "
        f"(+{large / small - 1:.1%}; at most +{GROWTH:.0%}): a chart or table grows with the subscribers"
    )


def test_every_chart_stays_within_a_fixed_bound(reports: dict[int, Path]) -> None:
    small, large = (_charts(reports[n]) for n in SIZES)
    assert set(small) == set(large) and len(large) >= 20  # the same charts at both sizes
    sizes = {chart: len(json.dumps(options, ensure_ascii=False)) for chart, options in large.items()}
    too_big = {chart: n for chart, n in sizes.items() if n > CHART_BYTES}
    assert not too_big, f"charts over {CHART_BYTES:,} bytes at {SIZES[1]:,} subscribers: {too_big}"

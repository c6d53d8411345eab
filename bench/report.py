"""Report benchmark: size of the HTML and its tables, build time, render time in Chromium.

    .venv/bin/python bench/report.py --run demo-output/run          # an existing run (e.g. make demo)
    .venv/bin/python bench/report.py --subscribers 200000           # simulate, run two months, report

With ``--subscribers`` it simulates N subscribers x 6 months, runs 2026-09 (without churn, as the
demo) and builds its tables, then runs 2026-10. Then it times ``build_tables`` (the aggregate step:
DuckDB over the run's files, the CSI refit on the month's answers) and the HTML render, and opens
the file in Debian's Chromium (Playwright): the time from navigation to the first page drawn (the
page's own ``data-render-ms``) and to every chart of every page drawn. The floors (issue 14): a
1,000,000-subscriber run's report <= 5 MB, built <= 20 s, rendered <= 2 s. On the shared 2-core
machine run at most 200,000 subscribers and report the load average beside the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from cxradar.dashboard import build_tables, make_report
from cxradar.dashboard.store import REPORT_DIR

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def simulated_run(subscribers: int, root: Path) -> Path:
    from cxradar.pipeline import run_month
    from cxradar.simulate import simulate

    started = time.perf_counter()
    simulate(subscribers, 6, 7, root / "data", end_month="2026-10")
    run_month(root / "data", "2026-09", root / "run", skip=("churn",))
    build_tables(root / "run")
    run_month(root / "data", "2026-10", root / "run")
    print(
        f"simulated and ran {subscribers:,} subscribers x 2 months in {time.perf_counter() - started:.0f} s"
    )
    return root / "run"


def render_times(path: Path) -> tuple[int, float, int]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        started = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("document.documentElement.dataset.ready === '1'")
        first_ms = int(page.evaluate("document.documentElement.dataset.renderMs"))
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # draws every chart of every page
        page.wait_for_function(
            "Array.from(document.querySelectorAll('.cx-chart')).every(c => c.dataset.drawn === '1')"
        )
        all_s = time.perf_counter() - started
        charts = int(page.evaluate("document.querySelectorAll('.cx-chart').length"))
        browser.close()
    return first_ms, all_s, charts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="an existing run folder (its month's files present)")
    parser.add_argument(
        "--subscribers", type=int, default=None, help="simulate this many subscribers instead"
    )
    args = parser.parse_args()
    if args.run is None and args.subscribers is None:
        parser.error("pass --run RUN_DIR or --subscribers N")
    with tempfile.TemporaryDirectory(prefix="cxradar-bench-report-") as tmp:
        run_dir = args.run or simulated_run(args.subscribers, Path(tmp))
        started = time.perf_counter()
        built = build_tables(run_dir)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        result = make_report(run_dir, Path(tmp) / "report.html", built.month)
        total_s = time.perf_counter() - started
        tables = sum(p.stat().st_size for p in (run_dir / REPORT_DIR).glob("*.parquet"))
        first_ms, all_s, charts = render_times(result.path)
        print(
            f"report {built.month}: {result.bytes / 1e6:.2f} MB HTML ({charts} charts), tables {tables / 1e6:.2f} MB Parquet; "
            f"tables built in {build_s:.1f} s, tables + HTML in {total_s:.1f} s (after imports); "
            f"first page drawn {first_ms} ms after navigation, all charts {all_s:.1f} s; "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )


if __name__ == "__main__":
    main()

"""Report benchmark: size of the HTML and its tables, build time, render time in Chromium.

    .venv/bin/python bench/report.py --run demo-output/run          # an existing run (e.g. make demo)
    .venv/bin/python bench/report.py --run /data/run-1m --out /tmp/report-1m.html   # keep the file
    .venv/bin/python bench/report.py --subscribers 20000            # simulate, run two months, report

``--run RUN_DIR`` takes a run folder as ``cxradar run`` leaves it (any size; Parquet tables may be
folders of parts, as a sharded or Spark run writes them) and builds the report of its month; it
writes the month's tables under ``RUN_DIR/report/`` as ``cxradar report`` does. With
``--subscribers`` it simulates N subscribers x 6 months, runs 2026-09 (without churn, as the demo)
and builds its tables, then runs 2026-10, in a temporary folder.

Timed separately: the aggregate step (``build_tables``: DuckDB over the run's files, the CSI refit
on the month's answers), the HTML render from the stored tables (``write_report``), and in Debian's
Chromium (Playwright) the time from navigation to the first page drawn (the page's own
``data-render-ms``) and to every chart of every page drawn. The floors (issue 14): a
1,000,000-subscriber run's report <= 5 MB, built <= 20 s, rendered <= 2 s. The load average is
printed before and after, since on a shared machine every wall time stretches with it; the largest
report table's row count shows the report holds aggregates only (it does not grow with the
subscribers). On the shared 2-core machine simulate at most 200,000 subscribers.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
from playwright.sync_api import sync_playwright

from cxradar.dashboard import build_tables, write_report
from cxradar.dashboard.store import REPORT_DIR

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
FLOORS = {"html_mb": 5.0, "build_s": 20.0, "render_s": 2.0}  # issue 14, for 1,000,000 subscribers


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
    """(ms to the first page drawn, s to every chart drawn, number of charts) in Chromium."""
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


def largest_table(report_dir: Path, month: str) -> tuple[str, int]:
    """The report table with the most rows for ``month``, and that count."""
    rows = {}
    for path in report_dir.glob("*.parquet"):
        months = pd.read_parquet(path, columns=["month"])["month"]
        rows[path.stem] = int((months == month).sum())
    name = max(rows, key=lambda k: rows[k])
    return name, rows[name]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: .venv/bin/python bench/report.py --run demo-output/run",
    )  # fmt: skip
    parser.add_argument("--run", type=Path, help="an existing run folder (its month's files present)")
    parser.add_argument(
        "--subscribers", type=int, default=None, help="simulate this many subscribers instead"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="keep the HTML here (default: a temporary file)"
    )
    args = parser.parse_args()
    if (args.run is None) == (args.subscribers is None):
        parser.error("pass either --run RUN_DIR or --subscribers N")
    if args.run is not None and not (args.run / "summary.json").is_file():
        parser.error(
            f"{args.run} has no summary.json: pass the --out folder of cxradar run (or OUT/run of cxradar demo)"
        )
    with tempfile.TemporaryDirectory(prefix="cxradar-bench-report-") as tmp:
        run_dir = args.run or simulated_run(args.subscribers, Path(tmp))
        load_before = load()
        started = time.perf_counter()
        built = build_tables(run_dir)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        path, report = write_report(run_dir, args.out or Path(tmp) / "report.html", built.month)
        html_s = time.perf_counter() - started
        html_mb = path.stat().st_size / 1e6
        tables_mb = sum(p.stat().st_size for p in (run_dir / REPORT_DIR).glob("*.parquet")) / 1e6
        biggest, rows = largest_table(run_dir / REPORT_DIR, built.month)
        first_ms, all_s, charts = render_times(path)
        total_s = build_s + html_s
        print(
            f"report {built.month} of {run_dir}:\n"
            f"  HTML {html_mb:.2f} MB ({charts} charts, {len(report.pages)} pages; floor {FLOORS['html_mb']:.0f} MB), "
            f"tables {tables_mb:.2f} MB Parquet, largest table {biggest} with {rows:,} rows for the month\n"
            f"  built in {total_s:.1f} s (tables {build_s:.1f} s + HTML {html_s:.1f} s, after imports; "
            f"floor {FLOORS['build_s']:.0f} s)\n"
            f"  rendered: first page drawn {first_ms} ms after navigation (floor {FLOORS['render_s'] * 1000:.0f} ms), "
            f"every chart of every page {all_s:.1f} s\n"
            f"  load average {load_before} before, {load()} after (1, 5, 15 min; {os.cpu_count()} cores)"
        )
        if args.out:
            print(f"  kept {path}")


if __name__ == "__main__":
    main()

"""A small simulated operator run through two months, with the report built after each month.

4,000 subscribers, 6 months, the run of 2026-09 (without churn, as the demo) and its report
tables, then 2026-10 with churn and the report. The run's care policies are tightened (RUN_CONFIG:
a small outbound capacity and a do-not-disturb list of 200 numbers) so that the policies move
customers to wait-for-contact for more than one reason, as at an operator's scale: about a minute and a half on a busy 2-core machine.
It is built once and shared by the pytest-xdist workers: the first builds it under a file lock,
the others wait and reuse it. The folder is named by a hash of the code, configuration and lock
file (``src/``, ``conf/``, ``uv.lock``), so a later session reuses it only while nothing it
depends on has changed, and it lives outside pytest's numbered temporary folders, which another
pytest session on a shared machine may delete while this one still runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

SUBSCRIBERS = 4_000
MONTHS = ("2026-09", "2026-10")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{SUBSCRIBERS}|{MONTHS}".encode())
    for folder in (ROOT / "src", ROOT / "conf"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    digest.update((ROOT / "uv.lock").read_bytes())
    digest.update(Path(__file__).read_bytes())  # how the run is built
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class SmallRun:
    data_dir: Path
    run_dir: Path
    report: Path  # the HTML report of the last month

    @property
    def missing_labels(self) -> list[list[str]]:
        return json.loads((self.run_dir.parent / "missing_labels.json").read_text(encoding="utf-8"))

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.run_dir / "summary.json").read_text(encoding="utf-8"))


RUN_CONFIG = """\
care:
  policies:
    capacity:
      outbound: {per_day: 40, per_week: 200}
    do_not_disturb: dnd.txt
"""
DND_NUMBERS = 200


def _build(root: Path) -> None:
    from cxradar.dashboard import build_tables, make_report
    from cxradar.pipeline import run_month
    from cxradar.simulate import simulate

    data_dir, run_dir = root / "data", root / "run"
    simulate(SUBSCRIBERS, 6, 3, data_dir, end_month=MONTHS[-1])
    numbers = pd.read_parquet(data_dir / "subscribers.parquet", columns=["msisdn"])["msisdn"]
    (root / "dnd.txt").write_text("\n".join(numbers.astype(str).head(DND_NUMBERS)) + "\n", encoding="utf-8")
    (root / "run.yaml").write_text(RUN_CONFIG, encoding="utf-8")
    run_month(data_dir, MONTHS[0], run_dir, skip=("churn",), config=root / "run.yaml")
    first = build_tables(run_dir)
    run_month(data_dir, MONTHS[1], run_dir, config=root / "run.yaml")
    result = make_report(run_dir, root / "report.html")
    assert result.built is not None
    missing = sorted(first.missing_labels | result.built.missing_labels)
    (root / "missing_labels.json").write_text(json.dumps(missing), encoding="utf-8")
    (root / "done").write_text("ok", encoding="utf-8")


@pytest.fixture(scope="session")
def small_run() -> SmallRun:
    root = Path(tempfile.gettempdir()) / f"cxradar-dashboard-run-{_fingerprint()}"
    root.mkdir(exist_ok=True)
    with open(root.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (root / "done").is_file():
                for child in ("data", "run"):
                    shutil.rmtree(root / child, ignore_errors=True)  # a build cut short
                _build(root)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return SmallRun(root / "data", root / "run", root / "report.html")


@pytest.fixture(scope="session")
def artifacts() -> Iterator[Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield ARTIFACTS

"""A monthly run stopped with SIGTERM (a scheduler's stop, ``kill``) unwinds like Ctrl-C: one line,
exit code 1, no traceback, no month's outputs committed, its scratch space removed - and no
shard worker process left running (they used to outlive the run, holding their memory)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cxradar.simulate import simulate


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("interrupt") / "data"
    simulate(6_000, 6, 5, data)
    return data


def test_sigterm_stops_the_run_and_its_workers(simulated: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "cxradar", "run", str(simulated), "--month", "2026-09"]
    proc = subprocess.Popen(
        [*command, "--out", str(run_dir), "--shards", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CXRADAR_WORKERS": "2"},
    )
    main = psutil.Process(proc.pid)
    workers: list[psutil.Process] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:  # until the shard workers run
        workers = [p for p in main.children(recursive=True) if "python" in p.name().lower()]
        if len(workers) >= 3:  # the fork server and two shard workers
            break
        time.sleep(0.05)
    time.sleep(1.0)  # the workers started (one killed while it unpickles its start-up data prints that)
    assert proc.poll() is None and len(workers) >= 3, "the run ended before its shard workers started"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert "Aborted." in err and "Traceback" not in err
    _gone, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"shard workers left running: {[p.pid for p in alive]}"
    assert not (run_dir / "summary.json").exists() and not (run_dir / "pool.parquet").exists()
    assert not (run_dir / ".work").exists()


def test_a_stop_during_a_duckdb_statement_is_an_abort_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DuckDB answers an interrupt inside a statement with RuntimeError('Query interrupted'), not
    KeyboardInterrupt: the CLI must still say "Aborted." (a 5M validation statement outlived a
    SIGTERM before this)."""
    import threading

    import duckdb

    import cxradar.cli as cli_module

    def long_statement(**_: object) -> None:
        duckdb.connect(config={"threads": 1}).execute(
            "SELECT SUM(hash(i)) FROM range(20000000000) t(i)"
        ).fetchall()

    monkeypatch.setattr(cli_module, "_interrupted", False)
    monkeypatch.setattr(cli_module.cli, "main", long_statement)
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(SystemExit) as stopped:
            cli_module.main([])
    finally:
        timer.cancel()
        for number, handler in saved.items():
            signal.signal(number, handler)
    assert stopped.value.code == 1
    assert "Aborted." in capsys.readouterr().err
    assert time.monotonic() - started < 30  # the statement was stopped, not run to its end

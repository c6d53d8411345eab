"""Where a run's time and memory go: wall time, CPU time, peak memory and rows of every step.

CPU and memory are those of the whole process tree - this process and its children, the Spark
JVM included - read with psutil. Peak memory is sampled every ``interval`` seconds in a
background thread (the sum of the tree's resident sets; the tree itself is looked up every
``refresh`` seconds, as finding descendants reads every process of the machine), so a short spike
between two samples can be missed; the process's own high-water mark (``ru_maxrss``) is reported beside it.
"""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import psutil

__all__ = ["RunTimer", "StepTiming", "tree_cpu_seconds", "tree_rss_bytes"]


def _tree() -> list[psutil.Process]:
    me = psutil.Process()
    try:
        return [me, *me.children(recursive=True)]
    except psutil.Error:
        return [me]


def tree_rss_bytes(tree: list[psutil.Process] | None = None) -> int:
    """Resident memory of this process and all its descendants now (or of the processes of
    ``tree``, a list from an earlier look-up: finding descendants reads every process of the
    machine, reading a known process's memory reads one file)."""
    total = 0
    for proc in _tree() if tree is None else tree:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


def _cpu_by_process(tree: list[psutil.Process]) -> dict[int, float]:
    """CPU seconds (user + system) of each live process of ``tree``, by pid."""
    seconds = {}
    for proc in tree:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        seconds[proc.pid] = times.user + times.system
    return seconds


def _exited_children_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime


def tree_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process, its live descendants and the
    children that have already exited."""
    return sum(_cpu_by_process(_tree()).values()) + _exited_children_cpu()


@dataclass
class StepTiming:
    """One step's figures (rows: what it read and wrote, where it says)."""

    step: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    rows_in: int | None = None
    rows_out: int | None = None


@dataclass
class RunTimer:
    """Measures steps (``with timer.step("features") as t: ... t.rows_out = n``) and the run."""

    interval: float = 0.2
    refresh: float = 2.0  # seconds between look-ups of the process tree (a scan of /proc)
    steps: list[StepTiming] = field(default_factory=list)
    _peak: int = 0
    _step_peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _started: float = 0.0
    _cpu0: float = 0.0
    _cpu_seen: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds last read

    def _cpu(self, tree: list[psutil.Process] | None = None) -> float:
        """CPU seconds of the tree so far, counting a descendant that has exited at its last
        reading: shard workers are children of multiprocessing's fork server, so their time never
        reaches this process's ``RUSAGE_CHILDREN`` when the engine stops them before the run ends
        (the sampler reads every descendant every ``interval`` seconds)."""
        self._cpu_seen.update(_cpu_by_process(_tree() if tree is None else tree))
        return sum(self._cpu_seen.values()) + _exited_children_cpu()

    def start(self) -> RunTimer:
        self._cpu_seen = {}
        self._started, self._cpu0 = time.perf_counter(), self._cpu()
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, name="cxradar-rss", daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        tree, age = _tree(), 0
        while not self._stop.wait(self.interval):
            age += 1
            if age * self.interval >= self.refresh:  # new children (workers, the JVM) now and then
                tree, age = _tree(), 0
            rss = tree_rss_bytes(tree)
            self._cpu(tree)
            self._peak = max(self._peak, rss)
            self._step_peak = max(self._step_peak, rss)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    @contextmanager
    def step(self, name: str) -> Iterator[StepTiming]:
        timing = StepTiming(step=name)
        wall0, cpu0 = time.perf_counter(), self._cpu()
        self._step_peak = tree_rss_bytes()
        try:
            yield timing
        finally:
            timing.wall_s = round(time.perf_counter() - wall0, 2)
            timing.cpu_s = round(self._cpu() - cpu0, 2)
            self._step_peak = max(self._step_peak, tree_rss_bytes())
            self._peak = max(self._peak, self._step_peak)
            timing.peak_rss_mb = round(self._step_peak / 2**20, 1)
            self.steps.append(timing)

    def report(self) -> dict[str, Any]:
        """JSON-ready figures: per step and for the whole run so far."""
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        return {
            "wall_s": round(time.perf_counter() - self._started, 2),
            "cpu_s": round(self._cpu() - self._cpu0, 2),
            "peak_rss_mb": round(max(self._peak, tree_rss_bytes()) / 2**20, 1),
            "process_max_rss_mb": round(own, 1),
            "steps": [asdict(s) for s in self.steps],
        }

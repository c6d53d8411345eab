"""Suite-wide settings.

``make test`` runs two pytest workers on a two-core machine. OpenBLAS spins its threads while it
waits, so two workers with two BLAS threads each oversubscribe the cores, and under that load a
180 x 180 pseudo-inverse took 1.8 s instead of 5 ms. One BLAS thread per worker keeps each test's
time close to its quiet-machine time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread_per_worker() -> Iterator[None]:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    else:
        yield

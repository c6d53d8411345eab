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


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One local Spark session (``local[2]``) for every Spark test of a worker: Spark needs Java 17,
    which the README names as the one system requirement; a missing Java is a failure, not a skip."""
    from cxradar.engine.spark import start_session

    os.environ.setdefault("CXRADAR_SPARK_DRIVER_MEMORY", "2g")
    warehouse = str(tmp_path_factory.mktemp("spark-warehouse"))
    session = start_session(
        "local[2]",
        app_name="cxradar-tests",
        shuffle_partitions=2,
        config={"spark.sql.warehouse.dir": warehouse},
    )
    yield session
    session.stop()

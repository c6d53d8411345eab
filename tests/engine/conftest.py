"""One Spark session for the engine tests (master local[2], started once per test worker).

PySpark and Java 17 are part of ``make test``: a missing one is a failure here, never a skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from cxradar.engine.spark import start_session

    session = start_session("local[2]", app_name="cxradar-tests", shuffle_partitions=2)
    try:
        yield session
    finally:
        session.stop()

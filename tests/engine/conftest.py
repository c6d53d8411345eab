"""The Spark session of the engine tests: the suite's one session per test worker (``spark_session``
in tests/conftest.py, master local[2]).

PySpark and Java 17 are part of ``make test``: a missing one is a failure here, never a skip.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark(spark_session: Any) -> Any:
    return spark_session

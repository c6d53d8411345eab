"""One small simulated operator with staff for the staff tests (built once per session, ~2 s).

6,000 subscribers over 6 months, with one hall per 200 subscribers (30 halls) so the rankings have
something to rank at this size; the report's window is widened to the 6 months."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from cxradar.simulate import load_params, simulate
from cxradar.staff.config import StaffConfig, load_staff_config

SUBSCRIBERS = 6_000
SEED = 11
MONTH = "2026-10"


@pytest.fixture(scope="session")
def staff_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staff-sim")
    params = load_params().with_overrides({"staff": {"subscribers_per_hall": 200}})
    simulate(SUBSCRIBERS, 6, SEED, root, params=params)
    return root


@pytest.fixture(scope="session")
def config() -> StaffConfig:
    return replace(load_staff_config(), window_months=6)


def read(root: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(root / f"{name}.parquet")

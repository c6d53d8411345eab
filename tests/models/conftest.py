"""Shared fixtures: a small synthetic table with numbers, categories and missing values, and
the reference data path (../shared/data beside the repository)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def make_table(seed: int, n: int = 600) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    plan = rng.choice(["basic", "plus", "max", "rare"], p=[0.5, 0.3, 0.195, 0.005], size=n)
    hours = rng.exponential(1.0, size=n) * (rng.random(n) < 0.4)
    logit = -0.5 + 1.2 * x1 - 0.8 * x2 + 0.9 * (plan == "basic") + 0.7 * hours
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "plan": plan, "incident_hours": hours})
    frame.loc[rng.random(n) < 0.05, "x2"] = np.nan
    return frame, y


@pytest.fixture
def table() -> tuple[pd.DataFrame, np.ndarray]:
    return make_table(seed=int(np.random.default_rng().integers(1_000_000)))


@pytest.fixture
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"reference data not found at {DATA} - the tests read ../shared/data", pytrace=False)
    return DATA

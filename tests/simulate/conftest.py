"""One small simulated operator shared by the simulator tests (built once per session, ~3 s)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cxradar.simulate import simulate

N_SUBSCRIBERS = 30_000
MONTHS = 6
SEED = 7


class Sim:
    """Lazy access to the simulated tables."""

    def __init__(self, root: Path, manifest: dict) -> None:
        self.root = root
        self.manifest = manifest
        self._cache: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = pd.read_parquet(self.root / f"{name}.parquet")
        return self._cache[name]


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Sim:
    root = tmp_path_factory.mktemp("sim")
    manifest = simulate(N_SUBSCRIBERS, MONTHS, SEED, root)
    return Sim(root, manifest)

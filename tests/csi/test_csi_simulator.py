"""The telecom template on the simulator's survey: the model fits sensibly and the weighted index
lands near the simulator's true population satisfaction (ground truth in truth/population.json)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxradar.simulate as simulate_module
from cxradar.csi import csi_report


@pytest.mark.parametrize("seed", [1, 2])
def test_telecom_model_on_simulated_surveys(tmp_path: Path, seed: int) -> None:
    simulate_module.simulate(20_000, 3, seed, tmp_path)
    surveys = pd.read_parquet(tmp_path / "surveys.parquet")
    truth = json.loads((tmp_path / "truth" / "population.json").read_text())["months"]
    true_index = np.mean([100 * (m["mean_overall"] - 1) / 9 for m in truth.values()])
    weighted = csi_report(surveys, model="telecom", weights="weight")
    unweighted = csi_report(surveys, model="telecom", weights=None)
    assert weighted["weighted"] and weighted["n_responses"] > 300
    # reliable measurement: every multi-item block has composite reliability above 0.7
    assert all(r["rhoC"] > 0.7 for r in weighted["reliability"].values())
    # the story: satisfaction drives loyalty; the survey weights correct the oversampled core segments
    assert weighted["paths"]["Satisfaction->Loyalty"] > 0.15
    assert weighted["r2"]["Satisfaction"] > 0.2
    assert abs(weighted["index"]["Satisfaction"] - true_index) < 2.5
    assert abs(weighted["index"]["Satisfaction"] - true_index) < abs(
        unweighted["index"]["Satisfaction"] - true_index
    )
    assert weighted["ipma"]["priorities"]

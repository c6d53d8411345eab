"""Small hand-made flagged-customer tables shared by the care tests."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture
def flagged() -> pd.DataFrame:
    """Six customers, one per interesting rule path (expected rules in test_rules.py)."""
    return pd.DataFrame(
        {
            "msisdn": [
                "13800000001",
                "13800000002",
                "13800000003",
                "13800000004",
                "13800000005",
                "13800000006",
            ],
            "kinds": [
                "explicit",
                "incident_hit;model_predicted",
                "silent",
                "silent;model_predicted",
                "model_predicted",
                "model_predicted",
            ],
            "probability": [None, 0.8, 0.7, 0.6, 0.5, 0.9],
            "cause": ["billing", "network", "unknown", "unknown", "unknown", "service"],
            "segment": ["data", "mass", "high_end", "mass", "mass", "data"],
            "value": [80.0, 40.0, 200.0, 30.0, 50.0, 70.0],
            "contact_complete": [True, True, True, True, False, True],
        }
    )

"""A small simulated operator and care decisions for its active customers, shared by the floor tests.

The flagged table is built the way identification would see it, from observable data plus
two documented stand-ins: ``probability`` is a risk score from the true satisfaction plus noise
(logistic of 1.2 x (6.5 - satisfaction + N(0, 1))) - a risk model *better* than a real one,
which makes "uplift beats risk" harder - and the suspected ``cause`` is the true primary cause
for 60 % of customers and a random cause otherwise. Strategies come from the shipped rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.care.rules import apply_rules, load_rules
from cxradar.simulate import simulate

MONTH = "2026-10"


@dataclass
class SimWorld:
    data_dir: Path
    decided: pd.DataFrame  # rule decisions for every active customer in MONTH
    response: pd.DataFrame  # truth/care_response rows of MONTH, indexed by msisdn

    def expected_effect(self, table: pd.DataFrame) -> np.ndarray:
        """The simulator's true expected effect of each row's decided care (points, 1-10 scale)."""
        r = self.response.loc[table["msisdn"].astype(str)]
        strategy = table["strategy"].to_numpy()
        remedy = table["remedy"].astype("string").fillna("").to_numpy(dtype=object)
        effect = np.where(strategy == "proactive_outreach", r["effect_outreach"], 0.0)
        effect = np.where(strategy == "wait_for_contact", r["effect_wait"] * r["p_contact_next"], effect)
        for cause in ("network", "billing", "service", "value"):
            hit = (strategy == "targeted_remedy") & (remedy == cause)
            effect = np.where(hit, r[f"effect_remedy_{cause}"], effect)
        return np.asarray(effect, dtype=float)


@pytest.fixture(scope="session")
def sim_world(tmp_path_factory: pytest.TempPathFactory) -> SimWorld:
    data_dir = tmp_path_factory.mktemp("sim") / "operator"
    simulate(20_000, 3, 5, data_dir, end_month=MONTH)
    month = pd.Timestamp(f"{MONTH}-01")
    sat = pd.read_parquet(data_dir / "truth" / "satisfaction.parquet")
    sat = sat.loc[pd.to_datetime(sat["month"]) == month]
    subs = pd.read_parquet(
        data_dir / "subscribers.parquet", columns=["msisdn", "segment", "contact_complete"]
    )
    usage = pd.read_parquet(data_dir / "usage_monthly.parquet", columns=["msisdn", "month", "spend"])
    usage = usage.loc[pd.to_datetime(usage["month"]) == month]
    contacts = pd.read_parquet(data_dir / "contacts.parquet", columns=["msisdn", "at"])
    recent = set(contacts.loc[pd.to_datetime(contacts["at"]) >= month - pd.DateOffset(months=2), "msisdn"])
    df = (
        sat[["msisdn", "satisfaction", "primary_cause"]]
        .merge(subs, on="msisdn")
        .merge(usage[["msisdn", "spend"]])
    )
    rng = np.random.default_rng(0)
    n = len(df)
    df["value"] = df["spend"]
    df["probability"] = 1 / (1 + np.exp(-1.2 * (6.5 - df["satisfaction"] + rng.normal(0, 1.0, n))))
    causes = np.array(["network", "billing", "service", "value", "unknown"])
    true_cause = df["primary_cause"].replace({"none": "unknown"}).to_numpy()
    df["cause"] = np.where(rng.random(n) < 0.6, true_cause, rng.choice(causes, n))
    df["kinds"] = np.where(df["msisdn"].isin(recent), "model_predicted", "silent;model_predicted")
    cols = ["msisdn", "kinds", "probability", "cause", "segment", "value", "contact_complete"]
    decided = apply_rules(df[cols], load_rules())
    response = pd.read_parquet(data_dir / "truth" / "care_response.parquet")
    response = response.loc[pd.to_datetime(response["month"]) == month].set_index("msisdn")
    return SimWorld(data_dir=data_dir, decided=decided, response=response)

"""Ground truth for care: heterogeneous effects of each strategy, and the response to a campaign.

Each subscriber-month has a true effect (points on the 1-10 scale) of each care strategy:
proactive outreach helps most the silent ones; wait-for-contact helps only if they next
contact a channel; a targeted remedy works mainly when it matches a true cause. About a fifth
never respond, and effects shrink with the room left to improve. :func:`respond_to_care` plays
a campaign against this truth: treatment and control get the same noise, only treatment gets
the effect, and churn next month follows the same hazard model as the simulation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from cxradar.errors import DataError, MissingColumnError
from cxradar.simulate.params import DIMENSIONS, SimulatorParams, load_params

if TYPE_CHECKING:
    from cxradar.simulate.population import Block

__all__ = ["care_effects", "churn_hazard", "respond_to_care"]


def churn_hazard(
    sat: np.ndarray,
    competitor: np.ndarray,
    join_month: np.ndarray,
    month: int,
    group_paid: np.ndarray,
    params: SimulatorParams,
) -> np.ndarray:
    """Monthly probability of forming the intention to leave (voluntary churn)."""
    cp = params["churn"]
    h = float(cp["base_hazard"]) * np.exp(float(cp["satisfaction_slope"]) * np.maximum(7.5 - sat, 0.0))
    h = h * np.where(competitor, float(cp["competitor_multiplier"]), 1.0)
    h = h * np.where((join_month >= 0) & (month - join_month < 6), float(cp["new_customer_multiplier"]), 1.0)
    h = h * np.where(group_paid, float(cp["group_paid_multiplier"]), 1.0)
    return np.clip(h, 0.0, 0.9)


def care_effects(
    blk: Block,
    act: np.ndarray,
    sat: np.ndarray,
    mask: np.ndarray,
    contacted: np.ndarray,
    params: SimulatorParams,
) -> dict[str, Any]:
    """True effect of each strategy (points of satisfaction) for the active subscribers ``act``."""
    cp = params["care"]
    gain = blk.care_gain[act] * np.clip((9.5 - sat) / 3.0, 0.0, 1.0)
    silent = blk.voice[act] < 0.3
    out = {
        "effect_outreach": gain * float(cp["outreach_points"]) * np.where(silent, 1.0, 0.6),
        "effect_wait": gain * float(cp["wait_points"]),
        "p_contact_next": 1.0 - np.exp(-blk.contact_rate[act] * 1.3),
    }
    for i, d in enumerate(DIMENSIONS):
        match = (mask >> i) & 1 == 1
        out[f"effect_remedy_{d}"] = gain * np.where(
            match, float(cp["remedy_match_points"]), float(cp["remedy_mismatch_points"])
        )
    out = {k: np.round(v, 4) for k, v in out.items()}
    out["responder"] = blk.care_gain[act] > 0
    return out


def _read(path: Path, columns: list[str] | None = None, filters: list | None = None) -> pd.DataFrame:
    if not path.exists():
        raise DataError(
            f"ground truth {path} is missing",
            fix="point to a folder written by 'cxradar simulate' (it holds truth/)",
        )
    return pq.read_table(path, columns=columns, filters=filters).to_pandas()


def _params_of(data_dir: Path) -> SimulatorParams:
    """The parameters the folder was simulated with (manifest.json), else the shipped ones."""
    manifest = data_dir / "manifest.json"
    if manifest.exists():
        values = json.loads(manifest.read_text(encoding="utf-8")).get("params")
        if isinstance(values, dict):
            return SimulatorParams(values)
    return load_params()


def respond_to_care(data_dir: Path, care_actions: pd.DataFrame, month: str, seed: int) -> pd.DataFrame:
    """How each care action's subscriber responds, per the simulator's ground truth.

    ``care_actions`` has the columns of conf/contract/care_actions.yaml (``msisdn``, ``group``,
    ``strategy``; optional ``outcome`` - refused/unreachable/expired rows get no effect - and
    ``remedy``: network/value/service/billing for targeted_remedy). ``month`` ('YYYY-MM') is the
    month care was given. Returns one row per action, in order: msisdn, group,
    post_satisfaction (true, 1-10, next month), survey_answer (1-10, always answered),
    churned_next_month, true_effect (points applied; 0 for control).
    """
    for col in ("msisdn", "group", "strategy"):
        if col not in care_actions.columns:
            raise MissingColumnError(
                f"care_actions has no column '{col}'",
                fix="give care_actions the columns of conf/contract/care_actions.yaml",
            )
    truth = Path(data_dir) / "truth"
    the_month = pd.Timestamp(f"{month}-01").date()
    wanted = care_actions["msisdn"].astype(str).unique().tolist()
    care = _read(
        truth / "care_response.parquet", filters=[("month", "=", the_month), ("msisdn", "in", wanted)]
    )
    sat = _read(
        truth / "satisfaction.parquet",
        columns=["msisdn", "month", "satisfaction"],
        filters=[("msisdn", "in", wanted)],
    )
    if care.empty:
        raise DataError(
            f"truth/care_response.parquet has no rows for month {month} and these subscribers",
            fix="pass a month inside the simulated window and msisdns of active subscribers",
        )
    personal = sat.groupby("msisdn")["satisfaction"].mean()
    now = sat[sat["month"] == the_month].set_index("msisdn")["satisfaction"]
    care = care.set_index("msisdn")
    params = _params_of(Path(data_dir))
    cp = params["care"]
    msisdn = care_actions["msisdn"].astype(str).to_numpy()
    known = care.index.get_indexer(pd.Index(msisdn)) >= 0  # hash lookup; np.isin on objects is quadratic-ish
    if not known.all():
        bad = msisdn[~known][0]
        raise DataError(
            f"care_actions msisdn {bad} was not active in {month}",
            fix="only assign care to subscribers active that month (see truth/satisfaction.parquet)",
        )
    rows = care.loc[pd.Index(msisdn)]
    s0 = now.reindex(msisdn).to_numpy(dtype=float)
    mean = personal.reindex(msisdn).to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([seed, int(month.replace("-", ""))]))
    k = len(msisdn)
    noise = rng.normal(0.0, float(cp["post_noise_sd"]), k)
    contact_draw = rng.random(k)
    answer_noise = rng.normal(0.0, float(params["survey"]["overall_noise_sd"]), k)
    churn_draw = rng.random(k)
    strategy = care_actions["strategy"].astype(str).to_numpy()
    effect = np.zeros(k)
    effect = np.where(strategy == "proactive_outreach", rows["effect_outreach"].to_numpy(), effect)
    waited = rows["effect_wait"].to_numpy() * (contact_draw < rows["p_contact_next"].to_numpy())
    effect = np.where(strategy == "wait_for_contact", waited, effect)
    remedy_cols = [f"effect_remedy_{d}" for d in DIMENSIONS]
    untargeted = rows[remedy_cols].to_numpy().mean(axis=1)
    if "remedy" in care_actions.columns:
        remedy = care_actions["remedy"].astype("string").fillna("").to_numpy(dtype=object)
        targeted = untargeted.copy()
        for d in DIMENSIONS:
            targeted = np.where(remedy == d, rows[f"effect_remedy_{d}"].to_numpy(), targeted)
    else:
        targeted = untargeted
    effect = np.where(strategy == "targeted_remedy", targeted, effect)
    treated = care_actions["group"].astype(str).to_numpy() == "treatment"
    if "outcome" in care_actions.columns:
        treated &= ~care_actions["outcome"].isin(["refused", "unreachable", "expired"]).to_numpy(dtype=bool)
    effect = np.where(treated, effect, 0.0)
    base = s0 + float(cp["regression_to_mean"]) * (mean - s0) + noise
    post = np.clip(base + effect, 1.0, 10.0)
    slope = float(params["churn"]["satisfaction_slope"])
    hazard = rows["churn_hazard"].to_numpy() * np.exp(
        slope * (np.maximum(7.5 - post, 0.0) - np.maximum(7.5 - s0, 0.0))
    )
    return pd.DataFrame(
        {
            "msisdn": msisdn,
            "group": care_actions["group"].astype(str).to_numpy(),
            "post_satisfaction": post,
            "survey_answer": np.clip(np.round(post + answer_noise), 1, 10).astype(np.int64),
            "churned_next_month": churn_draw < np.clip(hazard, 0.0, 1.0),
            "true_effect": post - np.clip(base, 1.0, 10.0),
        }
    )

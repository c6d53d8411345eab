"""incident_exposure.sql against its pandas reference (cxradar.identify.incidents.incident_exposure).

The SQL is what the monthly run uses at operator scale; the pandas function is kept as the
reference. Random operators (random shares, several months, all scope types, duplicated scope
items, incidents on the window's edges) are matched both ways under a few settings; the rows
must be the same and the numbers equal to 1e-10 relative: the SQL sums shares as integers
(rounded to 1e-15 of a share, brought to a common denominator), pandas sums floats, so they
differ by a few units in the last place of the share, far below 1e-10 of the exposure.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.contract.schema import load_contracts
from cxradar.engine.duckdb import DuckDBEngine, register_table
from cxradar.features.exposure import build_incident_exposure
from cxradar.identify.config import PotentialConfig, load_identify_config
from cxradar.identify.incidents import incident_exposure

MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09"]
CELLS = [f"c{i}" for i in range(8)]
DISTRICTS = ["haidian", "chaoyang", "xicheng"]


def _operator(seed: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    msisdns = [f"139{i:08d}" for i in range(60)]
    subscribers = pd.DataFrame({"msisdn": msisdns, "district": [DISTRICTS[i % 3] for i in range(60)]})
    rows = []
    for month in MONTHS:
        for m in msisdns:
            if rng.random() < 0.15:
                continue  # no cell records that month
            used = rng.choice(CELLS, size=int(rng.integers(1, 4)), replace=False)
            shares = rng.dirichlet(np.ones(len(used)))
            rows += [
                {"msisdn": m, "month": f"{month}-01", "cell_id": str(c), "traffic_share": float(s)}
                for c, s in zip(used, shares, strict=True)
            ]
    cells = pd.DataFrame(rows).assign(month=lambda d: pd.to_datetime(d["month"]).dt.date)
    incidents = []
    kinds = [
        ("network_outage", "cells"),
        ("network_degradation", "cells"),
        ("billing_error", "accounts"),
        ("system_failure", "district"),
        ("network_degradation", "district"),
    ]
    for j in range(40):
        kind, scope_type = kinds[j % len(kinds)]
        month = MONTHS[int(rng.integers(0, len(MONTHS)))]
        start = pd.Timestamp(f"{month}-01") + pd.Timedelta(seconds=int(rng.integers(0, 31 * 86400)))
        end = start + pd.Timedelta(seconds=int(rng.integers(60, 5 * 86400)))
        if scope_type == "cells":
            items = list(rng.choice(CELLS, size=int(rng.integers(1, 4)), replace=False))
            scope = ";".join(items + ([items[0]] if j % 7 == 0 else []))  # a listed cell twice
        elif scope_type == "accounts":
            scope = " ; ".join(rng.choice(msisdns, size=5, replace=False)) + ";"
        else:
            scope = DISTRICTS[j % 3]
        incidents.append(
            {
                "id": f"i{j}",
                "type": kind,
                "severity": int(rng.integers(1, 4)),
                "scope_type": scope_type,
                "scope": scope,
                "start": start,
                "end": end,
            }
        )
    # on the edges of the windows (1 and 3 months): ending exactly when one starts (0 h, still a
    # match), starting at its end (no match)
    for name, start, end in [
        ("edge1", "2026-08-31 20:00", "2026-09-01"),
        ("edge3", "2026-06-30 20:00", "2026-07-01"),
        ("after", "2026-10-01", "2026-10-02"),
    ]:
        incidents.append({**incidents[0], "id": name, "start": pd.Timestamp(start), "end": pd.Timestamp(end)})
    return {"subscribers": subscribers, "subscriber_cells": cells, "incidents": pd.DataFrame(incidents)}


def _sql_exposure(tmp: Path, tables: dict[str, pd.DataFrame], config: PotentialConfig) -> pd.DataFrame:
    engine = DuckDBEngine(tmp, threads=2)
    try:
        for contract in load_contracts().values():
            register_table(engine.con, contract, None)  # every table empty ...
        for name, frame in tables.items():  # ... but the three the exposure reads
            engine.register_frame(f"raw_{name}", frame)
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            engine.create_view(name, f"SELECT {cols} FROM raw_{name}")
        relation = build_incident_exposure(engine, "2026-09", config)
        return engine.fetch(f"SELECT * FROM {relation}")
    finally:
        engine.close()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["msisdn", "incident_id", "cells", "district", "hours", "share"]
    out = frame.sort_values(keys, kind="mergesort").reset_index(drop=True)
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[us]")
    return out


SETTINGS = [
    load_identify_config().potential,
    dataclasses.replace(
        load_identify_config().potential,
        incident_window_months=3,
        incident_min_share=0.35,
        incident_max_hours=30.0,
        severity_weights={1: 0.3, 2: 0.7},  # severity 3 falls back to 1
        incident_type_weights={"network_outage": 1.3, "billing_error": 0.1},
    ),
]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("config", SETTINGS, ids=["defaults", "window3"])
def test_sql_exposure_matches_the_pandas_reference(
    tmp_path: Path, seed: int, config: PotentialConfig
) -> None:
    tables = _operator(seed)
    expected = incident_exposure(
        "2026-09",
        incidents=tables["incidents"],
        subscriber_cells=tables["subscriber_cells"].assign(month=lambda d: pd.to_datetime(d["month"])),
        subscribers=tables["subscribers"],
        config=config,
    )
    got = _sql_exposure(tmp_path / "engine", tables, config)
    assert len(expected) > 30 and set(expected["cells"].str.contains(",")) == {True, False}
    assert set(got.columns) == set(expected.columns)
    want, have = _sorted(expected[list(got.columns)]), _sorted(got)
    assert len(have) == len(want)
    for column in ["msisdn", "incident_id", "type", "cells", "district"]:
        assert have[column].astype(str).tolist() == want[column].astype(str).tolist(), column
    assert (have["start"] == want["start"]).all()
    assert have["severity"].astype("int64").tolist() == want["severity"].astype("int64").tolist()
    for column in ["hours", "share", "exposure"]:
        np.testing.assert_allclose(have[column].astype(float), want[column].astype(float), rtol=1e-10, atol=0)
    assert (have["hours"] == 0).any()  # the incident ending exactly at the window's start

"""The operator's shared world: months, districts, radio cells and system incidents.

Everything here is small (a few thousand cells, a few hundred incidents a month) and is
generated once from its own random stream before the subscribers, who are generated in
blocks and look the world up by index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cxradar.simulate.params import SimulatorParams

__all__ = ["SEVERITY_WEIGHT", "World", "build_world", "month_starts"]

SEVERITY_WEIGHT = np.array([0.0, 1.0, 2.0, 3.5])  # index = severity 1..3
_US_PER_HOUR = 3_600_000_000


def month_starts(end_month: str, months: int) -> np.ndarray:
    """The first day (datetime64[D]) of each of ``months`` months ending with ``end_month``."""
    end = np.datetime64(end_month, "M")
    return (end - np.arange(months - 1, -1, -1)).astype("datetime64[D]")


@dataclass
class World:
    """Months, districts, cells and the month-by-cell/district incident load."""

    months: np.ndarray  # datetime64[D], first day of each month
    month_ends: np.ndarray  # datetime64[us], first instant of the next month
    districts: list[str]
    district_weights: np.ndarray
    cell_ids: np.ndarray  # object (str)
    cell_district: np.ndarray  # int index into districts
    cell_badness: np.ndarray
    cell_drop_rate: np.ndarray
    cell_congestion: np.ndarray
    cell_throughput: np.ndarray
    cells_by_district: list[np.ndarray]
    cell_load: np.ndarray  # (months, cells): severity-weighted hours of network incidents
    district_load: np.ndarray  # (months, districts): severity-weighted hours of system failures
    incidents: dict[str, list]  # network and system incident rows (columns of the contract)
    billing_errors: list[dict]  # month, plan, start, end, severity (accounts found per block)

    @property
    def n_cells(self) -> int:
        return len(self.cell_ids)

    def cells_table(self, schema: pa.Schema) -> pa.Table:
        return pa.table(
            {
                "cell_id": pa.array(self.cell_ids, pa.string()),
                "district": pa.array([self.districts[d] for d in self.cell_district], pa.string()),
                "drop_rate": self.cell_drop_rate,
                "congestion_rate": self.cell_congestion,
                "throughput_mbps": self.cell_throughput,
            },
            schema=schema,
        )


def _random_times(rng: np.random.Generator, start: np.datetime64, n: int) -> np.ndarray:
    """Uniform instants (datetime64[us]) within the month starting at ``start``."""
    end = (start.astype("datetime64[M]") + 1).astype("datetime64[us]")
    span = int((end - start.astype("datetime64[us]")).astype(np.int64))
    return start.astype("datetime64[us]") + rng.integers(0, span, n).astype("timedelta64[us]")


def build_world(
    n_subscribers: int,
    months: int,
    end_month: str,
    params: SimulatorParams,
    rng: np.random.Generator,
    plans: list[str],
) -> World:
    """Cells with quality, and every network, system and billing incident of the window."""
    cp = params["cells"]
    ip = params["incidents"]
    districts = list(params["districts"])
    weights = np.array([float(params["districts"][d]) for d in districts])
    weights = weights / weights.sum()
    n_cells = max(4 * len(districts), round(n_subscribers / float(cp["subscribers_per_cell"])))
    # every district gets at least two cells; the rest by population
    extra = rng.multinomial(n_cells - 2 * len(districts), weights)
    cell_district = np.repeat(np.arange(len(districts)), extra + 2)
    bad = rng.random(n_cells) < float(cp["bad_share"])
    badness = np.where(bad, rng.normal(float(cp["bad_badness"]), 0.4, n_cells), rng.normal(0.0, 0.5, n_cells))
    drop = np.clip(float(cp["drop_rate"]) * np.exp(0.6 * badness + rng.normal(0, 0.15, n_cells)), 0.0005, 0.2)
    cong = np.clip(
        float(cp["congestion_rate"]) * np.exp(0.7 * badness + rng.normal(0, 0.2, n_cells)), 0.0, 0.8
    )
    thr = float(cp["throughput_mbps"]) * np.exp(-0.35 * badness + rng.normal(0, 0.2, n_cells))
    cell_ids = np.array([f"C{d + 1:02d}{i:06d}" for i, d in enumerate(cell_district)], dtype=object)
    by_district = [np.flatnonzero(cell_district == d) for d in range(len(districts))]

    starts = month_starts(end_month, months)
    month_ends = (starts.astype("datetime64[M]") + 1).astype("datetime64[us]")
    cell_load = np.zeros((months, n_cells))
    district_load = np.zeros((months, len(districts)))
    rows: dict[str, list] = {
        k: [] for k in ("type", "start", "end", "severity", "scope_type", "scope", "month")
    }
    pick = np.exp(0.6 * badness)
    pick = pick / pick.sum()
    for m, start in enumerate(starts):
        for kind, per100, median_h, sev_p, factor, cap in (
            ("network_outage", ip["outages_per_100_cells"], 2.5, (0.45, 0.4, 0.15), 1.5, 24.0),
            ("network_degradation", ip["degradations_per_100_cells"], 10.0, (0.6, 0.3, 0.1), 0.6, 72.0),
        ):
            n = rng.poisson(n_cells * float(per100) / 100.0)
            seeds = rng.choice(n_cells, size=n, p=pick)
            t0 = _random_times(rng, start, n)
            hours = np.minimum(rng.lognormal(np.log(median_h), 0.7, n), cap)
            sev = rng.choice([1, 2, 3], size=n, p=sev_p)
            for j in range(n):
                d = cell_district[seeds[j]]
                pool = by_district[d]
                k = min(len(pool), rng.geometric(0.45) + int(sev[j]) - 1)
                pos = int(np.searchsorted(pool, seeds[j]))
                lo = max(0, min(pos - k // 2, len(pool) - k))
                hit = pool[lo : lo + max(k, 1)]
                t1 = min(
                    t0[j] + np.timedelta64(int(hours[j] * _US_PER_HOUR), "us"),
                    month_ends[m] - np.timedelta64(1, "s"),
                )
                h_in = (t1 - t0[j]).astype(np.int64) / _US_PER_HOUR
                cell_load[m, hit] += factor * SEVERITY_WEIGHT[sev[j]] * h_in
                rows["type"].append(kind)
                rows["start"].append(t0[j])
                rows["end"].append(t1)
                rows["severity"].append(int(sev[j]))
                rows["scope_type"].append("cells")
                rows["scope"].append(";".join(cell_ids[hit]))
                rows["month"].append(m)
        n_sys = rng.poisson(float(ip["system_failures"]))
        for _ in range(n_sys):
            d = int(rng.choice(len(districts), p=weights))
            t0 = _random_times(rng, start, 1)[0]
            sys_hours = float(np.clip(rng.lognormal(np.log(3.0), 0.6), 0.5, 24))
            sys_sev = int(rng.choice([1, 2, 3], p=(0.5, 0.35, 0.15)))
            t1 = min(
                t0 + np.timedelta64(int(sys_hours * _US_PER_HOUR), "us"),
                month_ends[m] - np.timedelta64(1, "s"),
            )
            district_load[m, d] += SEVERITY_WEIGHT[sys_sev] * sys_hours
            for key, value in (
                ("type", "system_failure"),
                ("start", t0),
                ("end", t1),
                ("severity", sys_sev),
                ("scope_type", "district"),
                ("scope", districts[d]),
                ("month", m),
            ):
                rows[key].append(value)
    billing: list[dict] = []
    for m, start in enumerate(starts):
        for _ in range(rng.poisson(float(ip["billing_errors"]))):
            t0 = _random_times(rng, start, 1)[0]
            t1 = min(
                t0 + np.timedelta64(int(rng.uniform(24, 96) * _US_PER_HOUR), "us"),
                month_ends[m] - np.timedelta64(1, "s"),
            )
            billing.append(
                {
                    "month": m,
                    "plan": plans[int(rng.integers(len(plans)))],
                    "start": t0,
                    "end": t1,
                    "severity": int(rng.choice([1, 2, 3], p=(0.5, 0.35, 0.15))),
                }
            )
    return World(
        starts,
        month_ends,
        districts,
        weights,
        cell_ids,
        cell_district,
        badness,
        drop,
        cong,
        thr,
        by_district,
        cell_load,
        district_load,
        rows,
        billing,
    )

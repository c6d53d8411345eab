"""Benchmark: the feature tables of a monthly cycle from monthly bases, against a pandas baseline.

    .venv/bin/python bench/features.py --data /work/data/val1m/accepted --month 2026-10   # 1M, reuse data
    .venv/bin/python bench/features.py --subscribers 50000                                # simulate, quick
    .venv/bin/python bench/features.py --data DIR --month M --spark                       # also Spark local[2]

What it measures, each in its own child process (peak memory is the child's ``ru_maxrss``, which
counts everything the process held; with --spark the JVM is a child of that child and is counted
with RUSAGE_CHILDREN):

* **cold**: ``build_feature_months`` for the six as-of months a monthly run needs (M-5 .. M) from
  an empty cache - every base month once, then six windows - on DuckDB with 2 threads and its
  2 GB memory cap;
* **next month**: the cache of last month's run (M-6 .. M-1, built first and not timed), then the
  run for M-5 .. M: one new base month per base model and one new window;
* **pandas**: a straightforward pandas implementation of the same definitions for one as-of month
  (vectorised groupby/merge, as a competent user would write it); the ratio compares it with the
  cold DuckDB cost per as-of month. The script checks both give the same numbers on a sample.

It prints the machine's load average with every figure (the machine is shared: wall-clock times
grow with the load; CPU times are the steadier comparison). Figures go into docs/performance.md
by hand ("Features").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve()


# --------------------------------------------------------------------------- pandas baseline


def _read(data: Path, table: str, columns: list[str] | None = None) -> pd.DataFrame:
    return pd.read_parquet(data / f"{table}.parquet", columns=columns)


def _month(ts: pd.Series) -> pd.Series:
    return pd.to_datetime(ts).astype("datetime64[us]")


def pandas_features(data: Path, month: str) -> pd.DataFrame:
    """The feature table computed with pandas only (the baseline a user would otherwise write)."""
    m0 = pd.Timestamp(f"{month}-01")
    end = m0 + pd.DateOffset(months=1)
    starts = [m0 - pd.DateOffset(months=k) for k in range(6)]
    cal = pd.DataFrame({"k": range(6), "month": starts, "month_end": [end, *starts[:-1]]})
    cal["month"], cal["month_end"] = _month(cal["month"]), _month(cal["month_end"])

    subs = _read(data, "subscribers")
    subs["join_date"], subs["status_date"] = _month(subs["join_date"]), _month(subs["status_date"])
    pop = subs[(subs["join_date"] < end) & ~((subs["status"] == "churned") & (subs["status_date"] < m0))]
    pop = pop.sort_values("msisdn").reset_index(drop=True)

    # basic
    usage = _read(data, "usage_monthly")
    usage["month"] = _month(usage["month"])
    usage = usage[(usage["month"] >= starts[5]) & (usage["month"] <= m0)]
    u0 = usage.loc[usage["month"] == m0, ["msisdn", "brand", "plan"]]
    b = pop.merge(u0, on="msisdn", how="left", suffixes=("_sub", ""))
    basic = pd.DataFrame({"msisdn": b["msisdn"]})
    for col in ("gender", "age", "occupation", "district", "payment_type", "customer_level"):
        basic[col] = b[col]
    basic["brand"] = b["brand"].fillna(b["brand_sub"])
    basic["plan"] = b["plan"].fillna(b["plan_sub"])
    basic["segment"] = b["segment"]
    basic["tenure_months"] = (m0.year * 12 + m0.month) - (
        b["join_date"].dt.year * 12 + b["join_date"].dt.month
    )
    basic["vpmn_member"] = b["group_id"].notna()
    basic["group_paid"] = b["group_paid"]
    basic["contact_complete"] = b["contact_complete"]
    basic["is_local"] = b["is_local"].fillna(True) if "is_local" in b else True

    # usage spine: active months x usage, a missing month counts as zero
    spine = pop[["msisdn", "join_date"]].merge(cal, how="cross")
    spine = spine[spine["join_date"] < spine["month_end"]].drop(columns=["join_date", "month_end"])
    spine = spine.merge(usage, on=["msisdn", "month"], how="left")
    has = spine["spend"].notna()
    zero_cols = [
        "spend",
        "voice_minutes",
        "onnet_minutes",
        "offnet_minutes",
        "call_forward_count",
        "missed_calls",
        "data_mb",
        "roaming_days",
        "sms_count",
        "dropped_calls",
        "arrears_suspensions",
        "payment_method_changes",
    ]
    spine[zero_cols] = spine[zero_cols].fillna(0)
    for col in ("incoming_calls", "outgoing_calls"):
        spine[col] = spine[col].astype("float64").where(has, 0.0)
    spine["has_usage"] = has.astype(int)
    spine["x"] = -spine["k"].astype(float)
    in3 = spine["k"] < 3
    g = spine.groupby("msisdn", sort=True)
    feats = pd.DataFrame(index=g.size().index)
    feats["active_months_6m"] = g.size()
    feats["usage_months_6m"] = g["has_usage"].sum()
    n, sx, sxx = feats["active_months_6m"], g["x"].sum(), (spine["x"] ** 2).groupby(spine["msisdn"]).sum()
    s3 = spine[in3].groupby("msisdn")
    k0 = spine[spine["k"] == 0].set_index("msisdn")
    k1 = spine[spine["k"] == 1].set_index("msisdn")
    for col, short in (("spend", "spend"), ("voice_minutes", "minutes"), ("data_mb", "data")):
        avg6, avg3 = g[col].mean(), s3[col].mean()
        feats[f"avg_{short}_6m"], feats[f"avg_{short}_3m"] = avg6, avg3
        feats[f"{short}_ratio_3m_6m"] = avg3 / avg6.replace(0, np.nan)
        sy, sxy = g[col].sum(), (spine["x"] * spine[col]).groupby(spine["msisdn"]).sum()
        denom = (n * sxx - sx**2).replace(0, np.nan)
        feats[f"{short}_slope_6m"] = (n * sxy - sx * sy) / denom
        feats[f"{short}_mom_change"] = k0[col] - k1[col].reindex(k0.index)
    for i in (1, 2, 3):
        feats[f"call_forward_m{i}"] = spine[spine["k"] == i - 1].groupby("msisdn")["call_forward_count"].sum()
    feats["offnet_onnet_ratio_3m"] = s3["offnet_minutes"].sum() / s3["onnet_minutes"].sum().replace(0, np.nan)
    feats["total_minutes_m1"] = k0["voice_minutes"]
    feats["missed_calls_m1"], feats["missed_calls_3m"] = k0["missed_calls"], s3["missed_calls"].sum()
    feats["roaming_days_m1"], feats["roaming_days_3m"] = k0["roaming_days"], s3["roaming_days"].sum()
    feats["data_mb_m1"], feats["sms_count_m1"] = k0["data_mb"], k0["sms_count"]
    feats["dropped_calls_m1"], feats["dropped_calls_3m"] = k0["dropped_calls"], s3["dropped_calls"].sum()
    calls = (spine["incoming_calls"] + spine["outgoing_calls"])[in3].groupby(spine["msisdn"]).sum(min_count=1)
    feats["dropped_per_100_calls_3m"] = 100.0 * feats["dropped_calls_3m"] / calls.replace(0, np.nan)
    minutes3 = s3["voice_minutes"].sum()
    feats["dropped_per_100_minutes_3m"] = 100.0 * feats["dropped_calls_3m"] / minutes3.replace(0, np.nan)
    feats["incoming_outgoing_ratio_3m"] = s3["incoming_calls"].sum(min_count=1) / s3["outgoing_calls"].sum(
        min_count=1
    ).replace(0, np.nan)
    feats = feats.fillna({f"call_forward_m{i}": 0 for i in (1, 2, 3)})

    # payment
    pay = pd.DataFrame(index=feats.index)
    pay["arrears_suspensions_6m"] = g["arrears_suspensions"].sum()
    pay["payment_method_changes_3m"] = s3["payment_method_changes"].sum().reindex(pay.index, fill_value=0)
    chan = spine[spine["payment_channel"].notna()].sort_values(["msisdn", "k"]).drop_duplicates("msisdn")
    pay["last_payment_channel"] = chan.set_index("msisdn")["payment_channel"]

    # complaints
    comp = _read(data, "complaints")
    comp = comp[(comp["opened_at"] >= starts[5]) & (comp["opened_at"] < end)].copy()
    comp["in_1m"] = (comp["opened_at"] >= m0).astype(int)
    comp["in_3m"] = (comp["opened_at"] >= starts[2]).astype(int)
    comp["in_6m"] = 1
    cc = pd.DataFrame(index=feats.index)
    cg = comp.groupby("msisdn")
    for w in (1, 3, 6):
        cc[f"complaints_{w}m"] = cg[f"in_{w}m"].sum()
    for w in (1, 3, 6):
        for t in ("network", "billing", "marketing", "service", "other"):
            cc[f"complaints_{t}_{w}m"] = comp[comp["type"] == t].groupby("msisdn")[f"in_{w}m"].sum()
    for w in (1, 3, 6):
        for s in (1, 2, 3):
            cc[f"complaints_sev{s}_{w}m"] = comp[comp["severity"] == s].groupby("msisdn")[f"in_{w}m"].sum()
    failed = comp[(comp["first_contact_resolved"] == False) & (comp["resolved_at"] < end)]  # noqa: E712
    for w in (3, 6):
        cc[f"fcr_failures_{w}m"] = failed.groupby("msisdn")[f"in_{w}m"].sum()
    still_open = comp["resolved_at"].isna() | (comp["resolved_at"] >= end)
    cc["complaints_open_at_end"] = comp[still_open].groupby("msisdn").size()
    cc = cc.fillna(0).astype("int64")

    # contacts
    cont = _read(data, "contacts", ["msisdn", "at", "channel", "rating"])
    cont = cont[cont["at"] < end]
    last = cont.groupby("msisdn")["at"].max()
    rec = cont[cont["at"] >= starts[2]].copy()
    rec["in_1m"] = (rec["at"] >= m0).astype(int)
    rg = rec.groupby("msisdn")
    ct = pd.DataFrame(index=feats.index)
    ct["contacts_1m"], ct["contacts_3m"] = rg["in_1m"].sum(), rg.size()
    for ch in ("hall", "hotline", "web", "app", "sms", "outbound", "wechat"):
        ct[f"contacts_{ch}_3m"] = rec[rec["channel"] == ch].groupby("msisdn").size()
    ct["rating_count_3m"] = rg["rating"].count()
    ct["low_rating_count_3m"] = rec[rec["rating"] <= 2].groupby("msisdn").size()
    ct = ct.fillna(0).astype("int64")
    ct["rating_mean_3m"] = rg["rating"].mean()
    ct["rating_min_3m"] = rg["rating"].min()
    ct["days_since_last_contact"] = (end - last.dt.floor("D")).dt.days
    ct["no_contact_3m"] = ct["contacts_3m"] == 0

    # surveys
    surv = _read(data, "surveys", ["msisdn", "answered_at"])
    surv = surv[(surv["answered_at"] >= starts[2]) & (surv["answered_at"] < end)]
    sv = pd.DataFrame(index=feats.index)
    sv["surveys_answered_1m"] = surv[surv["answered_at"] >= m0].groupby("msisdn").size()
    sv["surveys_answered_3m"] = surv.groupby("msisdn").size()
    sv = sv.fillna(0).astype("int64")
    sv["no_survey_3m"] = sv["surveys_answered_3m"] == 0

    # incidents
    inc = _read(data, "incidents")
    inc = inc[(inc["start"] < end) & (inc["end"] > starts[2])].copy()
    inc["scope_item"] = inc["scope"].str.split(";")
    inc = inc.explode("scope_item")
    inc["scope_item"] = inc["scope_item"].str.strip()
    inc = inc[inc["scope_item"] != ""]
    spans = inc.merge(cal[cal["k"] < 3], how="cross")
    spans = spans[(spans["start"] < spans["month_end"]) & (spans["end"] > spans["month"])]
    hi = spans[["end", "month_end"]].min(axis=1)
    lo = spans[["start", "month"]].max(axis=1)
    spans = spans.assign(hours=(hi - lo).dt.total_seconds() / 3600.0)
    sc = _read(data, "subscriber_cells")
    sc["month"] = _month(sc["month"])
    cells = _read(data, "cells")
    keep = ["id", "type", "severity", "k", "hours"]
    by_cell = spans[spans["scope_type"] == "cells"].merge(
        sc, left_on=["scope_item", "month"], right_on=["cell_id", "month"]
    )
    net = spans["type"].isin(["network_outage", "network_degradation"])
    by_dist = (
        spans[(spans["scope_type"] == "district") & net]
        .merge(cells[["cell_id", "district"]], left_on="scope_item", right_on="district")
        .merge(sc, on=["cell_id", "month"])
    )
    by_home = (
        spans[(spans["scope_type"] == "district") & ~net]
        .merge(pop[["msisdn", "district"]], left_on="scope_item", right_on="district")
        .assign(traffic_share=1.0)
    )
    by_acct = spans[spans["scope_type"] == "accounts"].assign(
        msisdn=lambda d: d["scope_item"], traffic_share=1.0
    )
    hits = pd.concat([d[[*keep, "msisdn", "traffic_share"]] for d in (by_cell, by_dist, by_home, by_acct)])
    hits = hits.groupby(["id", "type", "severity", "k", "msisdn"], as_index=False).agg(
        hours=("hours", "max"), weight=("traffic_share", "sum")
    )
    hits["weight"] = hits["weight"].clip(upper=1.0)
    hits["hw"] = hits["hours"] * hits["weight"]
    ix = pd.DataFrame(index=feats.index)
    is0 = hits["k"] == 0
    isnet = hits["type"].isin(["network_outage", "network_degradation"])
    for t, name in (("network_outage", "outage"), ("network_degradation", "degradation")):
        ix[f"{name}_hours_1m"] = hits[is0 & (hits["type"] == t)].groupby("msisdn")["hw"].sum()
    for t, name in (("network_outage", "outage"), ("network_degradation", "degradation")):
        ix[f"{name}_hours_3m"] = hits[hits["type"] == t].groupby("msisdn")["hw"].sum()
    hits["hws"] = hits["hw"] * hits["severity"]
    ix["network_exposure_1m"] = hits[is0 & isnet].groupby("msisdn")["hws"].sum()
    ix["network_exposure_3m"] = hits[isnet].groupby("msisdn")["hws"].sum()
    ix["incidents_hit_1m"] = hits[is0].groupby("msisdn")["id"].nunique()
    ix["incidents_hit_3m"] = hits.groupby("msisdn")["id"].nunique()
    for t in ("billing_error", "system_failure"):
        ix[f"{t}_hits_1m"] = hits[is0 & (hits["type"] == t)].groupby("msisdn")["id"].nunique()
        ix[f"{t}_hits_3m"] = hits[hits["type"] == t].groupby("msisdn")["id"].nunique()
    ix["max_incident_severity_3m"] = hits.groupby("msisdn")["severity"].max()
    ix = ix.fillna(0)

    # cells
    used = sc[sc["month"] == m0].merge(cells, on="cell_id")
    for col in ("drop_rate", "congestion_rate", "throughput_mbps"):
        used[f"w_{col}"] = used["traffic_share"] * used[col]
    ug = used.groupby("msisdn")
    cq = pd.DataFrame(index=feats.index)
    cq["cells_used_1m"] = ug.size().reindex(cq.index, fill_value=0)
    share = ug["traffic_share"].sum().replace(0, np.nan)
    cq["cell_drop_rate_wavg"] = ug["w_drop_rate"].sum() / share
    cq["cell_congestion_rate_wavg"] = ug["w_congestion_rate"].sum() / share
    cq["cell_throughput_wavg"] = ug["w_throughput_mbps"].sum() / share
    cq["worst_cell_drop_rate"] = ug["drop_rate"].max()
    cq["worst_cell_throughput"] = ug["throughput_mbps"].min()
    cq["worst_cell_weighted_drop"] = ug["w_drop_rate"].max()

    parts = [feats, pay, cc, ct, sv, ix, cq]
    out = basic.set_index("msisdn").join(parts, how="left")
    return out.reset_index()


# --------------------------------------------------------------------------- child processes


def _cycle(month: str, back: int = 0) -> list[str]:
    from cxradar.months import month_shift

    return [month_shift(month, -k - back) for k in range(5, -1, -1)]


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child(impl: str, data: Path, month: str, work: Path) -> None:
    started, cpu = time.perf_counter(), _cpu()
    rows = cols = 0
    if impl == "pandas":
        frame = pandas_features(data, month)
        frame.to_parquet(work / "pandas.parquet", index=False)
        rows, cols = frame.shape
    else:
        from cxradar.features import build_feature_months, open_engine

        engine_kind = "spark" if impl.startswith("spark") else "duckdb"
        if engine_kind == "spark":
            from cxradar.engine.spark import start_session

            start_session("local[2]")
        engine = open_engine(engine_kind, work / f"engine-{impl}", data, threads=2)
        try:
            if impl.endswith("next"):  # last month's cycle first, untimed
                build_feature_months(
                    engine, _cycle(month, back=1), cache_dir=work / "cache", fingerprint="bench"
                )
                started = time.perf_counter()
            tables = build_feature_months(
                engine, _cycle(month), cache_dir=work / "cache", fingerprint="bench"
            )
            seconds, cpu = time.perf_counter() - started, _cpu() - cpu
            if impl == "duckdb":  # for the comparison with pandas
                engine.write_parquet(
                    f"SELECT * FROM {tables[month]}", work / "duckdb.parquet", order_by="msisdn"
                )
            rows = int(engine.fetch(f"SELECT COUNT(*) AS n FROM {tables[month]}")["n"].iloc[0])
            cols = len(engine.columns(tables[month]))
        finally:
            engine.close()
    if impl == "pandas":
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "impl": impl,
                "seconds": seconds,
                "rows": rows,
                "cols": cols,
                "peak_kib": max(own.ru_maxrss, kids.ru_maxrss),
                "cpu_seconds": cpu,
                "load": os.getloadavg()[0],
            }
        )
    )


def _run_child(args: list[str]) -> dict[str, float]:
    proc = subprocess.run([sys.executable, str(HERE), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"child {args[:2]} failed")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _report(name: str, r: dict[str, float]) -> None:
    print(
        f"{name}: {int(r['rows']):,} x {int(r['cols'])} (as-of month) in {r['seconds']:.1f} s wall, "
        f"{r['cpu_seconds']:.1f} s CPU; peak RSS {r['peak_kib'] / 2**20:.2f} GiB; load average {r['load']:.1f}",
        flush=True,
    )


def _compare(duck: pd.DataFrame, base: pd.DataFrame, sample: int, seed: int) -> tuple[int, int, list[str]]:
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(duck), size=min(sample, len(duck)), replace=False))
    d = duck.iloc[pick].set_index("msisdn")
    b = base.set_index("msisdn").loc[d.index, d.columns]
    bad = []
    for col in d.columns:
        x, y = d[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
            ok = np.allclose(x.astype("float64"), y.astype("float64"), rtol=1e-6, atol=1e-9, equal_nan=True)
        else:
            xs, ys = x.astype("object"), y.astype("object")
            ok = bool(((xs == ys) | (xs.isna() & ys.isna())).all())
        if not ok:
            bad.append(col)
    return len(pick), len(d.columns), bad


def _latest_month(data: Path) -> str:
    manifest = data / "manifest.json"
    if manifest.exists():
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("end_month", "2026-10"))
    months = pd.read_parquet(data / "usage_monthly.parquet", columns=["month"])["month"]
    return str(pd.to_datetime(months).max().strftime("%Y-%m"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=50_000, help="simulated when --data is not given")
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--data", type=Path, default=None, help="a folder of contract tables (reused as it is)"
    )
    parser.add_argument("--month", default=None, help="the run month M (default: the data's last month)")
    parser.add_argument("--sample", type=int, default=5000, help="subscribers compared with pandas")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--spark", action="store_true", help="also the cold cycle on Spark local[2]")
    parser.add_argument("--child", nargs=4, metavar=("IMPL", "DATA", "MONTH", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        impl, data, month, work = args.child
        _child(impl, Path(data), month, Path(work))
        return

    data = args.data or Path(f"/tmp/cxradar-bench-{args.subscribers}x{args.months}")
    if args.data is None and not (data / "manifest.json").exists():
        from cxradar.simulate import simulate

        started = time.perf_counter()
        simulate(args.subscribers, args.months, args.seed, data)
        print(
            f"simulated {args.subscribers:,} subscribers x {args.months} months in {time.perf_counter() - started:.0f} s"
        )
    month = args.month or _latest_month(data)
    work = Path(f"/tmp/cxradar-bench-features-{os.getpid()}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; data {data}"
    )
    print(
        f"as-of months {', '.join(_cycle(month))} (the monthly run's six); load average {os.getloadavg()[0]:.1f}"
    )
    results: dict[str, dict[str, float]] = {}
    try:
        for impl in ("duckdb", "duckdb-next", *(["spark"] if args.spark else [])):
            shutil.rmtree(work / impl, ignore_errors=True)
            (work / impl).mkdir(parents=True)
            results[impl] = _run_child(["--child", impl, str(data), month, str(work / impl)])
            _report(
                {
                    "duckdb": "DuckDB cold, 6 as-of months",
                    "duckdb-next": "DuckDB next month",
                    "spark": "Spark local[2] cold, 6 as-of months",
                }[impl],
                results[impl],
            )
        if args.skip_pandas:
            return
        (work / "pandas").mkdir(parents=True, exist_ok=True)
        base = results["pandas"] = _run_child(["--child", "pandas", str(data), month, str(work / "pandas")])
        _report("pandas baseline, 1 as-of month", base)
        per_month = results["duckdb"]["seconds"] / 6
        print(
            f"DuckDB vs pandas per as-of month: {base['seconds'] / per_month:.1f}x faster (wall, cold cycle / 6), "
            f"{base['cpu_seconds'] / (results['duckdb']['cpu_seconds'] / 6):.1f}x less CPU; "
            f"next month {base['seconds'] / results['duckdb-next']['seconds']:.1f}x faster than one pandas month"
        )
        n, cols, bad = _compare(
            pd.read_parquet(work / "duckdb" / "duckdb.parquet"),
            pd.read_parquet(work / "pandas" / "pandas.parquet"),
            args.sample,
            args.seed,
        )
        verdict = "yes" if not bad else "NO: " + ", ".join(bad)
        print(f"same numbers on a sample of {n:,} subscribers x {cols} features: {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: the lookup service at operator scale (issue 13's floors; docs/performance.md).

Synthesises a month's run outputs for N care cards (default 5,000,000) with DuckDB - explicit pool,
potential list with reasons in zh and en, the care plan with control group, pending flags,
fatigue / do-not-disturb, churn list - then measures, each on the real code path:

* ``build_cards`` (DuckDB SQL over the Parquet outputs) and ``cxradar publish`` (the lookup file);
* the start of one uvicorn worker pinned to core 0 (``taskset -c 0``) until ``/readyz`` answers,
  and its memory (RSS, and what is its own: anonymous + private dirty pages; the mapped card
  file is shared page cache);
* lookups with Debian's ``wrk`` pinned to core 1: 50 keep-alive connections, half known and half
  unknown numbers at random, every status counted (200 and 404 expected, anything else an error);
* durable deliveries with ``wrk`` (each request its own Idempotency-Key), then the store is
  counted: every acknowledged delivery must be in it.

``--compare`` also measures an immutable SQLite file against the mmap'd array in-process.
``--reuse`` keeps a run folder built before for the same ``--n`` (synthesis, ``build_cards`` and
``publish`` are skipped: for iterating on the service; the reported build figures are then absent).
``wrk`` is installed with apt-get when missing (as root; the Makefile's bench target does it too).
The machine is shared: the load average is printed beside the figures.

    .venv/bin/python bench/serve.py [--n 5000000] [--seconds 30] [--compare] [--reuse] [--work bench/out/serve]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cxradar.serve.cards import build_cards, cards_path  # noqa: E402
from cxradar.serve.keys import KeyFile  # noqa: E402
from cxradar.serve.publish import publish  # noqa: E402
from cxradar.serve.snapshot import Snapshot  # noqa: E402

MONTH = "2026-10"
CARD_SHARE = 0.8  # pool 10 % + potential 60 % + churn-only 10 % of the synthetic subscribers


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def synthesise(run: Path, n_cards: int) -> dict[str, float]:
    """Write the run outputs build_cards reads for about ``n_cards`` cards; returns seconds."""
    if run.exists():
        shutil.rmtree(run)
    (run / "care" / MONTH).mkdir(parents=True)
    (run / "churn").mkdir()
    started = time.perf_counter()
    n = int(n_cards / CARD_SHARE)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # msisdn = 13e9 + (i * a mod 7e9): a bijection onto 13000000000..19999999999, scattered
    con.execute(
        f"""CREATE VIEW subs AS SELECT i,
            CAST(13000000000 + (i * 2654435761) % 7000000000 AS VARCHAR) AS msisdn,
            (hash(i) % 2147483647)::BIGINT AS h, i % 10 AS slot
        FROM range({n}) t(i)"""
    )
    reasons_en = (
        "printf('model risk %d %%: congestion rate of the cells used, weighted by traffic share = %.6f raises "
        "the risk; 3-month over 6-month average voice minutes = %.6f raises the risk; drop rate of the cells "
        "used = %.6f raises the risk', (h % 100)::INT, (h % 1000000) / 1e7, (h % 999983) / 1e6, (h % 7919) / 1e5)"
    )
    reasons_zh = (
        "printf('模型预测不满意概率%d%%：使用小区拥塞率（流量加权）为%.6f，风险升高；近3月与近6月月均通话分钟之比为%.6f，"
        "风险升高；使用小区掉话率为%.6f，风险升高', (h % 100)::INT, (h % 1000000) / 1e7, (h % 999983) / 1e6, (h % 7919) / 1e5)"
    )
    out = {
        "pool": """SELECT msisdn, TIMESTAMP '2026-10-01' + INTERVAL (h % 2592000) SECOND AS entered_at,
                ['complaint', 'low_rating', 'low_survey'][(h % 3) + 1] AS entry_signal,
                ['network', 'billing', 'service', 'value'][(h % 4) + 1] AS cause,
                printf('complaint about service (severity %d) via service hall, 2026-10-%02d', (h % 3 + 1)::INT, (h % 28 + 1)::INT) AS reasons_en,
                printf('2026-10-%02d 通过营业厅投诉服务问题（严重程度%d）', (h % 28 + 1)::INT, (h % 3 + 1)::INT) AS reasons_zh
            FROM subs WHERE slot = 0""",
        "potential_dissatisfied": f"""SELECT msisdn,
                ['silent', 'incident_hit', 'model_predicted', 'silent;model_predicted', 'incident_hit;model_predicted'][(h % 5) + 1] AS kinds,
                (h % 10000) / 10000.0 AS probability, ['network', 'billing', 'service', 'value', 'unknown'][(h % 5) + 1] AS cause,
                {reasons_en} AS reasons_en, {reasons_zh} AS reasons_zh
            FROM subs WHERE slot BETWEEN 1 AND 6""",
        "churners": """SELECT row_number() OVER () AS rank, msisdn, (h % 9000) / 10000.0 + 0.05 AS probability,
                CASE WHEN h % 4 = 0 THEN printf('G%08d', (h % 5000)::INT) END AS group_id,
                printf('call forwards in month 1 of the last 3 = %d raises the risk; spend (CNY): as-of month minus the month before = %.2f raises the risk', (h % 12)::INT, -((h % 10000) / 100.0)) AS reasons_en,
                printf('近3月第1月呼叫转移次数为%d，风险升高；消费环比变化为%.2f，风险升高', (h % 12)::INT, -((h % 10000) / 100.0)) AS reasons_zh
            FROM subs WHERE slot = 7 OR (slot < 7 AND h % 10 = 0)""",
    }
    for name, query in out.items():
        target = run / ("churn/churners.parquet" if name == "churners" else f"{name}.parquet")
        con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)")
    strategies = "['targeted_remedy', 'proactive_outreach', 'wait_for_contact']"
    con.execute(
        f"""CREATE VIEW plan AS SELECT msisdn, printf('care-{MONTH}-%08d', i) AS id, 'care-{MONTH}' AS campaign,
            CASE WHEN h % 20 = 0 THEN 'control' ELSE 'treatment' END AS "group",
            {strategies}[(h % 3) + 1] AS strategy,
            CASE h % 3 WHEN 0 THEN ['outbound', 'sms'][(h % 2) + 1] WHEN 1 THEN ['outbound', 'app'][(h % 2) + 1] ELSE 'hotline' END AS channel,
            CASE WHEN h % 3 = 0 THEN ['network_ticket', 'bill_explanation', 'better_fitting_plan'][(h % 3) + 1] END AS remedy_action,
            printf('Rule R%02d: script for the customer (variant %d): apologise, explain what was fixed, offer a benefit that suits them.', (h % 9)::INT, (h % 9)::INT) AS script_en,
            printf('规则R%02d话术（第%d种）：致歉，说明已修复情况，并推荐适合客户的权益。', (h % 9)::INT, (h % 9)::INT) AS script_zh,
            printf('Rule R%02d (a customer whose case matches rule %d): the care strategy and channel chosen for them, with the reason.', (h % 9)::INT, (h % 9)::INT) AS decision_en,
            printf('规则R%02d（符合第%d条规则的客户）：为其选择的关怀策略与渠道及原因。', (h % 9)::INT, (h % 9)::INT) AS decision_zh,
            '' AS policy_note_en, '' AS policy_note_zh,
            TIMESTAMP '2026-11-01 09:00:00' AS assigned_at, TIMESTAMP '2026-11-01' + INTERVAL (h % 14) DAY AS scheduled_date,
            '09:00-21:00' AS allowed_hours, i, h
        FROM subs WHERE slot <= 6 AND h % 100 < 85"""
    )
    care = run / "care" / MONTH
    con.execute(
        f"COPY (SELECT * EXCLUDE (i, h) FROM plan) TO '{care / 'care_plan.parquet'}' (FORMAT parquet)"
    )
    con.execute(
        f"""COPY (SELECT id AS care_id, msisdn, campaign, NULL::VARCHAR AS remedy, remedy_action, script_en, script_zh,
                decision_en, decision_zh, assigned_at AS created_at, assigned_at + INTERVAL 30 DAY AS expires_at,
                'pending' AS status, NULL::TIMESTAMP AS delivered_at, NULL::VARCHAR AS delivered_channel, NULL::VARCHAR AS outcome
            FROM plan WHERE strategy = 'wait_for_contact' AND "group" = 'treatment') TO '{care / "pending_care.parquet"}' (FORMAT parquet)"""
    )
    con.execute(
        f"""COPY (SELECT msisdn, CASE WHEN h % 5 = 0 THEN 'dnd' ELSE 'fatigue_30d' END AS reason,
                CASE WHEN h % 5 = 0 THEN 'on the do-not-disturb list' ELSE 'contact-fatigue limit reached (1 proactive contact(s) in 30 days)' END AS detail_en,
                CASE WHEN h % 5 = 0 THEN '在免打扰名单中' ELSE '已达接触频次上限（30天内1次主动接触）' END AS detail_zh
            FROM subs WHERE slot <= 6 AND h % 10 = 3) TO '{care / "care_left_out.parquet"}' (FORMAT parquet)"""
    )
    known = [r[0] for r in con.execute("SELECT msisdn FROM subs USING SAMPLE 200000 ROWS").fetchall()]
    deliverable = [
        r[0]
        for r in con.execute(
            """SELECT msisdn FROM plan WHERE strategy = 'wait_for_contact' AND "group" = 'treatment'
               USING SAMPLE 100000 ROWS"""
        ).fetchall()
    ]
    con.close()
    (run / "summary.json").write_text(json.dumps({"month": MONTH}))
    (run / "churn" / "churn_report.json").write_text(json.dumps({"month": MONTH}))
    (run / "bench_known.txt").write_text("\n".join(known) + "\n")
    (run / "bench_deliverable.txt").write_text("\n".join(deliverable) + "\n")
    return {"synthesise_s": time.perf_counter() - started}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: apt-get install wrk (as root), then run again")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


_COUNTING = """
counts = {}
local threads = {}
setup = function(thread) table.insert(threads, thread) end
response = function(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
done = function(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for status, n in pairs(c) do merged[status] = (merged[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(merged) do table.insert(parts, '"' .. status .. '":' .. n) end
  io.write("STATUS {" .. table.concat(parts, ",") .. "}\\n")
  io.write(string.format("LATENCY p50=%d p90=%d p99=%d p999=%d max=%d\\n", latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
"""


def lookup_script(path: Path, numbers: Path, token: str) -> None:
    path.write_text(
        f"""local numbers = {{}}
for line in io.lines("{numbers}") do numbers[#numbers + 1] = line end
math.randomseed(os.time())
request = function()
  local n
  if math.random() < 0.5 then n = numbers[math.random(#numbers)]
  else n = string.format("1%d%09d", math.random(3, 9), math.random(0, 999999999)) end
  return wrk.format("GET", "/v1/subscribers/" .. n .. "/care", {{["Authorization"] = "Bearer {token}"}})
end
{_COUNTING}"""
    )


def delivery_script(path: Path, numbers: Path, token: str) -> None:
    path.write_text(
        f"""local numbers = {{}}
for line in io.lines("{numbers}") do numbers[#numbers + 1] = line end
local counter = 0
local tag = tostring(os.time()) .. tostring(math.random(1000000))
request = function()
  counter = counter + 1
  local n = numbers[math.random(#numbers)]
  local body = '{{"channel":"hotline","time":"2026-11-05T10:00:00","outcome":"delivered","agent":"B001"}}'
  return wrk.format("POST", "/v1/subscribers/" .. n .. "/care/deliveries",
    {{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json",
     ["Idempotency-Key"] = tag .. "-" .. counter}}, body)
end
{_COUNTING}"""
    )


def run_wrk(wrk: str, script: Path, url: str, seconds: int) -> dict[str, object]:
    out = subprocess.run(
        ["taskset", "-c", "1", wrk, "-t1", "-c50", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    statuses = json.loads(re.search(r"STATUS (\{.*\})", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"(p\d+|max)=(\d+)", out))
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "statuses": {int(k): v for k, v in statuses.items()},
        "latency_ms": {k: int(v) / 1000 for k, v in latency.items()},
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def memory(pid: int) -> dict[str, float]:
    fields = dict(re.findall(r"^(\w+):\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M))
    mb = {k: int(v) / 1024 for k, v in fields.items()}
    # own = anonymous pages (heap, stacks); the rest of RSS is file pages (the card file, libraries)
    return {"rss_mb": mb["Rss"], "own_mb": mb["Anonymous"], "file_mb": mb["Rss"] - mb["Anonymous"]}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (robust to other load, unlike a rate)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loaded(wrk: str, script: Path, url: str, seconds: int, pid: int) -> dict[str, object]:
    """One wrk run, with the server's CPU time per answered request."""
    before = cpu_seconds(pid)
    figures = run_wrk(wrk, script, url, seconds)
    answered = sum(figures["statuses"].values())  # type: ignore[attr-defined]
    figures["server_cpu_us_per_request"] = (cpu_seconds(pid) - before) / max(answered, 1) * 1e6
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_and_measure(run: Path, keys: Path, tokens: dict[str, str], seconds: int) -> dict[str, object]:
    from cxradar.serve.delivery_io import read_delivery_log

    wrk = ensure_wrk()
    stored_before = len(read_delivery_log(run))  # a reused run folder keeps earlier runs' deliveries
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "cxradar", "serve", str(run), "--port", str(port), "--keys", str(keys)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > 60 or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.01)
        start_s = time.perf_counter() - started
        at_start = memory(server.pid)
        work = run / "wrk"
        work.mkdir(exist_ok=True)
        lookup_script(work / "lookup.lua", run / "bench_known.txt", tokens["reader"])
        delivery_script(work / "deliver.lua", run / "bench_deliverable.txt", tokens["deliverer"])
        run_wrk(wrk, work / "lookup.lua", url, 5)  # warm the page cache and the interpreter
        load_before = loadavg()
        lookups = loaded(wrk, work / "lookup.lua", url, seconds, server.pid)
        after_lookups = memory(server.pid)
        deliveries = loaded(wrk, work / "deliver.lua", url, seconds, server.pid)
        after_deliveries = memory(server.pid)
        load_after = loadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    stored = len(read_delivery_log(run)) - stored_before
    return {
        "start_s": start_s, "memory_at_start": at_start, "memory_after_lookups": after_lookups,
        "memory_after_deliveries": after_deliveries, "lookups": lookups, "deliveries": deliveries,
        "deliveries_stored": stored, "load_before": load_before, "load_after": load_after,
    }  # fmt: skip


def compare_formats(run: Path, snapshot: Path, samples: int = 100_000) -> dict[str, float]:
    """In-process point lookups: the mmap'd array against an immutable SQLite file of the same cards."""
    import pyarrow.dataset as ds

    db = run / "cards.sqlite"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("CREATE TABLE cards (k INTEGER PRIMARY KEY, card BLOB) WITHOUT ROWID")
    for batch in ds.dataset(str(cards_path(run, MONTH))).to_batches(
        columns=["msisdn", "card"], batch_size=100_000
    ):
        rows = zip(map(int, batch.column(0).to_pylist()), batch.column(1).to_pylist(), strict=True)
        con.executemany("INSERT INTO cards VALUES (?, ?)", sorted(rows))
    con.commit()
    con.close()
    sqlite_build = time.perf_counter() - started
    keys = [int(line) for line in (run / "bench_known.txt").read_text().split()][:samples]
    keys += [13_000_000_000 + random.randrange(7 * 10**9) for _ in range(samples)]
    random.shuffle(keys)
    ro = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    query = "SELECT card FROM cards WHERE k = ?"
    t = time.perf_counter()
    for k in keys:
        ro.execute(query, (k,)).fetchone()
    sqlite_us = (time.perf_counter() - t) / len(keys) * 1e6
    ro.close()
    snap = Snapshot(snapshot)
    t = time.perf_counter()
    for k in keys:
        snap.get(k)
    mmap_us = (time.perf_counter() - t) / len(keys) * 1e6
    snap.close()
    return {
        "sqlite_build_s": sqlite_build, "sqlite_lookup_us": sqlite_us, "sqlite_mb": db.stat().st_size / 2**20,
        "mmap_lookup_us": mmap_us, "mmap_mb": snapshot.stat().st_size / 2**20,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=5_000_000, help="care cards to synthesise")
    parser.add_argument("--seconds", type=int, default=30, help="length of each wrk run")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "serve")
    parser.add_argument(
        "--compare", action="store_true", help="also time an immutable SQLite file in-process"
    )
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory limit for build_cards")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the run folder built before for the same --n"
    )
    args = parser.parse_args()
    run = args.work / "run"
    print(f"load average at start: {loadavg()}", flush=True)
    built_for = run / "bench_n.txt"
    if args.reuse and built_for.is_file() and built_for.read_text().strip() == str(args.n):
        figures = {"reused": str(run)}
        snapshot = (
            run / "serve" / "snapshots" / json.loads((run / "serve" / "current.json").read_text())["file"]
        )
    else:
        figures, snapshot = build_and_publish(run, args.n, args.memory_limit)
        built_for.write_text(f"{args.n}\n")
    measure(args, run, snapshot, figures)


def build_and_publish(run: Path, n: int, memory_limit: str) -> tuple[dict[str, object], Path]:
    """Synthesise the run outputs, build the cards and publish them; returns figures and the file."""
    figures: dict[str, object] = synthesise(run, n)
    print(f"synthesised the run outputs in {figures['synthesise_s']:.1f} s", flush=True)
    t = time.perf_counter()
    meta = build_cards(run, MONTH, memory_limit=memory_limit)
    figures.update(
        build_s=time.perf_counter() - t,
        cards=meta["count"],
        cards_parquet_mb=cards_path(run, MONTH).stat().st_size / 2**20,
    )
    print(f"build_cards: {meta['count']:,} cards in {figures['build_s']:.1f} s", flush=True)
    t = time.perf_counter()
    manifest = publish(run, MONTH)
    snapshot = run / "serve" / "snapshots" / manifest["file"]
    figures.update(publish_s=time.perf_counter() - t, snapshot_mb=snapshot.stat().st_size / 2**20)
    print(f"publish: {figures['publish_s']:.1f} s, {figures['snapshot_mb']:.0f} MB", flush=True)
    return figures, snapshot


def measure(
    args: argparse.Namespace, run: Path, snapshot: Path, figures: dict[str, object]
) -> dict[str, object]:
    """Serve, load, count; prints the summary line and returns every figure."""
    (args.work / "keys.json").unlink(missing_ok=True)
    store = KeyFile(args.work / "keys.json")
    tokens = {
        "reader": store.create("bench", ["care:read"])[0],
        "deliverer": store.create("bench-d", ["care:read", "care:deliver"])[0],
    }
    figures.update(serve_and_measure(run, store.path, tokens, args.seconds))
    if args.compare:
        figures["compare"] = compare_formats(run, snapshot)
    lookups, deliveries = figures["lookups"], figures["deliveries"]
    assert isinstance(lookups, dict) and isinstance(deliveries, dict)
    acknowledged = deliveries["statuses"].get(201, 0)
    figures["lookup_errors"] = sum(n for s, n in lookups["statuses"].items() if s not in (200, 404))
    figures["delivery_errors"] = sum(n for s, n in deliveries["statuses"].items() if s != 201)
    figures["deliveries_lost"] = max(0, acknowledged - int(figures["deliveries_stored"]))  # type: ignore[call-overload]
    print(json.dumps(figures, indent=2, default=str))
    print(
        f"\nlookups {lookups['requests_per_s']:,.0f}/s p99 {lookups['latency_ms']['p99']} ms, errors {figures['lookup_errors']}, "
        f"{lookups['server_cpu_us_per_request']:.0f} µs server CPU each · "
        f"start {figures['start_s']:.2f} s · own memory {figures['memory_after_lookups']['own_mb']:.0f} MB "  # type: ignore[index]
        f"(RSS {figures['memory_after_lookups']['rss_mb']:.0f} MB) · publish {figures.get('publish_s', float('nan')):.1f} s · "  # type: ignore[index]
        f"deliveries {deliveries['requests_per_s']:,.0f}/s ({deliveries['server_cpu_us_per_request']:.0f} µs CPU each), acknowledged {acknowledged:,}, stored {figures['deliveries_stored']:,}, "
        f"lost {figures['deliveries_lost']} · load {figures['load_before']} -> {figures['load_after']}"
    )
    return figures


if __name__ == "__main__":
    main()

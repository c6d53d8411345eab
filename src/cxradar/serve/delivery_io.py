"""Deliveries back into the monthly run: the API's delivery store as ``care_actions`` rows.

:func:`read_deliveries` returns one row per care action that a channel reported, in the columns of
the ``care_actions`` contract (conf/contract/care_actions.yaml), so the run merges it like any
other care history: the explicit pool's exit rules see ``delivered_at`` and ``outcome=resolved``,
the campaign evaluation sees who was reached. When a care action was reported more than once
the latest report that reached the customer (delivered, resolved, refused) wins; an
``unreachable`` report counts only when nothing reached them, and carries no ``delivered_at``.

:func:`apply_deliveries` marks the reported wait-for-contact flags in every month's
``care/MONTH/pending_care.parquet`` (so the next month's cards no longer show them) and copies
delivery time and outcome into that month's ``care_plan`` and ``care_actions`` with the care
package's own :func:`~cxradar.care.pending.sync_care_actions`. The run calls it before it
evaluates last month's campaign. Both read the store read-only; neither changes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.care.io import read_decisions, write_parquet
from cxradar.care.pending import sync_care_actions
from cxradar.config import conf_path
from cxradar.contract import load_contract
from cxradar.errors import UnreadableFileError
from cxradar.serve.deliveries import connect, store_path

__all__ = ["apply_deliveries", "care_action_columns", "read_deliveries", "read_delivery_log"]

_REACHED = ("delivered", "resolved", "refused")


def care_action_columns() -> list[str]:
    """The ``care_actions`` contract's columns, in its order."""
    return [c.name for c in load_contract(conf_path("contract", "care_actions.yaml")).columns]


def read_delivery_log(run_dir: Path) -> pd.DataFrame:
    """Every stored delivery row, oldest first (empty when nothing was ever delivered)."""
    path = store_path(run_dir)
    columns = [
        "seq", "delivery_id", "key_id", "month", "care_id", "campaign", "strategy", "assigned_channel",
        "assigned_at", "msisdn", "delivered_channel", "agent", "delivered_at", "outcome", "rating", "received_at",
    ]  # fmt: skip
    if not path.is_file():
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    try:
        con = connect(path, readonly=True)
        try:
            rows = con.execute(f"SELECT {', '.join(columns)} FROM deliveries ORDER BY seq").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        raise UnreadableFileError(
            f"{path} is not a readable delivery store: {error}",
            fix="restore the file from backup; never edit it by hand",
        ) from error
    log = pd.DataFrame.from_records(rows, columns=columns)
    for col in ("assigned_at", "delivered_at", "received_at"):
        log[col] = pd.to_datetime(log[col]).astype("datetime64[us]")
    for col in columns:
        if col not in ("seq", "rating", "assigned_at", "delivered_at", "received_at"):
            log[col] = log[col].astype("string")
    log["rating"] = log["rating"].astype("Int64")
    return log


def _final(log: pd.DataFrame) -> pd.DataFrame:
    """One row per care action: the latest reaching report, else the latest attempt."""
    reached = log["outcome"].isin(_REACHED)
    ordered = log.assign(_reached=reached).sort_values(["care_id", "_reached", "delivered_at", "seq"])
    return ordered.groupby("care_id", sort=True).tail(1).drop(columns="_reached").reset_index(drop=True)


def read_deliveries(run_dir: Path) -> pd.DataFrame:
    """The care actions channels reported, one row per care action, in the contract's columns."""
    log = read_delivery_log(run_dir)
    columns = care_action_columns()
    if log.empty:
        out = pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
        for col in ("assigned_at", "delivered_at"):
            out[col] = out[col].astype("datetime64[us]")
        return out
    final = _final(log)
    delivered_at = final["delivered_at"].where(final["outcome"].isin(_REACHED))
    out = pd.DataFrame(
        {
            "id": final["care_id"],
            "msisdn": final["msisdn"],
            "campaign": final["campaign"],
            "strategy": final["strategy"],
            "channel": final["assigned_channel"],
            "assigned_at": final["assigned_at"],
            "group": pd.Series("treatment", index=final.index, dtype="string"),
            "delivered_at": delivered_at.astype("datetime64[us]"),
            "outcome": final["outcome"],
        }
    )
    return out[columns]


def apply_deliveries(
    run_dir: Path,
    *,
    read: Callable[[str], Path] | None = None,
    write: Callable[[str], Path] | None = None,
) -> dict[str, int]:
    """Mark reported care in every month's pending flags and plan; returns counts per file kind.

    ``read`` and ``write`` map a path relative to RUN_DIR to the file to read and to write (the
    monthly run reads the newest version and writes into its staging folder, so the marks are
    committed with the month); by default both are the file in RUN_DIR."""
    run_dir = Path(run_dir)
    source = read or (lambda rel: run_dir / rel)
    target = write or (lambda rel: run_dir / rel)
    log = read_delivery_log(run_dir)
    counts = {"pending": 0, "plan": 0}
    if log.empty:
        return counts
    final = _final(log).set_index("care_id")
    done = _as_done(final)
    tables = ["care_actions.parquet"]  # the run's consolidated care history, and each month's
    for folder in sorted(p for p in (run_dir / "care").glob("*") if p.is_dir()):
        pending_rel = f"care/{folder.name}/pending_care.parquet"
        if source(pending_rel).is_file():
            pending = pd.read_parquet(source(pending_rel))
            updated, n = _mark_pending(pending, final)
            if n:
                write_parquet(updated, target(pending_rel))
                counts["pending"] += n
        tables += [f"care/{folder.name}/care_plan.parquet", f"care/{folder.name}/care_actions.parquet"]
    for rel in tables:
        if source(rel).is_file():
            n = _sync(source(rel), done, target(rel))
            counts["plan"] += n if rel.endswith("care_plan.parquet") else 0
    return counts


def _sync(path: Path, done: pd.DataFrame, out: Path | None = None) -> int:
    """Copy delivery time and outcome into a care_actions-shaped file (written to ``out``, default
    ``path``); returns the rows changed."""
    table = read_decisions(path)
    hit = table["id"].isin(done["care_id"])
    if "outcome" in table.columns:  # the evaluation's verdict 'resolved' is never undone
        hit &= table["outcome"].astype("string").fillna("") != "resolved"
    if not hit.any():
        return 0
    synced = sync_care_actions(table, done.loc[done["care_id"].isin(table.loc[hit, "id"])])
    if synced.equals(table):
        return 0
    write_parquet(synced, out or path)
    return int(hit.sum())


def _as_done(final: pd.DataFrame) -> pd.DataFrame:
    """The reports as the pending table's shape that sync_care_actions reads."""
    reached = final["outcome"].isin(_REACHED)
    return pd.DataFrame(
        {
            "care_id": final.index.astype("string"),
            "status": final["outcome"].to_numpy(),
            "delivered_at": final["delivered_at"].where(reached).astype("datetime64[us]").to_numpy(),
            "outcome": final["outcome"].to_numpy(),
        }
    )


def _mark_pending(pending: pd.DataFrame, final: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Pending (or since expired) flags a channel reached before they expired."""
    reports = final.reindex(pending["care_id"].astype("string"))
    reached = reports["outcome"].isin(_REACHED).to_numpy()
    open_ = pending["status"].isin(["pending", "expired"]).to_numpy()
    in_time = (reports["delivered_at"].to_numpy() < pending["expires_at"].to_numpy()) & (
        reports["delivered_at"].to_numpy() >= pending["created_at"].to_numpy()
    )
    hit = reached & open_ & in_time
    if not hit.any():
        return pending, 0
    out = pending.copy()
    rows: Any = reports.loc[hit]
    out.loc[hit, "status"] = rows["outcome"].replace({"resolved": "delivered"}).to_numpy()
    out.loc[hit, "outcome"] = rows["outcome"].to_numpy()
    out.loc[hit, "delivered_at"] = rows["delivered_at"].to_numpy()
    out.loc[hit, "delivered_channel"] = rows["delivered_channel"].to_numpy()
    return out, int(hit.sum())

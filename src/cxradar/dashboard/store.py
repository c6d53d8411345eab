"""The report's tables on disk: ``RUN_DIR/report/{table}.parquet`` and ``{table}.csv`` (UTF-8 + BOM).

Each table keeps every month the report was built for (column ``month``); building a month again
replaces that month's rows and leaves the others, so the folder accumulates the history a BI tool
(Superset, FineBI, Tableau) or next month's report reads. ``manifest.json`` lists the months and
tables. Everything is written atomically (:mod:`cxradar.engine.files`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cxradar.dashboard.tables import TableSpec
from cxradar.engine.files import atomic_write_csv, atomic_write_parquet, atomic_write_text, read_parquet
from cxradar.errors import StateError

__all__ = ["REPORT_DIR", "conform", "read_manifest", "read_tables", "stored_months", "write_tables"]

REPORT_DIR = "report"


def conform(frame: pd.DataFrame, spec: TableSpec, month: str) -> pd.DataFrame:
    """``frame`` with ``month`` first and exactly the declared columns and types."""
    body = spec.column_names[1:]
    if list(frame.columns) != body:
        raise StateError(
            f"aggregate '{spec.name}' has columns {list(frame.columns)}, declared {body}",
            fix="a bug in cxradar.dashboard.aggregates: report it with this message",
        )
    out = frame.copy()
    out.insert(0, "month", month)
    for column in spec.columns:
        if column.dtype == "float":
            out[column.name] = pd.to_numeric(out[column.name], errors="coerce").astype("float64")
        elif column.dtype == "int":
            out[column.name] = pd.to_numeric(out[column.name], errors="coerce").round().astype("Int64")
        elif column.dtype == "bool":
            out[column.name] = out[column.name].astype("boolean")
        else:
            out[column.name] = out[column.name].astype("string")
    return out.reset_index(drop=True)


def _path(report_dir: Path, name: str, suffix: str) -> Path:
    return Path(report_dir) / f"{name}.{suffix}"


def read_tables(report_dir: Path, specs: dict[str, TableSpec]) -> dict[str, pd.DataFrame]:
    """Every stored table (all months); a table not written yet is an empty frame of its columns."""
    out = {}
    for name, spec in specs.items():
        path = _path(report_dir, name, "parquet")
        out[name] = (
            read_parquet(path).to_pandas() if path.is_file() else pd.DataFrame(columns=spec.column_names)
        )
    return out


def write_tables(
    report_dir: Path, month: str, frames: dict[str, pd.DataFrame], specs: dict[str, TableSpec]
) -> list[Path]:
    """Replace ``month``'s rows of every table (Parquet and CSV) and update the manifest."""
    report_dir = Path(report_dir)
    written = []
    stored = read_tables(report_dir, specs)
    for name, spec in specs.items():
        new = conform(frames[name], spec, month)
        old = stored[name]
        old = old.loc[old["month"] != month] if len(old) else old
        parts = [p for p in (old, new) if len(p)]
        table = pd.concat(parts, ignore_index=True) if parts else new
        table = table.sort_values("month", kind="stable").reset_index(drop=True)
        table = conform(table.drop(columns="month"), spec, "").assign(month=table["month"].astype("string"))
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        written.append(atomic_write_parquet(arrow, _path(report_dir, name, "parquet")))
        written.append(atomic_write_csv(arrow, _path(report_dir, name, "csv")))
    manifest = read_manifest(report_dir)
    months = sorted(set(manifest.get("months", [])) | {month})
    manifest = {
        "months": months,
        "tables": sorted(specs),
        "built": {**manifest.get("built", {}), month: datetime.now(UTC).isoformat(timespec="seconds")},
    }
    atomic_write_text(json.dumps(manifest, indent=2) + "\n", report_dir / "manifest.json")
    return written


def read_manifest(report_dir: Path) -> dict:
    """``manifest.json`` of a report folder (empty when none)."""
    path = Path(report_dir) / "manifest.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def stored_months(report_dir: Path) -> list[str]:
    """The months whose tables are stored in ``report_dir``."""
    return [str(m) for m in read_manifest(report_dir).get("months", [])]

"""The run folder as the aggregate step sees it: JSON reports and Parquet files as DuckDB views.

The monthly run writes (see ``cxradar.pipeline.context``, ``cxradar.campaigns.step``,
``cxradar.churn.step``)::

    RUN_DIR/summary.json, model_report.json, pool.parquet, pool_history.parquet,
            potential_dissatisfied.parquet, features/ (cache), validated/accepted/*.parquet,
            care/YYYY-MM/*, churn/*

:class:`RunFiles` opens one DuckDB connection with a view per file that exists (a Parquet table
may also be a folder of parts, as a Spark run writes it), so every aggregate is a SQL query over
the files and no subscriber table is ever loaded whole into Python. JSON files are small and are
read as dicts. Only the files of the month in ``summary.json`` describe that month; the report for
an earlier month is rebuilt from the tables stored when it was built (:mod:`cxradar.dashboard.store`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from cxradar.errors import StateError, UnreadableFileError
from cxradar.features.cache import cached_tables

__all__ = ["RunFiles", "read_json"]

# view name -> path under RUN_DIR ({month} is the summary's month)
VIEWS = {
    "subscribers": "validated/accepted/subscribers",
    "complaints": "validated/accepted/complaints",
    "surveys": "validated/accepted/surveys",
    "contacts": "validated/accepted/contacts",
    "staff": "validated/accepted/staff",
    "followups": "validated/accepted/followups",
    "pool": "pool",
    "pool_history": "pool_history",
    "potential": "potential_dissatisfied",
    "care_plan": "care/{month}/care_plan",
    "care_left_out": "care/{month}/care_left_out",
    "churners": "churn/churners",
    "group_alerts": "churn/group_alerts",
    "multi_sim": "churn/multi_sim",
}


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; a clear error when it is missing or broken."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise UnreadableFileError(
            f"{path} does not exist", fix="run the month first: cxradar run DATA_DIR --month M --out RUN_DIR"
        ) from error
    except ValueError as error:
        raise UnreadableFileError(
            f"{path} is not valid JSON ({error})", fix="re-run the month to rewrite it"
        ) from error
    if not isinstance(data, dict):
        raise UnreadableFileError(f"{path} does not hold a JSON object", fix="re-run the month to rewrite it")
    return data


def _previous(month: str) -> str:
    return (pd.Timestamp(f"{month}-01") - pd.DateOffset(months=1)).strftime("%Y-%m")


def _scan(path: Path) -> str | None:
    """The DuckDB source for a table stored as ``path.parquet`` or a folder ``path/`` of parts."""
    file = path.with_name(path.name + ".parquet")
    if file.is_file():
        return f"read_parquet('{_quote(file)}')"
    if path.is_dir() and any(path.rglob("*.parquet")):
        return f"read_parquet('{_quote(path)}/**/*.parquet', union_by_name = true)"
    return None


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


class RunFiles:
    """A run folder: its summary, its JSON reports and a DuckDB connection with one view per file."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        if not self.run_dir.is_dir():
            raise UnreadableFileError(
                f"run folder {self.run_dir} does not exist",
                fix="pass the --out folder of cxradar run (or OUT/run of cxradar demo)",
            )
        self.summary = read_json(self.run_dir / "summary.json")
        month = self.summary.get("month")
        if not isinstance(month, str):
            raise StateError(
                f"{self.run_dir / 'summary.json'} has no month", fix="re-run the month to rewrite it"
            )
        self.month = month
        self.previous_month = _previous(month)
        self.feature_tables = cached_tables(self.run_dir / "features")  # scanned once per report
        self.con = duckdb.connect()
        self.con.execute("SET threads TO 2")
        self.views: set[str] = set()
        fill = {"month": month, "prev": self.previous_month}
        for view, relative in VIEWS.items():
            source = _scan(self.run_dir / relative.format(**fill))
            if source is not None:
                self.con.execute(f"CREATE VIEW {view} AS SELECT * FROM {source}")
                self.views.add(view)
        for view, period in (("features", month), ("features_prev", self.previous_month)):
            source = self.feature_source(period)
            if source is not None:
                self.con.execute(f"CREATE VIEW {view} AS SELECT * FROM {source}")
                self.views.add(view)

    def has(self, *views: str) -> bool:
        """True when every named view exists (its file was written by the run)."""
        return all(v in self.views for v in views)

    def columns(self, view: str) -> set[str]:
        """The column names of a view (empty when the view is absent)."""
        if view not in self.views:
            return set()
        return {row[0] for row in self.con.execute(f"DESCRIBE {view}").fetchall()}

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a query and return its (small, aggregated) result as a DataFrame."""
        return self.con.execute(query, params or []).df()

    def json(self, relative: str) -> dict[str, Any] | None:
        """A JSON report under the run folder, or ``None`` when the run did not write it."""
        path = self.run_dir / relative
        return read_json(path) if path.is_file() else None

    def care_months(self) -> list[str]:
        """Months with a care folder, up to the summary's month."""
        folder = self.run_dir / "care"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name <= self.month)

    def feature_months(self) -> list[str]:
        """Months with a features file, up to the summary's month."""
        return sorted(m for m in self.feature_tables if m <= self.month)

    def feature_source(self, month: str) -> str | None:
        """The DuckDB source of the features as of ``month`` (the run's feature cache), or None."""
        folder = self.feature_tables.get(month)
        if folder is None:
            return None
        # the shard folders (__shard=k) are not a column of the features
        return f"read_parquet('{_quote(folder)}/**/*.parquet', hive_partitioning = false)"

    def close(self) -> None:
        self.con.close()

"""Validate a data folder against the table contracts: accepted tables, quarantine, report.

``validate_dir`` reads every contract table from a folder (or, in wide-table mode, builds
``subscribers`` and ``usage_monthly`` from the operator's wide table), audits each one
(:mod:`cxradar.contract.audit`) in reference order so that references are checked against
*accepted* rows, and writes, atomically::

    out_dir/accepted/{table}.parquet     typed per the contract, only accepted rows
    out_dir/quarantine/{table}.csv       one line per problem (UTF-8 with BOM, for Excel)
    out_dir/validation_report.json       the ValidationReport

``read_table`` reads one table typed per its contract, for the steps after validation.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from cxradar.contract.audit import AuditResult, audit_table, check_columns, empty_table_sql
from cxradar.contract.parse import SQL_TYPES, parse_sql, quote_ident, quote_literal, raw_null_sql
from cxradar.contract.report import TableReport, ValidationReport
from cxradar.contract.schema import TableContract, load_contracts
from cxradar.contract.sources import Source, open_source
from cxradar.errors import ConfigError, DataError, DataQualityError, UnreadableFileError, did_you_mean
from cxradar.io import (
    atomic_output_dir,
    atomic_write_csv,
    atomic_write_text,
    find_table_file,
    guard_output,
    near_misses,
)

__all__ = ["connect", "read_table", "reference_order", "validate_dir"]

ProgressCallback = Callable[[str, int, int], None]
_TOP_PROBLEMS = 10


def connect(memory_limit: str = "2GB", spill_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection set up for validation (bounded memory, ordered output)."""
    con = duckdb.connect(
        config={"threads": 2, "memory_limit": memory_limit, "preserve_insertion_order": True}
    )
    if spill_dir is not None:
        con.execute(f"SET temp_directory = {quote_literal(str(spill_dir))}")
    return con


def reference_order(contracts: dict[str, TableContract]) -> list[str]:
    """Table names so that every referenced table comes before the tables referring to it."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done or name not in contracts:
            return
        if name in visiting:
            raise ConfigError(
                f"contracts reference each other in a cycle through '{name}'",
                fix="remove one of the references",
            )
        visiting.add(name)
        for ref in contracts[name].references:
            if ref.table != name:
                visit(ref.table)
        visiting.discard(name)
        done.append(name)

    for name in contracts:
        visit(name)
    return done


def validate_dir(
    data_dir: Path,
    out_dir: Path,
    *,
    contracts: dict[str, TableContract] | None = None,
    encoding: str | None = None,
    as_of: date | None = None,
    max_quarantine_share: float = 0.05,
    wide_table: Path | None = None,
    mapping: Path | None = None,
    progress: ProgressCallback | None = None,
) -> ValidationReport:
    """Validate every contract table in ``data_dir``; write accepted tables, quarantine and the
    report to ``out_dir`` (replaced as a whole, atomically). Re-running gives identical outputs."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    contracts = contracts or load_contracts()
    as_of = as_of or date.today()
    if not 0 <= max_quarantine_share <= 1:
        raise ConfigError(
            f"max_quarantine_share {max_quarantine_share} is not a share",
            fix="pass --max-quarantine-share between 0 and 1, e.g. 0.05",
        )
    if (wide_table is None) != (mapping is None):
        raise ConfigError(
            "wide-table mode needs both the wide table and its mapping",
            fix="pass --wide-table FILE together with --mapping FILE",
        )
    if not data_dir.is_dir() and wide_table is None:
        raise UnreadableFileError(
            f"data folder {data_dir} does not exist",
            fix="pass the folder holding {table}.parquet / {table}.csv files",
        )
    guard_output(out_dir, [data_dir, wide_table, mapping], tables=contracts, owned=True)
    order = reference_order(contracts)
    spill = Path(tempfile.mkdtemp(prefix="cxradar-validate-"))
    con = connect(spill_dir=spill)
    tables: dict[str, TableReport] = {}
    examples: list[dict[str, Any]] = []
    try:
        with atomic_output_dir(out_dir) as tmp:
            wide: dict[str, Source] = {}
            if wide_table is not None and mapping is not None:
                from cxradar.contract.widetable import wide_sources

                wide = wide_sources(
                    con, Path(wide_table), Path(mapping), contracts, encoding=encoding, staging=spill
                )
            accepted_dir, quarantine_dir = tmp / "accepted", tmp / "quarantine"
            accepted_dir.mkdir()
            quarantine_dir.mkdir()
            usable_refs: dict[str, Path] = {}
            for index, name in enumerate(order):
                if progress is not None:
                    progress(name, index, len(order))
                contract = contracts[name]
                report, result = _validate_one(
                    con,
                    data_dir,
                    contract,
                    wide.get(name),
                    encoding,
                    as_of,
                    accepted_dir / f"{name}.parquet",
                    usable_refs,
                    spill,
                )
                if result is not None:
                    _write_quarantine(result.entries, quarantine_dir / f"{name}.csv")
                    examples.extend(_problem_summary(name, result.entries))
                    if report.quarantined_share > max_quarantine_share:
                        report.status = "too_many_bad"
                # an empty or absent table cannot vouch for references: they are reported as not
                # checked rather than quarantining every referring row
                if report.accepted > 0 and report.status not in ("missing", "error", "absent"):
                    usable_refs[name] = accepted_dir / f"{name}.parquet"
                if wide.get(name) is not None and find_table_file(data_dir, name) is not None:
                    report.warnings.append(
                        f"{name} came from the wide table; {data_dir / name}.* was ignored"
                    )
                tables[name] = report
            if progress is not None:
                progress("", len(order), len(order))
            examples.sort(key=lambda e: (-e["count"], e["table"], e["column"], e["rule"]))
            report_obj = ValidationReport(
                data_dir=str(data_dir),
                out_dir=str(out_dir),
                as_of=as_of.isoformat(),
                max_quarantine_share=max_quarantine_share,
                tables={n: tables[n] for n in contracts},
                top_problems=examples[:_TOP_PROBLEMS],
                wide_table=str(wide_table) if wide_table else None,
            )
            atomic_write_text(
                json.dumps(report_obj.to_dict(), ensure_ascii=False, indent=2) + "\n",
                tmp / "validation_report.json",
            )
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return report_obj


def _validate_one(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    contract: TableContract,
    wide: Source | None,
    encoding: str | None,
    as_of: date,
    out_path: Path,
    refs: dict[str, Path],
    staging: Path,
) -> tuple[TableReport, AuditResult | None]:
    report = TableReport(table=contract.name, zh=contract.zh, required=contract.required_table)
    try:
        if wide is not None:
            source = wide
        else:
            path = find_table_file(data_dir, contract.name)
            if path is None:
                _write_empty(con, contract, out_path)
                if contract.required_table:
                    report.status = "missing"
                    report.error = str(
                        UnreadableFileError(
                            f"required table '{contract.name}' ({contract.zh}) has no file in {data_dir}."
                            f"{near_misses(data_dir, contract.name)}",
                            fix=f"add {contract.name}.parquet or {contract.name}.csv "
                            f"(docs/data-contract.md#{contract.name})",
                        )
                    )
                else:
                    report.status = "absent"
                return report, None
            source = open_source(con, path, contract.name, encoding=encoding, staging=staging)
        report.file = source.file
        result = audit_table(con, source, contract, as_of=as_of, out_path=out_path, references=refs)
    except (DataError, duckdb.Error) as error:
        _write_empty(con, contract, out_path)
        report.status, report.error = "error", str(error)
        return report, None
    report.rows_in, report.accepted, report.quarantined = result.rows_in, result.accepted, result.quarantined
    report.warnings, report.notes, report.months = result.warnings, result.notes, result.months
    if result.entries.num_rows:
        counts = result.entries.column("rule").value_counts()
        report.rules = dict(
            sorted(
                ((str(v["values"]), int(v["counts"])) for v in counts.to_pylist()),
                key=lambda kv: (-kv[1], kv[0]),
            )
        )
    report.status = "quarantined" if report.quarantined else "warnings" if report.warnings else "ok"
    if result.rows_in == 0 and contract.required_table and not contract.allow_empty:
        report.status = "empty"
        report.error = str(
            DataError(
                f"required table '{contract.name}' ({contract.zh}) in {source.file} has no rows "
                "(a header only)",
                fix=f"export the table's rows (docs/data-contract.md#{contract.name}); every later step "
                f"would read it as 'nothing happened'",
            )
        )
    return report, result


def _write_empty(con: duckdb.DuckDBPyConnection, contract: TableContract, out_path: Path) -> None:
    con.execute(f"COPY ({empty_table_sql(contract)}) TO {quote_literal(str(out_path))} (FORMAT parquet)")


def _write_quarantine(entries: pa.Table, path: Path) -> None:
    atomic_write_csv(entries, path, bom=True)


def _problem_summary(table: str, entries: pa.Table) -> list[dict[str, Any]]:
    if not entries.num_rows:
        return []
    df = entries.select(
        ["column", "rule", "problem", "problem_zh", "fix", "value", "file", "row", "line"]
    ).to_pandas()
    out = []
    for (column, rule), group in df.groupby(["column", "rule"], sort=True):
        first = group.iloc[0]
        out.append(
            {
                "table": table,
                "column": str(column),
                "rule": str(rule),
                "count": len(group),
                "problem": first["problem"],
                "problem_zh": first["problem_zh"],
                "fix": first["fix"],
                "example": {
                    "value": None if pd.isna(first["value"]) else str(first["value"]),
                    "file": str(first["file"]),
                    "row": int(first["row"]),
                    "line": None if pd.isna(first["line"]) else int(first["line"]),
                },
            }
        )
    return out


def read_table(
    path_or_dir: Path | str,
    table: str,
    encoding: str | None = None,
    *,
    contracts: dict[str, TableContract] | None = None,
) -> pd.DataFrame:
    """One table typed per its contract (columns in contract order; absent optional columns null).

    ``path_or_dir`` is the table's file, or a folder holding ``{table}.parquet``/``.csv``/``{table}/``
    (e.g. ``out_dir/accepted``). Only types are checked here - a value that does not parse raises
    :class:`DataQualityError`; run :func:`validate_dir` for every rule. An absent optional table
    gives an empty frame with the right columns.
    """
    contracts = contracts or load_contracts()
    if table not in contracts:
        raise ConfigError(
            f"unknown table '{table}'.{did_you_mean(table, contracts)}",
            fix=f"use one of: {', '.join(contracts)}",
        )
    contract = contracts[table]
    path = Path(path_or_dir)
    con = connect()
    scratch = tempfile.TemporaryDirectory(prefix="cxradar-read-")
    try:
        if path.is_dir() and path.name != table and path.suffix.lower() != ".parquet":
            found = find_table_file(path, table)
            if found is None:
                if not contract.required_table:
                    return con.execute(empty_table_sql(contract)).df()
                raise UnreadableFileError(
                    f"no file for table '{table}' in {path}.{near_misses(path, table)}",
                    fix=f"add {table}.parquet or {table}.csv, or run cxradar validate",
                )
            path = found
        source = open_source(con, path, table, encoding=encoding, staging=Path(scratch.name))
        if source.bad_lines:
            line = source.bad_lines[0]
            raise DataQualityError(
                f"{source.file} line {line.line} (row {line.row}) {line.problem()}: {line.text[:120]!r}",
                fix="run cxradar validate on the folder (it quarantines such lines) and read the "
                "accepted tables it writes",
            )
        _present, absent, _extra = check_columns(source, contract)
        selects, checks = [], []
        for name in contract.column_names:
            column = contract.column(name)
            ref = quote_ident(name)
            if name in absent:
                selects.append(f"CAST(NULL AS {SQL_TYPES[column.type]}) AS {ref}")
                continue
            parsed = parse_sql(ref, source.columns[name], column.type, contract.null_tokens)
            selects.append(f"{parsed} AS {ref}")
            checks.append(
                f"SELECT __row, {quote_literal(name)} AS col, CAST({ref} AS VARCHAR) AS value "
                f"FROM {source.relation} "
                f"WHERE NOT {raw_null_sql(ref, source.columns[name], contract.null_tokens)} "
                f"AND ({parsed}) IS NULL"
            )
        if checks:
            bad = con.execute(" UNION ALL ".join(checks) + " ORDER BY __row LIMIT 1").fetchall()
            if bad:
                row, col, value = bad[0]
                raise DataQualityError(
                    f"{source.file} row {row}, column '{col}': value '{value}' does not parse as "
                    f"{contract.column(col).type}",
                    fix="run cxradar validate on the folder and read the accepted tables it writes",
                )
        frame = con.execute(f"SELECT {', '.join(selects)} FROM {source.relation} ORDER BY __file, __row").df()
        return frame
    finally:
        con.close()
        scratch.cleanup()

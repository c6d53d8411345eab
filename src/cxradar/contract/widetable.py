"""Wide-table mode (用户宽表): build contract tables from an operator's one-row-per-subscriber table.

A YAML mapping names, for each contract table, which wide-table column holds each contract
column, with optional value maps; per-month columns (``arpu_m1``, ``通话时长_202609``...) become
one row per subscriber and month. See ``conf/widetable/example.yaml``::

    subscribers:
      msisdn: 手机号码
      gender: {column: 性别, values: {男: M, 女: F}}
    usage_monthly:
      msisdn: 手机号码
      spend: {months: {"2026-08": 近3月ARPU, "2026-09": 近2月ARPU, "2026-10": 当月ARPU}}
      voice_minutes: {pattern: "通话分钟_{yyyymm}"}

The tables are then validated as usual; a quarantine entry points at the wide table's file, row,
line and original column name (for monthly columns, the column of that month). A month whose
per-month columns are *all* blank for a line - it joined after the month or had left before it -
is an absent month, not a row with empty values: it is not generated (the source's notes count
them), so it is neither accepted nor quarantined as ``not_null``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import yaml

from cxradar.contract.parse import quote_ident, quote_literal, raw_null_sql
from cxradar.contract.schema import TableContract, load_contracts
from cxradar.contract.sources import Source, describe, open_source
from cxradar.errors import ConfigError, MissingColumnError, did_you_mean

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~20x faster

__all__ = ["ColumnMap", "load_mapping", "wide_sources", "wide_to_tables"]

_ENTRY_KEYS = {"column", "values", "months", "pattern", "value"}
_PLACEHOLDERS = {
    "{yyyymm}": r"(\d{6})",
    "{yyyy-mm}": r"(\d{4}-\d{2})",
    "{yyyy_mm}": r"(\d{4}_\d{2})",
}


@dataclass(frozen=True)
class ColumnMap:
    """Where one contract column comes from: a wide column, one per month, or a constant."""

    column: str | None = None
    months: dict[str, str] = field(default_factory=dict)  # "YYYY-MM" -> wide column
    pattern: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    value: Any = None


def _fail(mapping: Path, message: str, fix: str) -> ConfigError:
    return ConfigError(f"{mapping}: {message}", fix=fix)


def load_mapping(
    path: Path, contracts: dict[str, TableContract] | None = None
) -> dict[str, dict[str, ColumnMap]]:
    """Read and check a wide-table mapping: table -> contract column -> :class:`ColumnMap`."""
    contracts = contracts or load_contracts()
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(
            f"cannot read mapping {path}: {error}", fix="fix the path or the YAML syntax"
        ) from error
    if not isinstance(raw, dict):
        raise _fail(
            path, "expected a mapping of table -> columns at the top", "see conf/widetable/example.yaml"
        )
    out: dict[str, dict[str, ColumnMap]] = {}
    for table, columns in raw.items():
        if table == "description":
            continue
        if table not in contracts:
            raise _fail(
                path,
                f"unknown table '{table}'.{did_you_mean(str(table), [*contracts, 'description'])}",
                f"use contract tables: {', '.join(contracts)}",
            )
        contract = contracts[table]
        if not isinstance(columns, dict):
            raise _fail(
                path,
                f"'{table}' must map contract columns to wide-table columns",
                "see conf/widetable/example.yaml",
            )
        entries: dict[str, ColumnMap] = {}
        for name, spec in columns.items():
            if name not in contract.column_names:
                raise _fail(
                    path,
                    f"table '{table}' has no column '{name}'."
                    f"{did_you_mean(str(name), contract.column_names)}",
                    f"use the contract's column names (docs/data-contract.md#{table})",
                )
            entries[name] = _entry(path, table, str(name), spec)
        monthly = [n for n, e in entries.items() if e.months or e.pattern]
        if monthly and (
            contract.time_column is None or contract.column(contract.time_column).type != "month"
        ):
            raise _fail(
                path,
                f"'{table}' has no month column, so {', '.join(monthly)} cannot be per-month",
                "map per-month columns only for usage_monthly-like tables",
            )
        out[table] = entries
    if not out:
        raise _fail(path, "maps no tables", "add subscribers: and/or usage_monthly: sections")
    return out


def _entry(path: Path, table: str, name: str, spec: Any) -> ColumnMap:
    if isinstance(spec, str):
        return ColumnMap(column=spec)
    if not isinstance(spec, dict):
        raise _fail(
            path, f"{table}.{name}: expected a column name or a mapping", "see conf/widetable/example.yaml"
        )
    for key in spec:
        if key not in _ENTRY_KEYS:
            raise _fail(
                path,
                f"{table}.{name}: unknown field '{key}'.{did_you_mean(str(key), _ENTRY_KEYS)}",
                f"use one of: {', '.join(sorted(_ENTRY_KEYS))}",
            )
    months = {_month_key(path, str(k)): str(v) for k, v in (spec.get("months") or {}).items()}
    pattern = spec.get("pattern")
    if pattern is not None and not any(p in pattern for p in _PLACEHOLDERS):
        raise _fail(
            path,
            f"{table}.{name}: pattern '{pattern}' has no month placeholder",
            f"use one of {', '.join(_PLACEHOLDERS)} in the pattern",
        )
    return ColumnMap(
        column=spec.get("column"),
        months=months,
        pattern=pattern,
        values={str(k): v for k, v in (spec.get("values") or {}).items()},
        value=spec.get("value"),
    )


def _month_key(path: Path, text: str) -> str:
    match = re.fullmatch(r"(\d{4})-?(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise _fail(path, f"month '{text}' is not YYYY-MM", 'write months as "2026-09" (quoted)')
    return f"{match.group(1)}-{match.group(2)}"


def _resolve_months(entry: ColumnMap, wide_columns: list[str]) -> dict[str, str]:
    months = dict(entry.months)
    if entry.pattern:
        regex = re.escape(entry.pattern)
        for placeholder, group in _PLACEHOLDERS.items():
            regex = regex.replace(re.escape(placeholder), group)
        for column in wide_columns:
            match = re.fullmatch(regex, column)
            if match:
                text = match.group(1).replace("_", "").replace("-", "")
                months[f"{text[:4]}-{text[4:6]}"] = column
    return dict(sorted(months.items()))


def _expr(entry: ColumnMap, column: str | None) -> str:
    if column is None:
        return "NULL" if entry.value is None else quote_literal(entry.value)
    ref = quote_ident(column)
    if not entry.values:
        return ref
    cases = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(str(v))}" for k, v in entry.values.items())
    return f"CASE CAST({ref} AS VARCHAR) {cases} ELSE CAST({ref} AS VARCHAR) END"


def wide_sources(
    con: duckdb.DuckDBPyConnection,
    wide_table: Path,
    mapping: Path,
    contracts: dict[str, TableContract],
    *,
    staging: Path,
    encoding: str | None = None,
) -> dict[str, Source]:
    """Register one source per mapped table, built from the wide table (a CSV wide table is
    staged in the scratch folder ``staging``)."""
    maps = load_mapping(mapping, contracts)
    wide = open_source(con, wide_table, "wide", encoding=encoding, staging=staging)
    wide_columns = list(wide.columns)

    def need(column: str, table: str, name: str) -> str:
        if column not in wide.columns:
            raise MissingColumnError(
                f"{wide.file}: no column '{column}' (mapped to {table}.{name} in {mapping})."
                f"{did_you_mean(column, wide_columns)}",
                fix=f"correct the column name in {mapping}",
            )
        return column

    sources: dict[str, Source] = {}
    owner = "subscribers" if "subscribers" in maps else next(iter(maps))
    for table, entries in maps.items():
        contract = contracts[table]
        monthly = {n: _resolve_months(e, wide_columns) for n, e in entries.items() if e.months or e.pattern}
        for name, months in monthly.items():
            if not months:
                raise MissingColumnError(
                    f"{wide.file}: no column matches '{entries[name].pattern}' "
                    f"(mapped to {table}.{name} in {mapping})",
                    fix=f"correct the pattern in {mapping}",
                )
            for column in months.values():
                need(column, table, name)
        plain = {n: e for n, e in entries.items() if n not in monthly}
        for name, entry in plain.items():
            if entry.column is not None:
                need(entry.column, table, name)
        labels = {n: quote_literal(e.column) for n, e in plain.items() if e.column is not None}
        relation = f"__wide_{table}"
        notes = list(wide.notes)
        if not monthly:
            select_list = ", ".join(f"{_expr(e, e.column)} AS {quote_ident(n)}" for n, e in plain.items())
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT __file, __row, __line, {select_list} "
                f"FROM {wide.relation}"
            )
            carried: tuple[str, ...] = ()
        else:
            all_months = sorted({m for by_month in monthly.values() for m in by_month})
            time_column = contract.time_column or "month"
            selects, blanks = [], []
            for k, month in enumerate(all_months):
                here = [by_month[month] for by_month in monthly.values() if month in by_month]
                blank = " AND ".join(
                    raw_null_sql(quote_ident(c), wide.columns[c], contract.null_tokens) for c in here
                )
                blanks.append(f"count(*) FILTER (WHERE {blank})")
                cols = [f"{_expr(e, e.column)} AS {quote_ident(n)}" for n, e in plain.items()]
                cols += [
                    f"{_expr(entries[n], by_month.get(month))} AS {quote_ident(n)}"
                    for n, by_month in monthly.items()
                ]
                if time_column not in entries:
                    cols.append(f"{quote_literal(month)} AS {quote_ident(time_column)}")
                selects.append(
                    f"SELECT __file, (__row - 1) * {len(all_months)} + {k + 1} AS __row, __line, "
                    f"__row AS __wide_row, {quote_literal(month)} AS __src_month, {', '.join(cols)} "
                    f"FROM {wide.relation} WHERE NOT ({blank})"
                )
            con.execute(f"CREATE OR REPLACE TEMP VIEW {relation} AS {' UNION ALL '.join(selects)}")
            absent = con.execute(f"SELECT {', '.join(blanks)} FROM {wide.relation}").fetchone() or ()
            if sum(absent):
                notes.append(
                    f"{sum(absent):,} line-months with every per-month column blank are absent months "
                    f"(joined later or left earlier), not rows: "
                    + ", ".join(f"{m} {n:,}" for m, n in zip(all_months, absent, strict=True) if n)
                )
            for name, months in monthly.items():
                cases = " ".join(
                    f"WHEN {quote_literal(m)} THEN {quote_literal(c)}" for m, c in months.items()
                )
                labels[name] = f"CASE __src_month {cases} ELSE '(unmapped month ' || __src_month || ')' END"
            labels.setdefault(time_column, quote_literal(f"({time_column} from the mapping)"))
            carried = ("__wide_row", "__src_month")
        columns = {k: v for k, v in describe(con, relation).items() if not k.startswith("__")}
        sources[table] = Source(
            table,
            wide.file,
            relation,
            columns,
            carried,
            labels,
            keepalive=wide.keepalive,
            row_sql="__wide_row" if monthly else "__row",
            bad_lines=list(wide.bad_lines) if table == owner else [],  # quarantined once
            notes=notes,
        )
    return sources


def wide_to_tables(
    wide_table: Path,
    mapping: Path,
    *,
    contracts: dict[str, TableContract] | None = None,
    encoding: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The mapped tables as raw (not yet validated) frames, e.g. to inspect a mapping."""
    contracts = contracts or load_contracts()
    con = duckdb.connect()
    scratch = tempfile.TemporaryDirectory(prefix="cxradar-wide-")
    try:
        sources = wide_sources(
            con, Path(wide_table), Path(mapping), contracts, encoding=encoding, staging=Path(scratch.name)
        )
        return {
            t: con.execute(f"SELECT {', '.join(quote_ident(c) for c in s.columns)} FROM {s.relation}").df()
            for t, s in sources.items()
        }
    finally:
        con.close()
        scratch.cleanup()

"""Table contracts: the declared shape of every input table, loaded from ``conf/contract/*.yaml``.

A contract is data. This module only reads and checks the declarations; validation of actual
rows lives in :mod:`cxradar.contract.validate`, and the simulator, the docs and the tests read
the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.contract.parse import DEFAULT_NULLS
from cxradar.errors import ConfigError, did_you_mean, reject_unknown_keys

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~20x faster

__all__ = [
    "COLUMN_TYPES",
    "Column",
    "Reference",
    "TableContract",
    "load_contract",
    "load_contracts",
    "reading_defaults",
]

COLUMN_TYPES = ("string", "integer", "float", "boolean", "date", "timestamp", "month")

_COLUMN_FIELDS = {
    "name",
    "type",
    "required",
    "nullable",
    "allowed",
    "min",
    "max",
    "pattern",
    "not_future",
    "unique",
    "description",
    "zh",
    "unit",
}
_TABLE_FIELDS = {
    "name",
    "zh",
    "description",
    "grain",
    "key",
    "time_column",
    "references",
    "columns",
    "checks",
    "required_table",
    "allow_empty",
    "null_tokens",
    "rating_scale",
}
_READING_FILE = "_reading.yaml"
_READING_FIELDS = {"null_tokens"}


@dataclass(frozen=True)
class Column:
    """One declared column."""

    name: str
    type: str
    required: bool = True
    nullable: bool = False
    allowed: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    not_future: bool = False
    unique: bool = False
    description: str = ""
    zh: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Reference:
    """``column`` must match a value of ``table.to``."""

    column: str
    table: str
    to: str


@dataclass(frozen=True)
class TableContract:
    """The declared shape of one input table."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    zh: str = ""
    description: str = ""
    grain: str = ""
    time_column: str | None = None
    references: tuple[Reference, ...] = ()
    not_before: tuple[tuple[str, str], ...] = ()  # (later, earlier) pairs: later >= earlier
    required_table: bool = True
    allow_empty: bool = False  # a required table with no rows is an error unless this is set
    null_tokens: tuple[str, ...] = DEFAULT_NULLS  # cell values read as null (after trimming)
    rating_scale: dict[str, int] = field(default_factory=dict)
    source: Path | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise ConfigError(
            f"table '{self.name}' has no column '{name}'.{did_you_mean(name, self.column_names)}",
            fix=f"see {self.source or 'conf/contract'} for the declared columns",
        )


def _check_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    reject_unknown_keys(
        data, allowed, where=where, fix=f"use one of: {', '.join(sorted(allowed))} (conf/contract/README.md)"
    )


def _column(raw: dict[str, Any], where: str) -> Column:
    _check_keys(raw, _COLUMN_FIELDS, where)
    if "name" not in raw or "type" not in raw:
        raise ConfigError(f"{where}: a column needs 'name' and 'type'", fix="add both fields")
    if raw["type"] not in COLUMN_TYPES:
        raise ConfigError(
            f"{where}: column '{raw['name']}' has unknown type '{raw['type']}'."
            f"{did_you_mean(str(raw['type']), COLUMN_TYPES)}",
            fix=f"use one of: {', '.join(COLUMN_TYPES)}",
        )
    values = dict(raw)
    if values.get("allowed") is not None:
        values["allowed"] = tuple(values["allowed"])
    return Column(**values)


def _null_tokens(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{where}: null_tokens must be a list of quoted strings",
            fix='write e.g. null_tokens: ["", "NULL"]',
        )
    return tuple(value)


def reading_defaults(directory: Path | None = None) -> dict[str, Any]:
    """The reading settings every table shares (``_reading.yaml`` beside the contracts)."""
    path = (directory or conf_path("contract")) / _READING_FILE
    if not path.is_file():
        return {"null_tokens": DEFAULT_NULLS}
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read {path}: {error}", fix="fix the YAML syntax") from error
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top", fix="see conf/contract/README.md")
    _check_keys(raw, _READING_FIELDS, str(path))
    return {"null_tokens": _null_tokens(raw.get("null_tokens", list(DEFAULT_NULLS)), str(path))}


def load_contract(path: Path, defaults: dict[str, Any] | None = None) -> TableContract:
    """Read one contract file; a wrong declaration is a :class:`ConfigError` naming the file.
    ``defaults`` are the shared reading settings (:func:`reading_defaults`)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read contract {path}: {error}", fix="fix the YAML syntax") from error
    where = str(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping at the top", fix="see conf/contract/README.md")
    _check_keys(raw, _TABLE_FIELDS, where)
    columns = tuple(_column(c, f"{where} column {i + 1}") for i, c in enumerate(raw.get("columns") or []))
    names = {c.name for c in columns}
    for k in raw.get("key") or []:
        if k not in names:
            raise ConfigError(f"{where}: key column '{k}' is not declared", fix="declare it under columns")
    pairs: list[tuple[str, str]] = []
    for check in raw.get("checks") or []:
        _check_keys(check, {"not_before"}, f"{where} checks")
        later, earlier = check["not_before"]
        pairs.append((later, earlier))
    refs = tuple(Reference(**r) for r in raw.get("references") or [])
    return TableContract(
        name=raw["name"],
        columns=columns,
        key=tuple(raw.get("key") or ()),
        zh=raw.get("zh", ""),
        description=(raw.get("description") or "").strip(),
        grain=raw.get("grain", ""),
        time_column=raw.get("time_column"),
        references=refs,
        not_before=tuple(pairs),
        required_table=bool(raw.get("required_table", True)),
        allow_empty=bool(raw.get("allow_empty", False)),
        null_tokens=_null_tokens(raw["null_tokens"], where)
        if "null_tokens" in raw
        else tuple((defaults or {}).get("null_tokens", DEFAULT_NULLS)),
        rating_scale=dict(raw.get("rating_scale") or {}),
        source=path,
    )


def load_contracts(directory: Path | None = None) -> dict[str, TableContract]:
    """All contracts in ``directory`` (default: the shipped ``conf/contract``), by table name,
    in dependency order (subscribers and cells first)."""
    folder = directory or conf_path("contract")
    defaults = reading_defaults(folder)
    paths = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))
    contracts = {c.name: c for c in (load_contract(p, defaults) for p in paths)}
    if not contracts:
        raise ConfigError(f"no contract files in {folder}", fix="point to a folder of *.yaml contracts")
    order = ["subscribers", "cells"]
    ordered = {n: contracts[n] for n in order if n in contracts}
    ordered.update({n: c for n, c in contracts.items() if n not in ordered})
    return ordered

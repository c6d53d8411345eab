"""SQL models as files: read a model's header, fill its placeholders, order models by dependency.

A model is one ``.sql`` file in DuckDB's dialect that starts with a header of ``--`` comment
lines holding YAML (in the spirit of SQLMesh's ``MODEL (...)`` block, but a plain comment so the
file still runs as it is in any warehouse)::

    -- name: feat_usage
    -- grain: one row per subscriber active in the as-of month
    -- description: Spend, minutes and data over the 6 months ending with the as-of month.
    -- depends_on: [usage_spine]
    -- materialized: table          # table | view
    -- catalog: true                # its columns are features (listed by feature_catalog)
    -- columns:
    --   avg_spend_6m: numeric | 6-month average monthly spend (CNY) | 近6个月月均消费

Each output column is ``name: kind | English label | 中文标签`` (kind is ``numeric``,
``categorical`` or ``key``). Placeholders are ``@name`` words (``@as_of_month`` ...) that the runner
replaces with SQL literals before running; see :func:`render`. We wrote this small reader
instead of adopting SQLMesh itself because its model files are not plain runnable SQL and it
brings a state database the BI team does not need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import yaml

from cxradar.errors import ConfigError, did_you_mean

__all__ = [
    "ColumnDoc",
    "SqlModel",
    "load_models",
    "order_models",
    "parse_model",
    "render",
    "sql_dir",
]

_HEADER_FIELDS = {"name", "grain", "description", "depends_on", "materialized", "catalog", "columns"}
_KINDS = ("numeric", "categorical", "key")
_PLACEHOLDER = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)")


def sql_dir() -> Path:
    """The folder of the shipped feature SQL files (``cxradar/sql``)."""
    return Path(__file__).resolve().parent.parent / "sql"


@dataclass(frozen=True)
class ColumnDoc:
    """One documented output column of a model."""

    name: str
    kind: str
    en: str
    zh: str


@dataclass(frozen=True)
class SqlModel:
    """A parsed SQL model file: its header and its body (the query, with placeholders)."""

    name: str
    sql: str
    path: Path
    grain: str = ""
    description: str = ""
    depends_on: tuple[str, ...] = ()
    materialized: str = "table"
    catalog: bool = False
    columns: tuple[ColumnDoc, ...] = field(default_factory=tuple)

    @property
    def placeholders(self) -> set[str]:
        """The ``@name`` placeholders the body uses."""
        return set(_PLACEHOLDER.findall(_strip_comments(self.sql)))


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def parse_model(path: Path) -> SqlModel:
    """Read one model file; a malformed header is a :class:`ConfigError` naming the file."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    header_lines: list[str] = []
    body_lines: list[str] = []
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith("--"):
            header_lines.append(line[3:] if line.startswith("-- ") else line[2:])
        else:
            in_header = False
            body_lines.append(line)
    # "columns:" and the lines after it are "name: kind | en | zh" (read as text, not YAML,
    # so labels may hold colons); everything before is YAML.
    column_lines: list[str] = []
    if "columns:" in [h.strip() for h in header_lines]:
        at = [h.strip() for h in header_lines].index("columns:")
        header_lines, column_lines = header_lines[:at], header_lines[at + 1 :]
    try:
        head = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise ConfigError(
            f"{path}: the header is not valid YAML ({error})", fix="fix the '-- ' header lines"
        ) from error
    if not isinstance(head, dict) or "name" not in head:
        raise ConfigError(f"{path}: the header has no 'name'", fix="start the file with '-- name: <model>'")
    for key in head:
        if key not in _HEADER_FIELDS:
            raise ConfigError(
                f"{path}: unknown header field '{key}'.{did_you_mean(str(key), _HEADER_FIELDS)}",
                fix=f"use: {', '.join(sorted(_HEADER_FIELDS))} (docs/features.md)",
            )
    if head["name"] != path.stem:
        raise ConfigError(
            f"{path}: header name '{head['name']}' differs from the file name", fix="rename one"
        )
    materialized = head.get("materialized", "table")
    if materialized not in ("table", "view"):
        raise ConfigError(f"{path}: materialized is '{materialized}'", fix="use 'table' or 'view'")
    columns = tuple(_column(line, path) for line in column_lines if line.strip())
    return SqlModel(
        name=str(head["name"]),
        sql="\n".join(body_lines).strip().rstrip(";").strip(),
        path=path,
        grain=str(head.get("grain", "")),
        description=str(head.get("description", "")).strip(),
        depends_on=tuple(head.get("depends_on") or ()),
        materialized=materialized,
        catalog=bool(head.get("catalog", False)),
        columns=columns,
    )


def _column(line: str, path: Path) -> ColumnDoc:
    name, _, spec = line.strip().partition(":")
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 3 or parts[0] not in _KINDS:
        raise ConfigError(
            f"{path}: column line '{line.strip()}' is not 'name: kind | en | zh'",
            fix=f"write '{name}: <kind> | English label | 中文标签' with kind one of {', '.join(_KINDS)}",
        )
    return ColumnDoc(name=name.strip(), kind=parts[0], en=parts[1], zh=parts[2])


def load_models(folder: Path | None = None) -> dict[str, SqlModel]:
    """Every ``*.sql`` model in ``folder`` (default: the shipped feature SQL), by name."""
    folder = folder or sql_dir()
    models = {m.name: m for m in (parse_model(p) for p in sorted(Path(folder).glob("*.sql")))}
    if not models:
        raise ConfigError(f"no *.sql models in {folder}", fix="point to the folder of feature SQL files")
    return models


def order_models(
    models: dict[str, SqlModel], sources: set[str], targets: list[str] | None = None
) -> list[SqlModel]:
    """Models in dependency order (inputs first). ``sources`` are the input tables a model may
    depend on besides other models; ``targets`` limits the run to what those models need."""
    for model in models.values():
        for dep in model.depends_on:
            if dep not in models and dep not in sources:
                raise ConfigError(
                    f"{model.path}: depends_on names '{dep}', which is neither a model nor an input table."
                    f"{did_you_mean(dep, [*models, *sources])}",
                    fix="correct the name in the header's depends_on",
                )
    wanted = set(models)
    if targets is not None:
        wanted = set()
        stack = list(targets)
        while stack:
            name = stack.pop()
            if name not in models:
                raise ConfigError(
                    f"unknown model '{name}'.{did_you_mean(name, models)}", fix="name a model file"
                )
            if name not in wanted:
                wanted.add(name)
                stack.extend(d for d in models[name].depends_on if d in models)
    graph = {n: [d for d in models[n].depends_on if d in models] for n in sorted(wanted)}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise ConfigError(
            f"the SQL models depend on each other in a cycle: {error.args[1]}", fix="break the cycle"
        ) from error
    return [models[n] for n in order]


def render(model: SqlModel, params: dict[str, str]) -> str:
    """The model's query with every ``@placeholder`` replaced by its SQL literal."""
    missing = sorted(model.placeholders - set(params))
    if missing:
        raise ConfigError(
            f"{model.path}: placeholder '@{missing[0]}' has no value.{did_you_mean(missing[0], params)}",
            fix=f"use one of: {', '.join('@' + p for p in sorted(params))} (docs/features.md)",
        )
    return _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), model.sql)

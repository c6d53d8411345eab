"""Render ``docs/data-contract.md`` from the contracts, so the documentation cannot drift.

A test compares the committed file with :func:`render_contract_markdown`; regenerate with::

    python -c "from cxradar.contract import render_contract_markdown as r; print(r(), end='')" \
        > docs/data-contract.md
"""

from __future__ import annotations

from cxradar.contract.parse import BOOLEAN_FALSE, BOOLEAN_TRUE
from cxradar.contract.rules import QUARANTINE_COLUMNS, RULES
from cxradar.contract.schema import Column, TableContract, load_contracts, reading_defaults

__all__ = ["render_contract_markdown"]

_TYPES = {
    "string": ("text, kept exactly as written", "文本"),
    "integer": ("whole number: `12`, `-3`, `12.0`", "整数"),
    "float": ("number: `1.5`, `.5`, `1e3` (finite: `1e400`, `inf` are type errors)", "数值"),
    "boolean": (f"`{'/'.join(BOOLEAN_TRUE)}` or `{'/'.join(BOOLEAN_FALSE)}` (any case)", "布尔"),
    "date": ("`2026-09-15`, `2026/9/15`, `20260915`", "日期"),
    "timestamp": (
        "`2026-09-15 13:45:07` (or `T`), `2026/9/15 13:45`, `20260915134507`; no time zone",
        "时间戳",
    ),
    "month": ("`2026-09`, `202609`, `2026/9`, `2026-09-01`; stored as the first day", "月份"),
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _rules(column: Column) -> str:
    parts = []
    if column.allowed is not None:
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.allowed))
    if column.min is not None and column.max is not None:
        parts.append(f"{column.min:g} – {column.max:g}")
    elif column.min is not None:
        parts.append(f"≥ {column.min:g}")
    elif column.max is not None:
        parts.append(f"≤ {column.max:g}")
    if column.pattern:
        parts.append(f"pattern `{column.pattern}`")
    if column.not_future:
        parts.append("not in the future")
    if column.unique:
        parts.append("unique")
    return "; ".join(parts)


def _table(contract: TableContract) -> list[str]:
    head = f"## {contract.name} — {contract.zh}" if contract.zh else f"## {contract.name}"
    lines = [f'<a id="{contract.name}"></a>', "", head, "", contract.description, ""]
    facts = [
        f"- **Grain / 粒度:** {contract.grain or '—'}",
        f"- **Key / 主键:** {', '.join(f'`{k}`' for k in contract.key) or '—'}",
        f"- **Required table / 必需表:** {'yes 是' if contract.required_table else 'no 否 (optional 可选)'}",
        f"- **File / 文件:** `{contract.name}.parquet`, `{contract.name}.csv` or a folder `{contract.name}/`",
    ]
    if contract.time_column:
        facts.append(f"- **Time column / 时间列:** `{contract.time_column}` (month coverage is reported)")
    for ref in contract.references:
        facts.append(f"- **Reference / 关联:** `{ref.column}` → [`{ref.table}`](#{ref.table})`.{ref.to}`")
    for later, earlier in contract.not_before:
        facts.append(f"- **Check / 校验:** `{later}` ≥ `{earlier}`")
    if contract.rating_scale:
        scale = ", ".join(f"{k} {v}" for k, v in contract.rating_scale.items())
        facts.append(f"- **Rating scale / 评分刻度:** {scale}")
    lines += [
        *facts,
        "",
        "| column | 中文 | type | required | nullable | rules | unit | description |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in contract.columns:
        lines.append(
            f"| `{c.name}` | {_cell(c.zh)} | {c.type} | {'yes' if c.required else 'no'} | "
            f"{'yes' if c.nullable else 'no'} | {_cell(_rules(c))} | {_cell(c.unit)} | "
            f"{_cell(c.description)} |"
        )
    return [*lines, ""]


def render_contract_markdown(contracts: dict[str, TableContract] | None = None) -> str:
    """The data-contract reference in Markdown (English with Chinese labels)."""
    contracts = contracts or load_contracts()
    lines = [
        "# Data contract — 数据契约",
        "",
        "<!-- Generated from conf/contract/*.yaml by cxradar.contract.render_contract_markdown();"
        " do not edit by hand. -->",
        "",
        "Every input table cxradar reads is declared once, in `conf/contract/{table}.yaml`. Validation",
        "(`cxradar validate DATA_DIR`), the simulator, this page and the tests all read those files.",
        "",
        "| table | 中文 | grain | required |",
        "|---|---|---|---|",
    ]
    for c in contracts.values():
        lines.append(
            f"| [`{c.name}`](#{c.name}) | {c.zh} | {c.grain} | {'yes' if c.required_table else 'no'} |"
        )
    lines += [
        "",
        '<a id="types"></a>',
        "",
        "## Types — 类型",
        "",
        "CSV cells are read as text (see [Reading files](#reading)); a null token (blank, `\\N`, `NULL`",
        "...) is null. A value is accepted only in one of these spellings; anything else is quarantined",
        "with rule `type`, never coerced.",
        "",
        "| type | 中文 | accepted spellings |",
        "|---|---|---|",
    ]
    for name, (en, zh) in _TYPES.items():
        lines.append(f"| {name} | {zh} | {en} |")
    lines += [
        "",
        "`msisdn` is an 11-digit mobile number (`13812345678`); it is masked (`138****5678`)",
        "wherever lists leave the system.",
        "",
    ]
    for contract in contracts.values():
        lines += _table(contract)
    lines += _reading_section() + _quarantine_section() + _wide_section() + _file_mode_section()
    return "\n".join(lines).rstrip() + "\n"


def _reading_section() -> list[str]:
    tokens = ", ".join(f"`{t}`" if t else "blank" for t in reading_defaults()["null_tokens"])
    return [
        '<a id="reading"></a>',
        "",
        "## Reading files — 文件读取",
        "",
        "- **Where:** a table is `{table}.csv` or `{table}.parquet` (the suffix in any case) or a folder",
        "  `{table}/` (or `{table}.parquet/`) of Parquet parts. A near miss (`Subscribers.csv`,",
        "  `subscriber.csv`, `subscribers.xlsx`) is not read but named in the error.",
        "- **Encoding:** UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 with a BOM, checked over the",
        "  *whole* file; `--encoding` forces one. A file no encoding decodes is an error naming the first",
        "  line that fails. Parquet, Excel, zip or gzip bytes under a `.csv` name are named as such.",
        "- **Delimiter:** comma; a header without commas but with `;`, tab or `|` is read with that",
        "  delimiter (said in the report's notes). Quoted values may hold delimiters and newlines.",
        "- **Bad lines:** a line with more or fewer fields than the header is quarantined with rule",
        "  `malformed_line` (file, row, line, the raw text) and the other lines are kept. A quote that is",
        "  never closed is an error naming the line where it opened.",
        f"- **Null tokens:** {tokens} (after trimming) are null in every column; NaN in a float column",
        "  too. Declared in `conf/contract/_reading.yaml`; a contract may set its own `null_tokens`.",
        "  Whether null is allowed is the column's `nullable` rule (`not_null` otherwise).",
        "- **Empty tables:** a required table with no rows (a header only) is an error, as is an",
        "  optional table whose file cannot be read; an absent optional table is fine. A table whose",
        "  rows were all quarantined is not used to check references (the report names it instead).",
        "- **Time zones:** timestamps are local wall-clock time without a zone; a Parquet column with a",
        "  time zone is an error that says how to convert it.",
        "",
    ]


def _quarantine_section() -> list[str]:
    lines = [
        '<a id="quarantine"></a>',
        "",
        "## Validation and quarantine — 校验与隔离",
        "",
        "`cxradar validate DATA_DIR --out OUT` checks every table and writes `OUT/accepted/{table}.parquet`",
        "(typed, contract column order, only accepted rows), `OUT/quarantine/{table}.csv` (UTF-8 with BOM,",
        "one line per problem) and `OUT/validation_report.json`. For every table",
        "**rows in = accepted + quarantined**; a row with several problems has one line per problem but",
        "counts once. Unknown extra columns are left out of the accepted table and listed as warnings;",
        "an absent optional column is added as nulls; a missing required column or an unreadable file is",
        "an error naming the file. Duplicate keys keep the first row. References are checked against the",
        "*accepted* rows of the referenced table. The data is **usable** when every required table was",
        "read with its required columns and no table quarantines more than `--max-quarantine-share`",
        "(default 5 %). Exit code 0 = usable, 1 = not.",
        "",
        "A Parquet input that already is its accepted table - the contract's columns in its order with its",
        "types, no row quarantined, no null token or NaN for parsing to turn into null - is copied to",
        "`OUT/accepted/` as it is (every check still runs); any other input is written by DuckDB.",
        "",
        "Quarantine columns: " + ", ".join(f"`{c}`" for c in QUARANTINE_COLUMNS) + ".",
        "",
        "| rule | meaning | 含义 | fix |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        lines.append(f"| `{rule.name}` | {rule.en} | {rule.zh} | {_cell(rule.fix)} |")
    return [*lines, ""]


def _wide_section() -> list[str]:
    return [
        '<a id="wide-table"></a>',
        "",
        "## Wide-table mode — 用户宽表模式",
        "",
        "Most BI teams already have a one-row-per-subscriber wide table. Give it with a YAML mapping:",
        "`cxradar validate DATA_DIR --wide-table wide.csv --mapping mapping.yaml`. The mapping names,",
        "per contract table, the wide-table column of each contract column; `subscribers` and",
        "`usage_monthly` (whatever is mapped) are built from the wide table, the other tables still come",
        "from `DATA_DIR`. Quarantine lines point at the wide table's file, row, line and original column.",
        "A month whose per-month columns are all blank for a line (it joined later or left earlier) is",
        "an absent month, not a row: it is neither accepted nor quarantined (counted in the notes).",
        "",
        "The monthly run takes the same options and validates through them:",
        "",
        "```sh",
        "cxradar run DATA_DIR --wide-table kuanbiao.csv --mapping conf/widetable/example.yaml \\",
        "    --month 2026-10 --out runs",
        "```",
        "",
        "```yaml",
        "subscribers:",
        "  msisdn: 手机号码                       # contract column: wide-table column",
        "  gender: {column: 性别, values: {男: M, 女: F}}   # value map; unmapped values are kept",
        "  is_local: {value: true}               # a constant",
        "usage_monthly:",
        "  msisdn: 手机号码",
        '  spend: {months: {"2026-08": 前2月ARPU, "2026-09": 上月ARPU, "2026-10": 当月ARPU}}',
        '  voice_minutes: {pattern: "通话分钟_{yyyymm}"}   # also {yyyy-mm}, {yyyy_mm}',
        "```",
        "",
        "Fields of an entry: `column`, `values`, `months`, `pattern`, `value`. A complete example with",
        "realistic Chinese column names is `conf/widetable/example.yaml`. Unknown tables, columns and",
        'fields are errors naming the mapping file, with a "did you mean".',
    ]


def _file_mode_section() -> list[str]:
    return [
        "",
        '<a id="file-mode"></a>',
        "",
        "## File mode — 输出文件权限",
        "",
        "Every file cxradar writes - validated tables, quarantine CSVs, features, pool, models, reports,",
        "care lists, scores - gets the mode a file created with `open()` would have: **0666 minus the",
        "process umask** (folders 0777 minus the umask). With the usual umask 022 that is 0644 / 0755",
        "(everyone on the machine can read); run with `umask 027` to get 0640 / 0750, so that the group",
        "which runs the channels (set the output folder's group, e.g. `chgrp callcentre lists/` with the",
        "setgid bit) can read the lists and nobody else can. Writes are atomic: temporary files are created",
        "0600 and get this mode just before they are moved into place (`cxradar.engine.files.set_output_mode`).",
    ]

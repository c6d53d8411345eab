"""Step ``validate``: the contract tables, validated, as relations on the engine.

The data folder is validated into ``RUN_DIR/validated`` (accepted rows typed per the contract,
quarantine with file/row/column/rule); the validation is reused while the input files are
unchanged (their fingerprint is kept in ``validated.fingerprint.json``). Every accepted table is
then registered on the engine under its contract name, so later steps write plain SQL over
``subscribers``, ``usage_monthly`` ... whatever engine runs them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cxradar.contract import load_contracts, validate_dir
from cxradar.contract.report import check_month_covered
from cxradar.engine.files import atomic_write_text, find_table_file
from cxradar.errors import DataQualityError, UnreadableFileError
from cxradar.pipeline.context import RunContext

__all__ = ["fingerprint", "register_inputs", "validate_inputs"]


def fingerprint(data_dir: Path, *extra: Path | None) -> str:
    """A hash of the data folder's table files (names, sizes, modification times) and of the
    ``extra`` files (a wide table and its mapping)."""
    files = sorted(p for p in Path(data_dir).rglob("*") if p.is_file() and not p.name.startswith("."))
    parts = [
        f"{p.relative_to(data_dir)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in files
        if p.suffix in (".parquet", ".csv") and "truth" not in p.relative_to(data_dir).parts
    ]
    parts += [f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in extra if p is not None]
    return hashlib.sha256("\n".join([str(Path(data_dir).resolve()), *parts]).encode()).hexdigest()


def validate_inputs(ctx: RunContext) -> dict[str, Any]:
    """Validate DATA_DIR into RUN_DIR/validated, or reuse it when the inputs are unchanged."""
    layout = ctx.layout
    stamp_file = layout.root / "validated.fingerprint.json"
    stamp = fingerprint(ctx.data_dir, ctx.wide_table, ctx.mapping)
    report_file = layout.validated / "validation_report.json"
    reused = (
        report_file.is_file()
        and stamp_file.is_file()
        and json.loads(stamp_file.read_text(encoding="utf-8")).get("sha256") == stamp
    )
    if not reused:
        report = validate_dir(ctx.data_dir, layout.validated, wide_table=ctx.wide_table, mapping=ctx.mapping)
        if not report.usable:
            raise DataQualityError(
                f"the tables in {ctx.data_dir} are not usable: {'; '.join(report.reasons)}",
                fix=f"see {layout.validated / 'quarantine'} and run 'cxradar validate {ctx.data_dir}'",
            )
        atomic_write_text(json.dumps({"sha256": stamp}), stamp_file)
    data = json.loads(report_file.read_text(encoding="utf-8"))
    check_month_covered(data, ctx.month)  # before any feature file is written
    ctx.results["validation"] = {"reused": reused, "report": data, "fingerprint": stamp}
    register_inputs(ctx)
    return {"rows_in": data.get("rows_in"), "rows_out": data.get("accepted")}


def register_inputs(ctx: RunContext) -> None:
    """Every contract table of RUN_DIR/validated/accepted as a relation of its name."""
    for name in load_contracts():
        path = find_table_file(ctx.tables_dir, name)
        if path is None:
            raise UnreadableFileError(
                f"{ctx.tables_dir} has no validated table '{name}'",
                fix=f"delete {ctx.layout.validated} and run again (it is rebuilt from DATA_DIR)",
            )
        ctx.engine.register_parquet(name, path)

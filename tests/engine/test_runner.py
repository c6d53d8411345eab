"""The runner: statements per engine, progress, error wrapping, and freeing intermediate tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxradar.engine import load_models, materialise
from cxradar.errors import EngineError


def _models(folder: Path) -> list:  # type: ignore[type-arg]
    specs = {
        "a": ("table", "[subscribers]", "SELECT msisdn FROM subscribers"),
        "v": ("view", "[a]", "SELECT * FROM a"),
        "b": ("table", "[a]", "SELECT * FROM a"),
        "c": ("table", "[b, v]", "SELECT * FROM b JOIN v USING (msisdn)"),
    }
    for name, (kind, deps, sql) in specs.items():
        (folder / f"{name}.sql").write_text(
            f"-- name: {name}\n-- depends_on: {deps}\n-- materialized: {kind}\n{sql}\n", encoding="utf-8"
        )
    models = load_models(folder)
    return [models[n] for n in ("a", "v", "b", "c")]


def test_statements_progress_and_drops(tmp_path: Path) -> None:
    executed: list[str] = []
    seen: list[tuple[str, int, int]] = []
    materialise(_models(tmp_path), {}, "duckdb", executed.append, lambda *a: seen.append(a), keep={"c"})
    assert executed[0] == "CREATE OR REPLACE TABLE a AS SELECT msisdn FROM subscribers"
    assert executed[1].startswith("CREATE OR REPLACE VIEW v AS")
    # a is read by the view v, so it stays; b is dropped right after c (its last reader) ran
    assert executed[3:] == [
        "CREATE OR REPLACE TABLE c AS SELECT * FROM b JOIN v USING (msisdn)",
        "DROP TABLE IF EXISTS b",
    ]
    assert seen == [("a", 1, 4), ("v", 2, 4), ("b", 3, 4), ("c", 4, 4)]


def test_spark_statements_come_from_the_engine_table(tmp_path: Path) -> None:
    executed: list[str] = []
    materialise(_models(tmp_path), {}, "spark", executed.append, keep={"c"})
    assert executed[0].startswith("CACHE TABLE a AS ")
    assert executed[1].startswith("CREATE OR REPLACE TEMPORARY VIEW v AS ")
    assert executed[-1] == "UNCACHE TABLE IF EXISTS b"


def test_engine_failure_names_the_model_file(tmp_path: Path) -> None:
    def fail(statement: str) -> None:
        raise RuntimeError("Binder Error: column x not found")

    with pytest.raises(EngineError, match=r"duckdb failed on SQL model a\.sql \(a\): Binder Error"):
        materialise(_models(tmp_path), {}, "duckdb", fail)

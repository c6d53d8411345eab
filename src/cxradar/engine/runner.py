"""Run SQL models on any engine: render placeholders, transpile, materialise in dependency order.

The runner knows nothing about a particular engine: it is given a function that executes one
statement. :mod:`cxradar.engine.duckdb` and :mod:`cxradar.engine.spark` supply that function.
"""

from __future__ import annotations

from collections.abc import Callable

from cxradar.engine.dialects import engine_dialect, transpile
from cxradar.engine.sqlmodel import SqlModel, render
from cxradar.errors import CxradarError, EngineError

__all__ = ["Progress", "compile_model", "materialise"]

# progress(model_name, models_done, models_total) is called after each model
Progress = Callable[[str, int, int], None]


def compile_model(model: SqlModel, params: dict[str, str], engine: str) -> str:
    """The statement that materialises ``model`` on ``engine`` (placeholders filled, transpiled)."""
    dialect = engine_dialect(engine)
    query = transpile(render(model, params), engine, where=str(model.path))
    template = dialect.create_table if model.materialized == "table" else dialect.create_view
    return template.format(name=model.name, sql=query)


def materialise(
    models: list[SqlModel],
    params: dict[str, str],
    engine: str,
    execute: Callable[[str], object],
    progress: Progress | None = None,
    keep: set[str] | None = None,
) -> None:
    """Create every model (already in dependency order) as a table or view on ``engine``.

    With ``keep``, an intermediate table is dropped as soon as every model that reads it has run
    (and no view reads it), so memory holds only what is still needed; models in ``keep`` stay.
    """
    statements = [(m, compile_model(m, params, engine)) for m in models]
    droppable = _drop_schedule(models, keep) if keep is not None else {}
    drop = engine_dialect(engine).drop_table
    for done, (model, statement) in enumerate(statements, start=1):
        try:
            execute(statement)
        except CxradarError:
            raise
        except Exception as error:  # the engine's own error type: name the model and the engine
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise EngineError(
                f"{engine} failed on SQL model {model.path.name} ({model.name}): {first}",
                fix=f"check the inputs with 'cxradar validate', or run {model.path} by hand to see the error",
            ) from error
        for name in droppable.get(model.name, []):
            execute(drop.format(name=name))
        if progress is not None:
            progress(model.name, done, len(statements))


def _drop_schedule(models: list[SqlModel], keep: set[str]) -> dict[str, list[str]]:
    """model name -> the tables that can be dropped right after it ran."""
    by_name = {m.name: m for m in models}
    readers: dict[str, list[str]] = {m.name: [] for m in models}
    for m in models:
        for dep in m.depends_on:
            if dep in readers:
                readers[dep].append(m.name)
    position = {m.name: i for i, m in enumerate(models)}
    schedule: dict[str, list[str]] = {}
    for name, users in readers.items():
        if name in keep or by_name[name].materialized != "table" or not users:
            continue
        if any(by_name[u].materialized != "table" for u in users):
            continue  # a view reads it lazily: it must stay
        last = max(users, key=position.__getitem__)
        schedule.setdefault(last, []).append(name)
    return schedule

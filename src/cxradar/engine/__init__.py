"""The SQL engine layer: SQL model files, the runner, and one adapter per engine.

* :mod:`~cxradar.engine.sqlmodel` - read model files (header + query), order them, fill placeholders
* :mod:`~cxradar.engine.params` - the placeholder values for an as-of month
* :mod:`~cxradar.engine.dialects` - engine differences as data; sqlglot transpilation
* :mod:`~cxradar.engine.runner` - materialise models on any engine
* :mod:`~cxradar.engine.duckdb` - the embedded default: ``connect(tables_dir)``
* :mod:`~cxradar.engine.spark` - the same models on Apache Spark (optional ``pyspark``)
* :mod:`~cxradar.engine.files` - reading and atomic writing of table files
"""

from __future__ import annotations

from cxradar.engine.dialects import ENGINES, engine_dialect, transpile
from cxradar.engine.params import month_params
from cxradar.engine.runner import compile_model, materialise
from cxradar.engine.sqlmodel import SqlModel, load_models, order_models, parse_model, render, sql_dir

__all__ = [
    "ENGINES",
    "SqlModel",
    "compile_model",
    "engine_dialect",
    "load_models",
    "materialise",
    "month_params",
    "order_models",
    "parse_model",
    "render",
    "sql_dir",
    "transpile",
]

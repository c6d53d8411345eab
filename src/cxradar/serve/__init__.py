"""The lookup service for channels: care cards, their publication, the API, deliveries back.

::

    monthly run ──► build_cards ──► RUN_DIR/cards/YYYY-MM.parquet      (DuckDB SQL, any engine's Parquet)
                         cxradar publish ──► RUN_DIR/serve/cards-YYYY-MM-*.cxcards + current.json
                                                 │ (mmap'd sorted array, swapped atomically)
    channels ──HTTP──► cxradar serve (uvicorn + Starlette) ──► GET /v1/subscribers/{msisdn}/care
                                                 └──────────► POST .../care/deliveries
                                                                  │ (SQLite WAL, fsync, idempotent)
    next monthly run ◄── read_deliveries / apply_deliveries ◄── RUN_DIR/deliveries/deliveries.sqlite

Modules: ``msisdn`` (normalise, mask), ``cards`` (builder), ``snapshot`` (the lookup file),
``publish`` (atomic swap), ``deliveries`` (durable store, read back into the run), ``keys``
(API keys), ``audit`` (request log), ``render`` (a card as a response), ``openapi`` (the API
document), ``app`` (the Starlette application), ``fastpath`` (the card lookup, answered in front
of it), ``http`` (uvicorn's protocol with one write a response). Names are imported lazily so
that the server does not load pandas or DuckDB.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["apply_deliveries", "build_cards", "create_app", "publish", "read_deliveries"]

_WHERE = {
    "build_cards": "cxradar.serve.cards",
    "publish": "cxradar.serve.publish",
    "read_deliveries": "cxradar.serve.delivery_io",
    "apply_deliveries": "cxradar.serve.delivery_io",
    "create_app": "cxradar.serve.app",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'cxradar.serve' has no attribute '{name}'")

"""Save and load fitted models as one JSON file - no pickles tied to module paths.

The file holds ``format`` ("cxradar-model"), ``format_version``, ``kind`` and the model's own
``to_dict()``: coefficients and preprocessing for ``logit``; LightGBM's native model text plus
the category maps and calibration for ``gbm``; bins, edges and CPDs for ``bayesnet``; and, when
given, ``training`` (target, positive class, id column). Writes are atomic
(:func:`cxradar.engine.files.atomic_write_text`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cxradar.errors import ModelError, UnreadableFileError
from cxradar.io import atomic_path
from cxradar.models.registry import KINDS, kind_of

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "save_model"]

FORMAT = "cxradar-model"
FORMAT_VERSION = 1


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def save_model(model: Any, path: str | Path, *, training: dict[str, Any] | None = None) -> Path:
    """Write a fitted model to ``path`` (JSON) atomically; returns the path.

    ``training`` (optional) records how it was fitted, e.g. ``{"target": "Churn", "positive":
    "Yes", "id": "customerID"}``; :func:`load_model` puts it on the model as ``training_``, so that
    scoring a labelled table can report metrics against the same target."""
    target = Path(path)
    if not hasattr(model, "to_dict"):
        raise ModelError(f"{type(model).__name__} cannot be saved", fix="save a model made by make_model()")
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": kind_of(model),
        "model": model.to_dict(),
    }
    if training:
        document["training"] = dict(training)
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        json.dump(document, handle, default=_jsonable, ensure_ascii=False)
    return target


def load_model(path: str | Path) -> Any:
    """Read a model written by :func:`save_model`."""
    source = Path(path)
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise UnreadableFileError(
            f"model file '{source}' does not exist", fix="run 'cxradar model fit ... --out MODEL'"
        ) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableFileError(
            f"model file '{source}' is not a cxradar model (not JSON: {error})",
            fix="pass a file written by 'cxradar model fit --out'",
        ) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UnreadableFileError(
            f"model file '{source}' is not a cxradar model "
            f"(format is {document.get('format') if isinstance(document, dict) else None!r})",
            fix="pass a file written by 'cxradar model fit --out'",
        )
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"model file '{source}' has format_version {version}; this cxradar reads {FORMAT_VERSION}",
            fix="refit the model with this version: cxradar model fit",
        )
    kind = document.get("kind")
    if kind not in KINDS:
        raise ModelError(
            f"model file '{source}' has unknown kind {kind!r}", fix=f"kinds are {', '.join(KINDS)}"
        )
    model = KINDS[kind].from_dict(document["model"])
    model.training_ = dict(document.get("training") or {})
    return model

"""The model factory: ``make_model(kind, **params)`` with defaults from ``conf/models.yaml``."""

from __future__ import annotations

from typing import Any

from cxradar.errors import ConfigError, did_you_mean
from cxradar.models.base import BinaryClassifier
from cxradar.models.bayesnet import BayesNetModel
from cxradar.models.bn_logit import BNLogitModel
from cxradar.models.gbm import GBMModel
from cxradar.models.logit import LogitModel
from cxradar.models.settings import load_settings

__all__ = ["KINDS", "kind_of", "make_model"]

KINDS: dict[str, type[BinaryClassifier]] = {
    "logit": LogitModel,
    "bayesnet": BayesNetModel,
    "bn-logit": BNLogitModel,
    "gbm": GBMModel,
}


def kind_of(model: Any) -> str:
    """The kind name of a model instance."""
    for name, cls in KINDS.items():
        if type(model) is cls:
            return name
    raise ConfigError(
        f"{type(model).__name__} is not a cxradar model kind", fix=f"use one of {', '.join(KINDS)}"
    )


def make_model(kind: str, *, use_settings: bool = True, **params: Any) -> BinaryClassifier:
    """A new, unfitted model of ``kind``: settings from conf/models.yaml, then ``params``.

    The threshold rule of ``conf/models.yaml`` (threshold.rule) is applied unless overridden.
    """
    if kind not in KINDS:
        raise ConfigError(
            f"model kind '{kind}' is unknown.{did_you_mean(kind, KINDS)}",
            fix=f"use --kind {' | '.join(KINDS)}",
        )
    cls = KINDS[kind]
    merged: dict[str, Any] = {}
    if use_settings:
        settings = load_settings()
        merged.update(settings["kinds"].get(kind) or {})
        threshold = settings.get("threshold", {})
        merged["threshold_rule"] = threshold.get("rule", "max_f1")
        merged["target_precision"] = threshold.get("target_precision", 0.6)
        merged["capacity"] = threshold.get("capacity", 0.1)
    merged.update(params)
    allowed = cls().get_params()
    unknown = [k for k in merged if k not in allowed]
    if unknown:
        name = unknown[0]
        raise ConfigError(
            f"parameter '{name}' is not a parameter of the {kind} model.{did_you_mean(name, allowed)}",
            fix=f"valid parameters: {', '.join(sorted(allowed))} (conf/models.yaml, kinds.{kind})",
        )
    return cls(**merged)

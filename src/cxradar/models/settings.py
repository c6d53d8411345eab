"""Model settings from ``conf/models.yaml``: defaults per model kind, the threshold rule and
the reason-sentence templates. Loaded once per path and returned as plain dicts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError

__all__ = ["THRESHOLD_RULES", "load_settings"]

THRESHOLD_RULES = ("max_f1", "target_precision", "capacity")


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"model settings file '{file}' does not exist", fix="restore conf/models.yaml")
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "kinds" not in data:
        raise ConfigError(
            f"model settings file '{file}' has no 'kinds' section",
            fix="see docs/models.md, section 'Settings'",
        )
    rule = data.get("threshold", {}).get("rule", "max_f1")
    if rule not in THRESHOLD_RULES:
        raise ConfigError(
            f"{file}: threshold.rule '{rule}' is not one of {', '.join(THRESHOLD_RULES)}",
            fix="set threshold.rule in conf/models.yaml (docs/models.md, 'Operating threshold')",
        )
    return data


def load_settings(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed model settings (``conf/models.yaml`` unless another path is given)."""
    return _load(str(path if path is not None else conf_path("models.yaml")))

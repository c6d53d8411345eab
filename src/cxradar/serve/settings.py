"""The service's settings, validated once at start-up: conf/serve.yaml and where things live.

:func:`load_serve_config` reads the business settings (time zone, churn bands, batch size, clock
skew, reload interval) and rejects unknown keys with "did you mean"; :class:`ServeSettings` adds
the run folder and the API-key file a running service needs. This module imports neither pandas
nor DuckDB, so ``cxradar serve`` starts fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from cxradar.config import conf_path
from cxradar.errors import ConfigError, reject_unknown_keys

__all__ = ["ChurnBand", "ServeConfig", "ServeSettings", "default_keys_path", "load_serve_config"]

_TOP = {"version", "timezone", "churn_bands", "max_batch", "max_clock_skew_seconds", "reload_seconds"}
_BAND = {"band", "at_or_above", "en", "zh"}
_FIX = "see docs/serve.md#settings"


@dataclass(frozen=True)
class ChurnBand:
    """A churn risk band: its code, the probability floor and its labels."""

    band: str
    at_or_above: float
    en: str
    zh: str


@dataclass(frozen=True)
class ServeConfig:
    """Business settings of the service (conf/serve.yaml)."""

    timezone: str = "Asia/Shanghai"
    churn_bands: tuple[ChurnBand, ...] = ()
    max_batch: int = 100
    max_clock_skew_seconds: float = 300.0
    reload_seconds: float = 1.0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_serve_config(path: Path | None = None) -> ServeConfig:
    """Read and check a serve settings file (default ``conf/serve.yaml``)."""
    path = Path(path) if path is not None else conf_path("serve.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read the serve settings {path}: {error}", fix=_FIX) from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings", fix=_FIX)
    reject_unknown_keys(data, _TOP, where=str(path), fix=_FIX)
    bands = []
    for i, raw in enumerate(data.get("churn_bands") or []):
        where = f"{path}: churn_bands[{i}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} is not a mapping", fix=_FIX)
        reject_unknown_keys(raw, _BAND, where=where, fix=_FIX)
        missing = _BAND - set(raw)
        if missing:
            raise ConfigError(f"{where} lacks {', '.join(sorted(missing))}", fix=_FIX)
        bands.append(
            ChurnBand(str(raw["band"]), _number(raw["at_or_above"], where), str(raw["en"]), str(raw["zh"]))
        )
    floors = [b.at_or_above for b in bands]
    if floors != sorted(floors, reverse=True):
        raise ConfigError(f"{path}: churn_bands must go from the highest floor to the lowest", fix=_FIX)
    config = ServeConfig(
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        churn_bands=tuple(bands),
        max_batch=int(_number(data.get("max_batch", 100), f"{path}: max_batch")),
        max_clock_skew_seconds=_number(
            data.get("max_clock_skew_seconds", 300), f"{path}: max_clock_skew_seconds"
        ),
        reload_seconds=_number(data.get("reload_seconds", 1.0), f"{path}: reload_seconds"),
    )
    try:
        config.zone  # noqa: B018 - checks the name now rather than at the first request
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"{path}: unknown time zone '{config.timezone}'", fix="use e.g. Asia/Shanghai"
        ) from error
    if config.max_batch < 1 or config.reload_seconds <= 0:
        raise ConfigError(f"{path}: max_batch must be >= 1 and reload_seconds > 0", fix=_FIX)
    return config


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: '{value}' is not a number", fix=_FIX)
    return float(value)


def default_keys_path() -> Path:
    """``$CXRADAR_KEYS``, else ``$XDG_CONFIG_HOME/cxradar/keys.json`` (``~/.config/cxradar/keys.json``)."""
    if os.environ.get("CXRADAR_KEYS"):
        return Path(os.environ["CXRADAR_KEYS"])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "cxradar" / "keys.json"


@dataclass(frozen=True)
class ServeSettings:
    """Everything one running service needs: the run folder it serves, its keys and settings."""

    run_dir: Path
    keys_path: Path
    config: ServeConfig = field(default_factory=load_serve_config)
    audit_dir: Path | None = None  # default RUN_DIR/serve/audit

    @property
    def audit_folder(self) -> Path:
        return self.audit_dir if self.audit_dir is not None else self.run_dir / "serve" / "audit"

"""Incident exposure of the identification step as SQL: ``incident_exposure.sql`` on any engine.

The monthly run flags incident-hit customers from the (subscriber, incident) matches of the
incidents of the last ``incident_window_months`` months and writes their reasons from them.
:func:`build_incident_exposure` creates that small relation on an engine, parameterised by the
identification settings (any object with :class:`ExposureSettings`' attributes, such as
``cxradar.identify.config.PotentialConfig``); its rows and numbers are those of the pandas
reference ``cxradar.identify.incidents.incident_exposure`` (a test compares them).
"""

from __future__ import annotations

from collections.abc import Mapping
from math import lcm
from typing import Protocol

from cxradar.engine.base import Engine
from cxradar.engine.sqlmodel import load_models, render
from cxradar.errors import ConfigError
from cxradar.months import month_date, month_shift

__all__ = ["EXPOSURE_MODEL", "ExposureSettings", "build_incident_exposure", "exposure_params"]

EXPOSURE_MODEL = "incident_exposure"
HELPER_MODEL = "incident_scope"
_DOUBLE_DIGITS = 15  # share unit 10^-d with (lcm x 10^d) < 2^53, so the share is one exact division


class ExposureSettings(Protocol):
    """The identification settings the exposure reads (names as in ``PotentialConfig``)."""

    @property
    def incident_window_months(self) -> int: ...
    @property
    def severity_weights(self) -> Mapping[int, float]: ...
    @property
    def incident_type_weights(self) -> Mapping[str, float]: ...
    @property
    def incident_min_share(self) -> float: ...
    @property
    def incident_max_hours(self) -> float: ...
    @property
    def account_incident_hours(self) -> float: ...


def _double(value: float) -> str:
    """A DOUBLE literal that reads back exactly ``value`` on every engine."""
    return f"CAST('{float(value)!r}' AS DOUBLE)"


def _weights(key: str, sql_type: str, weights: Mapping[int, float] | Mapping[str, float]) -> str:
    """A small relation (key, weight) for a join; no rows when ``weights`` is empty."""
    if not weights:
        return f"(SELECT CAST(NULL AS {sql_type}) AS {key}, CAST(NULL AS DOUBLE) AS weight WHERE 1 = 0)"

    def literal(k: object) -> str:
        return (
            f"CAST({int(str(k))} AS BIGINT)"
            if sql_type == "BIGINT"
            else "'" + str(k).replace("'", "''") + "'"
        )

    rows = [
        f"SELECT {literal(k)} AS {key}, {_double(v)} AS weight" for k, v in sorted(weights.items(), key=str)
    ]
    return "(" + " UNION ALL ".join(rows) + ")"


def exposure_params(month: str, settings: ExposureSettings) -> dict[str, str]:
    """Placeholder values of ``incident_exposure.sql`` for the as-of ``month``."""
    window = int(settings.incident_window_months)
    if window < 1:
        raise ConfigError(
            f"incident_window_months is {window}", fix="set potential.incident_window_months to 1 or more"
        )
    first = month_shift(month, -(window - 1))
    start, end = month_date(first), month_date(month_shift(month, 1))
    common = lcm(*range(1, window + 1))
    digits = _DOUBLE_DIGITS
    while common * 10**digits >= 2**53:
        digits -= 1
    return {
        "exposure_start": f"DATE '{start.isoformat()}'",
        "exposure_end": f"DATE '{end.isoformat()}'",
        "share_lcm": str(common),
        "share_scale": str(10**digits),
        "share_denominator": str(common * 10**digits),
        "min_share": _double(settings.incident_min_share),
        "max_hours": _double(settings.incident_max_hours),
        "account_hours": _double(settings.account_incident_hours),
        "severity_weights": _weights("severity", "BIGINT", settings.severity_weights),
        "type_weights": _weights("type", "VARCHAR", settings.incident_type_weights),
    }


def build_incident_exposure(
    engine: Engine, month: str, settings: ExposureSettings, *, name: str = EXPOSURE_MODEL
) -> str:
    """Create relation ``name`` on ``engine``: one row per (subscriber, incident) match of the
    window ending with ``month`` - msisdn, incident_id, type, start, severity, hours, share, cells,
    district, exposure - from the contract tables (relations of the engine). Returns ``name``."""
    models = load_models()
    params = exposure_params(month, settings)
    engine.create_view(HELPER_MODEL, render(models[HELPER_MODEL], {}))
    try:
        engine.create_table(name, render(models[EXPOSURE_MODEL], params))
    finally:
        engine.drop(HELPER_MODEL)
    return name

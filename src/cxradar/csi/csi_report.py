"""The satisfaction index for the monthly run: fit the PLS model on a survey table, return JSON.

:func:`csi_report` is what ``cxradar run`` and ``cxradar csi --json`` call: index per construct,
paths, R², weights, loadings, reliability, HTMT, the IPMA with priorities, and (with a bootstrap)
intervals. Keys of paths and HTMT are ``"From->To"``; weights and loadings are nested
``{construct: {indicator: value}}``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cxradar.csi.ipma import ipma
from cxradar.csi.pls import PLSPathModel
from cxradar.csi.spec import ModelSpec, load_model_spec
from cxradar.errors import DataError, MissingColumnError, did_you_mean

__all__ = ["csi_report", "fit_survey"]


def _num(value: Any) -> float | None:
    value = float(value)
    return None if np.isnan(value) else round(value, 10)


def fit_survey(
    surveys: pd.DataFrame,
    model: Any = "telecom",
    weights: str | None = "weight",
    scheme: str = "path",
    missing: str = "mean",
) -> tuple[PLSPathModel, dict[str, Any]]:
    """Fit the model on a survey table; returns the model and facts about the rows used.

    Rows that answered none of the model's items are left out (counted). ``weights`` names the
    survey-weight column; the default ``"weight"`` is optional (absent means unweighted), any other
    name must exist. Empty weights count as 1 (``surveys.weight`` in the data contract).
    """
    spec: ModelSpec = load_model_spec(model)
    present = [c for c in spec.indicators if c in surveys.columns]
    answered = surveys[present].notna().any(axis=1) if present else pd.Series(True, index=surveys.index)
    data = surveys.loc[answered]
    sample_weight = None
    if weights is not None:
        if weights in surveys.columns:
            sample_weight = pd.to_numeric(data[weights], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
        elif weights != "weight":
            raise MissingColumnError(
                f"survey table has no weight column '{weights}'."
                + did_you_mean(weights, [str(c) for c in surveys.columns]),
                fix="pass --weights with an existing column, or leave it out for an unweighted index",
            )
    fitted = PLSPathModel(spec, scheme=scheme, missing=missing).fit(data, sample_weight=sample_weight)
    facts = {
        "n_responses": len(data),
        "n_without_answers": int((~answered).sum()),
        "weighted": sample_weight is not None,
    }
    return fitted, facts


def csi_report(
    surveys: pd.DataFrame,
    model: Any = "telecom",
    weights: str | None = "weight",
    bootstrap: int = 0,
    seed: int = 0,
    target: str | None = None,
    scheme: str = "path",
    missing: str = "mean",
    method: str = "percentile",
) -> dict[str, Any]:
    """Customer Satisfaction Index of a survey table as a JSON-ready dict (see the module docstring)."""
    if len(surveys) == 0:
        raise DataError("the survey table is empty", fix="check the survey file or the month chosen")
    fitted, facts = fit_survey(surveys, model, weights, scheme, missing)
    spec = fitted.spec_
    names = spec.names
    out: dict[str, Any] = {
        "model": spec.name,
        "scheme": scheme,
        "missing": missing,
        **facts,
        "iterations": fitted.n_iter_,
        "scale": [float(fitted.scale_min_.min()), float(fitted.scale_max_.max())],
        "constructs": {
            c.name: {"zh": c.zh, "indicators": list(c.indicators), "mode": c.mode} for c in spec.constructs
        },
        "index": {c: _num(v) for c, v in fitted.index_.items()},
        "paths": {f"{a}->{b}": _num(fitted.path_coefficients_.loc[a, b]) for a, b in spec.paths},
        "total_effects": {
            f"{a}->{b}": _num(fitted.total_effects_.loc[a, b])
            for a in names
            for b in names
            if fitted.total_effects_.loc[a, b] != 0
        },
        "r2": {c: _num(v) for c, v in fitted.r2_.items()},
        "weights": {
            c.name: {i: _num(fitted.outer_weights_.loc[i, c.name]) for i in c.indicators}
            for c in spec.constructs
        },
        "loadings": {
            c.name: {i: _num(fitted.loadings_.loc[i, c.name]) for i in c.indicators} for c in spec.constructs
        },
        "reliability": {c: {k: _num(v) for k, v in row.items()} for c, row in fitted.reliability_.iterrows()},
        "htmt": {
            f"{a}->{b}": _num(fitted.htmt_.loc[a, b]) for i, a in enumerate(names) for b in names[i + 1 :]
        },
        "ipma": ipma(fitted, target).to_dict(),
    }
    if bootstrap:
        result = fitted.bootstrap(n=bootstrap, seed=seed, method=method)
        kinds = {
            "paths": "path",
            "total_effects": "total",
            "weights": "weight",
            "loadings": "loading",
            "r2": "r2",
            "htmt": "htmt",
            "index": "index",
        }
        intervals: dict[str, Any] = {}
        for key, kind in kinds.items():
            rows = result.table.loc[kind]
            intervals[key] = {
                str(name).replace(" -> ", "->"): {
                    "lower": _num(r["ci_lower"]),
                    "upper": _num(r["ci_upper"]),
                    "se": _num(r["se"]),
                    "p_value": _num(r["p_value"]),
                }
                for name, r in rows.iterrows()
            }
        out["bootstrap"] = {
            "n": result.n_resamples,
            "n_failed": result.n_failed,
            "method": result.method,
            "level": result.level,
            "seed": seed,
            "seconds": round(result.seconds, 3),
            "intervals": intervals,
        }
    return out

"""The churn work of one month, end to end, and the step function of the monthly run.

:func:`train_churn` builds the churn tables, validates on time (train earlier, test later) and
fits the scoring model on the latest fully observed as-of months; :func:`score_month` scores the
month (churner list, group alerts, multi-SIM flags); :func:`churn_step` does both and writes

    RUN_DIR/churn/churners.parquet      likely churners: probability, value, retention value, factors
    RUN_DIR/churn/group_alerts.parquet  watched corporate groups with signals, alert, evidence
    RUN_DIR/churn/multi_sim.parquet     multi-SIM big customers
    RUN_DIR/churn/model.json            the fitted model (cxradar.models.save_model)
    RUN_DIR/churn/churn_report.json     definitions, exclusions, validation, counts

each atomically (re-running a month replaces them with the same content).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from cxradar.churn.config import ChurnConfig, load_churn_config
from cxradar.churn.dataset import ChurnFrames, churn_frames, load_churn_tables
from cxradar.churn.groups import group_alerts
from cxradar.churn.model import fit_churn_model, time_validation
from cxradar.churn.multisim import multi_sim_flags
from cxradar.churn.score import score_churn
from cxradar.engine.files import atomic_write_parquet, atomic_write_text
from cxradar.errors import DataError
from cxradar.models import kind_of, save_model
from cxradar.months import month_shift, parse_month

__all__ = ["churn_step", "json_safe", "plan_months", "score_month", "train_churn"]


def plan_months(month: str, config: ChurnConfig) -> dict[str, Any]:
    """As-of months used: final training, validation training and test, and the scored month."""
    parse_month(month)
    h, n = config.horizon_months, int(config.training.get("train_months", 3))
    train = [month_shift(month, -h - k) for k in range(n - 1, -1, -1)]
    test = month_shift(month, -h)
    val_train = [month_shift(test, -h - k) for k in range(n - 1, -1, -1)]
    return {"score": month, "train": train, "validation_test": test, "validation_train": val_train}


def json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        return json_safe(value.item())
    return value


def train_churn(
    tables_dir: Path,
    month: str,
    config: ChurnConfig,
    *,
    features_dir: Path | None = None,
    validate: bool = True,
    tables: dict[str, pd.DataFrame] | None = None,
) -> tuple[Any, dict[str, Any], ChurnFrames]:
    """Fit the scoring model for ``month`` and report; returns (model, report, frames)."""
    plan = plan_months(month, config)
    months = sorted(
        set(plan["train"])
        | {month}
        | (set(plan["validation_train"]) | {plan["validation_test"]} if validate else set())
    )
    t = tables or load_churn_tables(tables_dir, month_shift(months[0], -2), month)
    data = churn_frames(tables_dir, months, config, tables=t, features_dir=features_dir)
    available = [m for m in data.labelled_months() if m in plan["train"]]
    if not available:
        raise DataError(
            f"no as-of month with an observed {config.horizon_months}-month window before {month} "
            f"(data ends {data.last_observed})",
            fix="score a later month, load more history, or lower horizon_months in conf/churn.yaml",
        )
    table = pd.concat([data.frames[m] for m in sorted(data.frames)], ignore_index=True)
    report: dict[str, Any] = {
        "month": month,
        "definition": {
            "name": config.main.name,
            "kind": config.main.kind,
            "en": config.main.en,
            "zh": config.main.zh,
        },
        "horizon_months": config.horizon_months,
        "plan": plan,
        "exclusions": {m: e.as_dict() for m, e in data.exclusions.items()},
        "signals": data.notes,
    }
    if validate:
        try:
            report["validation"] = time_validation(table, plan["validation_test"], config)
        except DataError as error:
            report["validation"] = {"skipped": str(error)}
    kind = str(config.training.get("kinds", ["gbm"])[0])
    train_rows = table.loc[table["as_of_month"].isin(available)]
    model = fit_churn_model(train_rows, config, kind)
    report["model"] = {
        "kind": kind_of(model),
        "train_months": available,
        "n_train": len(train_rows),
        "churn_rate": float(train_rows["label"].astype("int64").mean()),
    }
    return model, report, data


def score_month(
    model: Any, data: ChurnFrames, month: str, config: ChurnConfig, tables: dict[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """Churner list, group alerts and multi-SIM flags of ``month``."""
    frame = data.frames[month]
    subs = tables["subscribers"]
    groups = subs.set_index(subs["msisdn"].astype(str))["group_id"]
    churners, probability = score_churn(model, frame, config, group_ids=groups)
    prob = pd.Series(probability, index=frame["msisdn"].astype(str).to_numpy())
    alerts = group_alerts(
        month, subscribers=subs, usage=tables["usage_monthly"], settings=config.groups, probability=prob
    )
    return {
        "churners": churners,
        "group_alerts": alerts,
        "multi_sim": multi_sim_flags(frame, config.multi_sim),
    }


def churn_step(
    run_dir: Path,
    tables_dir: Path,
    month: str,
    config: ChurnConfig | Path | str | None = None,
    *,
    validate: bool | None = None,
) -> dict[str, Any]:
    """The monthly run's churn step: train, score, write ``RUN_DIR/churn/*`` (see the module
    docstring); returns a summary (counts, validation figures, output paths, example churners).

    ``validate`` (default: ``training.validate_in_step``) adds the time-based validation of every
    kind with and without the signals - several more fits, so the monthly run skips it by default
    and ``cxradar churn report`` / ``train`` run it."""
    cfg = config if isinstance(config, ChurnConfig) else load_churn_config(config)
    if validate is None:
        validate = bool(cfg.training.get("validate_in_step", False))
    run_dir, tables_dir = Path(run_dir), Path(tables_dir)
    plan = plan_months(month, cfg)
    first = min([*plan["validation_train"], *plan["train"]] if validate else plan["train"])
    tables = load_churn_tables(tables_dir, month_shift(first, -2), month)
    model, report, data = train_churn(
        tables_dir, month, cfg, features_dir=run_dir / "features", tables=tables, validate=validate
    )
    outputs = score_month(model, data, month, cfg, tables)
    out = run_dir / "churn"
    paths: dict[str, str] = {}
    for name, frame in outputs.items():
        paths[f"{name}.parquet"] = str(atomic_write_parquet(frame, out / f"{name}.parquet"))
    paths["model.json"] = str(save_model(model, out / "model.json"))
    alerts = outputs["group_alerts"]
    report["counts"] = {
        "scored": len(data.frames[month]),
        "churners_listed": len(outputs["churners"]),
        "groups_watched": len(alerts),
        "group_alerts": int(alerts["alert"].sum()),
        "multi_sim": len(outputs["multi_sim"]),
    }
    report["examples"] = (
        outputs["churners"]
        .head(5)[["msisdn_masked", "probability", "retention_value", "reasons_en", "reasons_zh"]]
        .to_dict(orient="records")
    )
    report["group_alert_examples"] = (
        alerts.loc[alerts["alert"]]
        .head(5)[["group_id", "members", "n_signals", "evidence_en", "evidence_zh"]]
        .to_dict(orient="records")
    )
    report = json_safe(report)
    paths["churn_report.json"] = str(
        atomic_write_text(json.dumps(report, ensure_ascii=False, indent=2), out / "churn_report.json")
    )
    report["outputs"] = paths
    return report

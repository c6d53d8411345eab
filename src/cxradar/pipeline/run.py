"""``run_month``: the monthly cycle as a list of small steps (see :mod:`cxradar.pipeline.steps`)."""

from __future__ import annotations

import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from cxradar.contract import load_contracts
from cxradar.errors import ConfigError, UnreadableFileError, did_you_mean
from cxradar.identify.config import IdentifyConfig, load_identify_config
from cxradar.identify.labels import parse_month
from cxradar.io import guard_output
from cxradar.models import KINDS
from cxradar.pipeline.context import Progress, RunContext
from cxradar.pipeline.steps import STEPS

__all__ = ["OPTIONAL_STEPS", "run_month"]

# Steps a caller may leave out (e.g. the demo scores churn only in the month it reports).
OPTIONAL_STEPS = ("survey", "care", "churn")


def run_month(
    data_dir: Path,
    month: str,
    run_dir: Path,
    *,
    config: IdentifyConfig | Path | None = None,
    model_kind: str = "logit",
    progress: Progress | None = None,
    skip: Collection[str] = (),
    wide_table: Path | None = None,
    mapping: Path | None = None,
) -> dict[str, Any]:
    """Validate, build features, update the pool, identify the three kinds and write the outputs
    for ``month`` (YYYY-MM) into ``run_dir``; return the summary (plus ``timings`` in seconds).

    The pool history in ``run_dir`` carries over: run the months in order; re-running the last
    month replaces it identically. ``progress(step, done, total)`` is called after each step.
    ``skip`` names optional steps to leave out (only those in :data:`OPTIONAL_STEPS`).
    ``wide_table`` and ``mapping`` (together) build subscribers and usage_monthly from the
    operator's wide table during validation (docs/data-contract.md#wide-table).
    """
    parse_month(month)
    data_dir, run_dir = Path(data_dir), Path(run_dir)
    if not data_dir.is_dir():
        raise UnreadableFileError(
            f"data folder {data_dir} does not exist",
            fix="pass the folder holding {table}.parquet files (e.g. from cxradar simulate)",
        )
    if model_kind not in KINDS:
        raise ConfigError(
            f"model kind '{model_kind}' is unknown.{did_you_mean(model_kind, KINDS)}",
            fix=f"use --model {' | '.join(KINDS)}",
        )
    unknown = set(skip) - set(OPTIONAL_STEPS)
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(
            f"step '{name}' cannot be skipped.{did_you_mean(name, OPTIONAL_STEPS)}",
            fix=f"skip only optional steps: {', '.join(OPTIONAL_STEPS)}",
        )
    guard_output(run_dir, [data_dir, wide_table], tables=load_contracts(), owned=True)
    cfg = config if isinstance(config, IdentifyConfig) else load_identify_config(config)
    run_dir.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(
        data_dir=data_dir,
        month=month,
        run_dir=run_dir,
        config=cfg,
        model_kind=model_kind,
        wide_table=Path(wide_table) if wide_table is not None else None,
        mapping=Path(mapping) if mapping is not None else None,
    )
    for done, (name, step) in enumerate(STEPS, start=1):
        if name in skip:
            continue
        started = time.perf_counter()
        step(ctx)
        ctx.timings[name] = round(time.perf_counter() - started, 2)
        if progress is not None:
            progress(name, done, len(STEPS))
    return {**ctx.results["summary"], "timings": dict(ctx.timings)}

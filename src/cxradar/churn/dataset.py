"""The churn modelling table: features + satisfaction signals + label, per as-of month (I/O edge).

``load_churn_tables`` reads the contract tables a churn run needs from a tables folder;
``churn_frames`` builds, for each as-of month, the feature table (``cxradar.features``, cached as
``features_dir/YYYY-MM.parquet`` like the monthly run), adds the satisfaction signals, applies the
exclusions and - when the window is observed - the label of the configured definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxradar.churn.config import ChurnConfig
from cxradar.churn.exclusions import Exclusions, apply_exclusions
from cxradar.churn.labels import label_churn, last_observed_month, passive_churn_in_window
from cxradar.churn.signals import SatisfactionSignals, satisfaction_signals
from cxradar.engine.files import atomic_write_parquet
from cxradar.features import build_features
from cxradar.identify import load_identify_config
from cxradar.io import read_frame
from cxradar.months import month_bounds, month_shift

__all__ = ["ChurnFrames", "churn_frames", "load_churn_tables"]

_TABLES = ("subscribers", "usage_monthly", "complaints", "contacts", "surveys", "care_actions", "incidents")


def load_churn_tables(tables_dir: Path, first_month: str, last_month: str) -> dict[str, pd.DataFrame]:
    """The tables churn work reads (subscriber_cells only for ``first_month`` .. ``last_month``)."""
    tables: dict[str, pd.DataFrame] = {}
    for name in (*_TABLES, "subscriber_cells"):
        path = Path(tables_dir) / f"{name}.parquet"
        fix = f"pass the folder of validated tables (cxradar validate DATA_DIR writes {name}.parquet)"
        filters = None
        if name == "subscriber_cells":
            start, _ = month_bounds(first_month)
            _, end = month_bounds(last_month)
            filters = [("month", ">=", start.date()), ("month", "<", end.date())]
        tables[name] = read_frame(path, table=name, filters=filters, fix=fix)
    return tables


@dataclass
class ChurnFrames:
    """Per as-of month: the kept rows (features, signals, ``label`` or NA) and the exclusions."""

    frames: dict[str, pd.DataFrame]
    exclusions: dict[str, Exclusions]
    signals: SatisfactionSignals | None
    last_observed: str
    notes: dict[str, Any] = field(default_factory=dict)

    def labelled_months(self) -> list[str]:
        return [m for m, f in sorted(self.frames.items()) if f["label"].notna().all() and len(f)]


def churn_frames(
    tables_dir: Path,
    months: list[str],
    config: ChurnConfig,
    *,
    tables: dict[str, pd.DataFrame] | None = None,
    features_dir: Path | None = None,
    engine: str = "duckdb",
) -> ChurnFrames:
    """Build the churn table of each month in ``months`` (see the module docstring)."""
    months = sorted(set(months))
    t = tables or load_churn_tables(tables_dir, month_shift(months[0], -2), months[-1])
    features: dict[str, pd.DataFrame] = {}
    for month in months:
        path = Path(features_dir) / f"{month}.parquet" if features_dir is not None else None
        if path is not None and path.is_file():
            features[month] = pd.read_parquet(path)
        else:
            features[month] = build_features(Path(tables_dir), month, engine=engine)
            if path is not None:
                atomic_write_parquet(features[month], path)
    signals = None
    if config.training.get("satisfaction_signals", True):
        signals = satisfaction_signals(
            features,
            t,
            load_identify_config(),
            identifier_kind=str(config.training.get("identifier_kind", "logit")),
        )
    last = last_observed_month(t["usage_monthly"])
    horizon = config.horizon_months
    frames: dict[str, pd.DataFrame] = {}
    excl: dict[str, Exclusions] = {}
    for month in months:
        feats = features[month]
        if signals is not None:
            feats = signals.join(feats, month)
        ids = feats["msisdn"].astype(str)
        observed = month_shift(month, horizon) <= last
        passive = passive_churn_in_window(ids, month, t["subscribers"], horizon) if observed else None
        ex = apply_exclusions(
            feats,
            month,
            config,
            subscribers=t["subscribers"],
            usage=t["usage_monthly"],
            passive_in_window=passive,
        )
        kept = feats.loc[ex.keep].reset_index(drop=True)
        if observed:
            label = label_churn(
                kept["msisdn"],
                month,
                config.main,
                subscribers=t["subscribers"],
                usage=t["usage_monthly"],
                horizon=horizon,
            )
            kept["label"] = pd.array(label.astype(np.int64), dtype="Int64")
        else:
            kept["label"] = pd.array([pd.NA] * len(kept), dtype="Int64")
        kept.insert(1, "as_of_month", month)
        frames[month], excl[month] = kept, ex
    return ChurnFrames(frames, excl, signals, last, notes=dict(signals.notes) if signals else {})

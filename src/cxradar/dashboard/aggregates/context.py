"""What every aggregate module receives: the run's files, the labels, and last month's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cxradar.dashboard.labels import Labels
from cxradar.dashboard.sources import RunFiles
from cxradar.dashboard.text import Text

__all__ = ["AggregateContext", "dig", "label_columns"]


@dataclass
class AggregateContext:
    """The run (``files``), the labels (misses recorded) and the tables stored for earlier months."""

    files: RunFiles
    labels: Labels
    history: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return self.files.month

    @property
    def summary(self) -> dict[str, Any]:
        return self.files.summary

    def stored(self, table: str, month: str) -> pd.DataFrame:
        """Rows of ``table`` stored for ``month`` by an earlier build (empty when none)."""
        frame = self.history.get(table)
        if frame is None or frame.empty:
            return pd.DataFrame()
        return frame.loc[frame["month"] == month].reset_index(drop=True)


def dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]...`` or ``None`` when any level is missing."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def label_columns(frame: pd.DataFrame, kind: str, labels: Labels, code: str = "code") -> pd.DataFrame:
    """Add ``label_en`` and ``label_zh`` for the codes in column ``code`` (misses recorded)."""
    texts: list[Text] = [labels.get(kind, c) for c in frame[code]] if len(frame) else []
    out = frame.copy()
    out["label_en"] = [x.en for x in texts]
    out["label_zh"] = [x.zh for x in texts]
    return out

"""Importance-performance map analysis (IPMA) for a target construct of a fitted PLS path model.

The definition is pinned here because implementations disagree. We follow cSEM (``doIPMA``) and
Ringle & Sarstedt (2016):

* **performance** - indicators are rescaled to 0-100, ``100 (x - min) / (max - min)`` on the answer
  scale; the standardised outer weights are unstandardised (divided by the rescaled indicator's
  standard deviation) and normalised to sum to 1 within each block; a construct's performance is the
  weighted mean of its rescaled indicator means (the same number as the 0-100 index);
* **importance** of a construct - its *unstandardised* total effect on the target: the standardised
  total effect times ``sd(target score) / sd(driver score)``, both scores on the rescaled 0-100 metric
  (one point more performance of the driver moves the target by this many points);
* **importance** of an indicator - the importance of its construct times its normalised
  unstandardised weight.

Each driver (every construct with a total effect on the target) and each of its indicators falls in a
quadrant, split at the mean importance and the mean performance of its kind: ``act_first`` (high
importance, low performance - the "key improvement indicators"), ``keep_up`` (high, high),
``low_priority`` (low, low) and ``maintain`` (low importance, high performance - possible over-supply).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cxradar.csi.pls import check_fitted
from cxradar.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    from cxradar.csi.pls import PLSPathModel

__all__ = ["QUADRANTS", "IPMAResult", "ipma"]

QUADRANTS = {
    "act_first": ("act first: high importance, low performance", "优先改进：重要性高、表现低"),
    "keep_up": ("keep up: high importance, high performance", "保持优势：重要性高、表现高"),
    "low_priority": ("low priority: low importance, low performance", "次要改进：重要性低、表现低"),
    "maintain": ("maintain: low importance, high performance", "维持现状：重要性低、表现高"),
}


@dataclass(frozen=True)
class IPMAResult:
    """Constructs and indicators with importance, performance and quadrant, plus priorities."""

    target: str
    constructs: pd.DataFrame  # index construct; importance, performance, quadrant
    indicators: pd.DataFrame  # index indicator; construct, importance, performance, quadrant
    priorities: list[dict[str, str | float]]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "target": self.target,
            "constructs": _records(self.constructs, "construct"),
            "indicators": _records(self.indicators, "indicator"),
            "priorities": self.priorities,
        }


def _records(frame: pd.DataFrame, key: str) -> list[dict[str, object]]:
    out = []
    for name, row in frame.iterrows():
        record: dict[str, object] = {key: str(name)}
        for col, value in row.items():
            record[str(col)] = round(float(value), 6) if isinstance(value, float | np.floating) else value
        out.append(record)
    return out


def _quadrant(importance: pd.Series, performance: pd.Series) -> pd.Series:
    high_i = importance >= importance.mean()
    high_p = performance >= performance.mean()
    return pd.Series(
        np.select(
            [high_i & ~high_p, high_i & high_p, ~high_i & ~high_p],
            ["act_first", "keep_up", "low_priority"],
            "maintain",
        ),
        index=importance.index,
        dtype=object,
    )


def ipma(model: PLSPathModel, target: str | None = None) -> IPMAResult:
    """IPMA of ``target`` (default: the last construct of the model, e.g. Loyalty)."""
    check_fitted(model)
    spec = model.spec_
    names = spec.names
    target = target or names[-1]
    if target not in names:
        raise ConfigError(
            f"IPMA target '{target}' is not a construct of model '{spec.name}'."
            + did_you_mean(target, names),
            fix=f"pass --target with one of {names}",
        )
    span = model.scale_max_ - model.scale_min_
    perf_items = 100.0 * (model.indicator_mean_.to_numpy() - model.scale_min_) / span
    rescaled_sd = model.indicator_sd_.to_numpy() * 100.0 / span
    mask = model.layout_.mask
    raw = model.outer_weights_.to_numpy() / rescaled_sd[:, None] * mask
    unstd = raw / raw.sum(axis=0, keepdims=True)
    score_sd = 1.0 / raw.sum(axis=0)  # sd of the 0-100 construct score, since std. score has sd 1
    t = names.index(target)
    total = model.total_effects_.to_numpy()[:, t] * score_sd[t] / score_sd
    drivers = [k for k in range(len(names)) if k != t and model.total_effects_.to_numpy()[k, t] != 0]
    if not drivers:
        raise ConfigError(
            f"construct '{target}' has no drivers in model '{spec.name}'",
            fix="choose an endogenous construct as --target, e.g. Satisfaction or Loyalty",
        )
    perf_constructs = unstd.T @ perf_items
    cons = pd.DataFrame(
        {"importance": total[drivers], "performance": perf_constructs[drivers]},
        index=pd.Index([names[k] for k in drivers], name="construct"),
    )
    cons["quadrant"] = _quadrant(cons["importance"], cons["performance"])
    cons["zh"] = [spec.construct(c).zh for c in cons.index]
    rows = []
    for k in drivers:
        for p in model.layout_.block(k):
            rows.append((spec.indicators[p], names[k], total[k] * unstd[p, k], perf_items[p]))
    items = pd.DataFrame(rows, columns=["indicator", "construct", "importance", "performance"]).set_index(
        "indicator"
    )
    items["quadrant"] = _quadrant(items["importance"], items["performance"])
    return IPMAResult(
        target, cons, items, _priorities(cons, items, target, spec.construct(target).zh or target)
    )


def _priorities(
    cons: pd.DataFrame, items: pd.DataFrame, target: str, target_zh: str
) -> list[dict[str, str | float]]:
    out: list[dict[str, str | float]] = []
    first = cons[cons["quadrant"] == "act_first"].sort_values("importance", ascending=False)
    for name, row in first.iterrows():
        zh = row["zh"] or name
        out.append(
            {
                "kind": "construct",
                "name": str(name),
                "importance": round(float(row["importance"]), 4),
                "performance": round(float(row["performance"]), 2),
                "en": (
                    f"Improve {name} first: it scores {row['performance']:.1f} of 100, below the average "
                    "driver, "
                    f"and one more point of {name} adds {row['importance']:.2f} points of {target}."
                ),
                "zh": (
                    f"优先改进{zh}：得分{row['performance']:.1f}（满分100），低于驱动因素平均水平；"
                    f"{zh}每提高1分，{target_zh}提高{row['importance']:.2f}分。"
                ),
            }
        )
    top = items[items["quadrant"] == "act_first"].sort_values("importance", ascending=False).head(5)
    for name, row in top.iterrows():
        out.append(
            {
                "kind": "indicator",
                "name": str(name),
                "importance": round(float(row["importance"]), 4),
                "performance": round(float(row["performance"]), 2),
                "en": (
                    f"Key improvement item {name} ({row['construct']}): "
                    f"performance {row['performance']:.1f}, "
                    f"importance {row['importance']:.3f}."
                ),
                "zh": (
                    f"关键改进指标 {name}（{cons.loc[row['construct'], 'zh'] or row['construct']}）："
                    f"表现{row['performance']:.1f}，重要性{row['importance']:.3f}。"
                ),
            }
        )
    if not out:
        out.append(
            {
                "kind": "none",
                "name": "",
                "importance": 0.0,
                "performance": 0.0,
                "en": f"No driver of {target} is both important and under-performing.",
                "zh": f"没有既重要又表现偏低的{target_zh}驱动因素。",
            }
        )
    return out

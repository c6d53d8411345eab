"""Generic mode: turn any flat table into ``X`` (features), ``y`` (0/1 label) and ids.

``--target`` is a column (with ``--positive`` naming the positive value; otherwise a 0/1, boolean
or yes/no/true/false column) or a comparison such as ``overall<=6``. Numeric-looking text columns
(IBM's ``TotalCharges``, where blanks mean missing) become numbers; blank cells are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxradar.errors import DataError, MissingColumnError, did_you_mean

__all__ = ["FlatTable", "coerce_numeric_text", "parse_target", "prepare_table"]

_COMPARISON = re.compile(r"^\s*(?P<col>.+?)\s*(?P<op><=|>=|==|!=|<|>|=)\s*(?P<value>[^<>=!]+?)\s*$")
_TRUE = {"1", "yes", "true", "y", "t", "是"}
_FALSE = {"0", "no", "false", "n", "f", "否"}


@dataclass(frozen=True)
class FlatTable:
    """Features, 0/1 label and row ids of a flat table."""

    X: pd.DataFrame
    y: np.ndarray
    ids: pd.Series
    target: str


def _column(df: pd.DataFrame, name: str, source: str, option: str) -> str:
    if name not in df.columns:
        raise MissingColumnError(
            f"{source}: column '{name}' not found.{did_you_mean(name, [str(c) for c in df.columns])}",
            fix=f"pass {option} with one of: {', '.join(map(str, df.columns[:15]))}",
        )
    return name


def coerce_numeric_text(df: pd.DataFrame, min_share: float = 0.95) -> pd.DataFrame:
    """Text columns whose non-blank cells are (almost all: ``min_share``) numbers become numbers;
    blank cells become missing."""
    out = df.copy()
    for name in out.columns:
        series = out[name]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        text = series.astype("string").str.strip()
        text = text.mask(text == "")
        present = text.notna()
        if not present.any():
            out[name] = np.nan
            continue
        numbers = pd.to_numeric(text, errors="coerce")
        if numbers[present].notna().mean() >= min_share:
            out[name] = numbers.astype("float64")
        else:
            out[name] = text.astype("object").where(present, None)
    return out


def parse_target(
    df: pd.DataFrame, target: str, positive: str | None = None, source: str = "table"
) -> tuple[np.ndarray, str]:
    """The 0/1 label from ``target`` (a column, or a comparison like ``overall<=6``)."""
    match = _COMPARISON.match(target) if target not in df.columns else None
    if match:
        col = _column(df, match["col"], source, "--target")
        values = pd.to_numeric(df[col], errors="coerce")
        try:
            threshold = float(match["value"])
        except ValueError as error:
            raise DataError(
                f"{source}: --target '{target}' compares with '{match['value']}', which is not a number",
                fix="write the comparison as COLUMN<=NUMBER, e.g. --target 'overall<=6'",
            ) from error
        ops = {
            "<=": values <= threshold,
            ">=": values >= threshold,
            "<": values < threshold,
            ">": values > threshold,
            "=": values == threshold,
            "==": values == threshold,
            "!=": values != threshold,
        }
        label = ops[match["op"]].fillna(False).to_numpy(dtype=bool)
        if values.isna().any():
            raise DataError(
                f"{source}: --target column '{col}' has {int(values.isna().sum())} blank or "
                "non-numeric cells "
                f"(first at row {int(np.flatnonzero(values.isna().to_numpy())[0]) + 1})",
                fix="drop unlabelled rows first, or choose another --target",
            )
        return label.astype(int), col
    col = _column(df, target, source, "--target")
    raw = df[col]
    if raw.isna().any():
        row = int(np.flatnonzero(raw.isna().to_numpy())[0]) + 1
        raise DataError(
            f"{source}: --target column '{col}' is blank in {int(raw.isna().sum())} rows "
            f"(first at row {row})",
            fix="drop unlabelled rows first, or choose another --target",
        )
    text = raw.astype(str).str.strip()
    if positive is not None:
        if not (text == positive).any():
            seen = sorted(text.unique().tolist())[:10]
            raise DataError(
                f"{source}: --positive '{positive}' never occurs in column '{col}' "
                f"(values: {', '.join(seen)})."
                f"{did_you_mean(positive, seen)}",
                fix="pass --positive with one of the listed values",
            )
        return (text == positive).to_numpy().astype(int), col
    lowered = set(text.str.lower().unique())
    if lowered <= _TRUE | _FALSE and len(lowered) == 2:
        return text.str.lower().isin(_TRUE).to_numpy().astype(int), col
    raise DataError(
        f"{source}: column '{col}' has values {sorted(text.unique().tolist())[:10]}; "
        "which is the positive class?",
        fix="pass --positive VALUE, or a comparison such as --target 'overall<=6'",
    )


def prepare_table(
    df: pd.DataFrame,
    target: str,
    *,
    positive: str | None = None,
    id_column: str | None = None,
    drop: list[str] | None = None,
    source: str = "table",
) -> FlatTable:
    """Split a flat table into features, label and ids (see the module docstring)."""
    y, target_col = parse_target(df, target, positive, source)
    if id_column is not None:
        _column(df, id_column, source, "--id")
        ids = df[id_column].astype(str)
    else:
        ids = pd.Series(np.arange(1, len(df) + 1).astype(str), index=df.index)
    removed = {target_col, *(drop or [])}
    if id_column:
        removed.add(id_column)
    for name in drop or []:
        _column(df, name, source, "--drop")
    features = coerce_numeric_text(df.drop(columns=[c for c in df.columns if c in removed]))
    if features.shape[1] == 0:
        raise DataError(
            f"{source}: no feature columns left after removing target, id and --drop",
            fix="drop fewer columns",
        )
    return FlatTable(
        X=features.reset_index(drop=True), y=y, ids=ids.reset_index(drop=True), target=target_col
    )

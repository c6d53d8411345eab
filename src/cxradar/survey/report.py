"""The monthly survey report: every survey, touchpoint, complaint and behaviour view, and a JSON summary.

:func:`build_survey_views` is pure (tables in, tables and a summary out); :func:`survey_report`
reads a data folder (``{table}.parquet`` / ``.csv``) and returns the JSON-ready summary for the
monthly run; :func:`write_survey_report` (in :mod:`cxradar.survey.output`) writes the files.
The CSI index section (:func:`cxradar.csi.csi_report`) is added when it can be computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cxradar.contract import read_table
from cxradar.csi.csi_report import csi_report
from cxradar.errors import CxradarError, DataError, UnreadableFileError
from cxradar.months import month_start
from cxradar.msisdn import mask_msisdn
from cxradar.survey.behaviour import behaviour_correlations, respondent_features
from cxradar.survey.complaints import complaint_concentration, repeat_complainants, resolution_table
from cxradar.survey.config import SurveyConfig, load_survey_config
from cxradar.survey.scores import (
    band_summary,
    compare_groups,
    is_weighted,
    prepare_responses,
    score_distribution,
    wave_trend,
)
from cxradar.survey.touchpoints import touchpoint_importance, touchpoint_priorities, touchpoint_scores

__all__ = ["TABLES", "build_survey_views", "load_survey_tables", "survey_report"]

TABLES = ("surveys", "subscribers", "complaints", "usage_monthly")
COMPARE_BY = ("core", "segment", "district", "channel")


def _read(tables_dir: Path, table: str) -> pd.DataFrame | None:
    frame = read_table(tables_dir, table)
    return frame if len(frame.columns) else None


def load_survey_tables(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the tables the survey report uses; ``surveys`` is required, the others optional."""
    tables_dir = Path(tables_dir)
    if not tables_dir.is_dir():
        raise UnreadableFileError(
            f"data folder {tables_dir} does not exist",
            fix="pass the folder holding surveys.parquet (e.g. the output of cxradar simulate)",
        )
    out: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        try:
            frame = _read(tables_dir, table)
        except UnreadableFileError:
            if table == "surveys":
                raise
            continue  # the other tables only add views; the report works without them
        if frame is not None and len(frame):
            out[table] = frame
    if "surveys" not in out:
        raise UnreadableFileError(
            f"no surveys table (surveys.parquet or surveys.csv) with rows in {tables_dir}",
            fix="add the survey answers as surveys.parquet; see docs/survey.md#inputs",
        )
    return out


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else round(number, 6)


def _survey_views(
    responses: pd.DataFrame, month_rows: pd.DataFrame, config: SurveyConfig
) -> dict[str, pd.DataFrame]:
    views: dict[str, pd.DataFrame] = {"score_distribution": score_distribution(month_rows)}
    summaries = [band_summary(month_rows, config).assign(dimension="all")]
    tests, pairs = [], []
    for by in COMPARE_BY:
        if by in month_rows.columns and month_rows[by].notna().any():
            summary, test, pair = compare_groups(month_rows, by, config)
            summaries.append(summary.rename(columns={by: "group"}).assign(dimension=by))
            tests.append(test)
            pairs.append(pair)
    summary_table = pd.concat(summaries, ignore_index=True)
    summary_table["group"] = summary_table["group"].astype(str)
    views["survey_summary"] = summary_table[
        ["dimension", "group", *[c for c in summary_table.columns if c not in ("dimension", "group")]]
    ]
    if responses["wave"].nunique() > 1:  # waves compared on every answer up to the month
        _summary_w, test_w, pair_w = compare_groups(responses, "wave", config)
        tests.append(test_w)
        pairs.append(pair_w)
    views["survey_tests"] = pd.concat(tests, ignore_index=True) if tests else pd.DataFrame()
    views["survey_pairwise"] = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame()
    per_wave, trend = wave_trend(responses, config)
    views["wave_trend"] = per_wave
    views["wave_trend_test"] = trend
    return views


def _complaint_views(
    tables: dict[str, pd.DataFrame], month: str, config: SurveyConfig, base: pd.Series | None = None
) -> dict[str, pd.DataFrame]:
    complaints = tables.get("complaints")
    if complaints is None:
        return {}
    subs, usage = tables.get("subscribers"), tables.get("usage_monthly")
    views = {
        "complaints_by_type": complaint_concentration(complaints, month, config, "type", subs, usage, base)
    }
    if subs is not None and "district" in subs.columns:
        views["complaints_by_district"] = complaint_concentration(
            complaints, month, config, "district", subs, usage, base
        )
    parts = [
        resolution_table(complaints, month, config).assign(dimension="all").rename(columns={"group": "value"})
    ]
    for by in ("type", "channel", "product"):
        if by in complaints.columns and complaints[by].notna().any():
            parts.append(
                resolution_table(complaints, month, config, by)
                .rename(columns={by: "value"})
                .assign(dimension=by)
            )
    resolution = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else pd.DataFrame()
    )
    if len(resolution):
        resolution["value"] = resolution["value"].astype(str)
        resolution = resolution[
            ["dimension", "value", *[c for c in resolution.columns if c not in ("dimension", "value")]]
        ]
    views["complaint_resolution"] = resolution
    repeats = repeat_complainants(complaints, month, config)
    repeats["msisdn"] = mask_msisdn(repeats["msisdn"])
    views["repeat_complainants"] = repeats
    return views


def _csi_section(
    month_surveys: pd.DataFrame,
) -> tuple[dict[str, Any] | None, pd.DataFrame | None, str | None]:
    try:
        result: dict[str, Any] = csi_report(month_surveys)
    except (CxradarError, ValueError, np.linalg.LinAlgError) as error:
        return None, None, f"CSI not computed: {error}"
    index = pd.DataFrame(
        {"construct": list(result.get("index", {})), "index": list(result.get("index", {}).values())}
    )
    zh = {name: spec.get("zh", name) for name, spec in result.get("constructs", {}).items()}
    index.insert(1, "zh", index["construct"].map(zh))
    return result, index, None


def build_survey_views(
    tables: dict[str, pd.DataFrame],
    month: str,
    config: SurveyConfig | None = None,
    with_csi: bool = True,
    base: pd.Series | None = None,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """All views for ``month`` (YYYY-MM) and the JSON-ready headline summary.

    ``base`` (active subscribers per month start) is the complaint-rate denominator when the
    tables hold only the respondents' and complainants' rows (the monthly run); otherwise it is
    counted from ``usage_monthly`` or ``subscribers``.

    The month's respondents are those who answered in that calendar month (distribution, bands,
    group comparisons, touchpoint performance). The wave trend, touchpoint importance and the
    behaviour correlations use every answer up to and including the month, for more respondents.
    """
    config = config or load_survey_config()
    start = month_start(month)
    responses = prepare_responses(tables["surveys"], tables.get("subscribers"), config)
    if "month" in responses.columns:
        responses = responses[responses["month"] <= start]
        month_rows = responses[responses["month"] == start]
    else:
        month_rows = responses[responses["wave"].astype(str) == month]
    if month_rows.empty:
        answered = sorted(responses["month"].dt.strftime("%Y-%m").unique()) if "month" in responses else []
        raise DataError(
            f"table 'surveys' has no answers in {month} (months with answers: {answered[-6:]})",
            fix="pass --month with a month that has survey answers",
        )
    views = _survey_views(responses, month_rows, config)
    scores = touchpoint_scores(month_rows, config)
    if len(scores):
        importance = touchpoint_importance(responses, config)  # all waves up to the month: more answers
        views["touchpoints"] = (
            touchpoint_priorities(scores, importance).merge(
                importance.drop(columns=["beta", "lmg", "lmg_share", "beta_p"], errors="ignore").rename(
                    columns={"n": "n_importance"}  # answers of every wave (scores: this month's)
                ),
                on="touchpoint",
                how="left",
            )
            if len(importance)
            else scores
        )
    views.update(_complaint_views(tables, month, config, base))
    joined = respondent_features(responses, tables.get("usage_monthly"))  # every wave, own answer month
    views["behaviour"] = behaviour_correlations(joined, config)
    csi, index, csi_note = (
        _csi_section(tables["surveys"].loc[month_rows.index]) if with_csi else (None, None, None)
    )
    if index is not None:
        views["csi_index"] = index
    return views, _summary(views, month_rows, month, config, csi, csi_note)


def _summary(
    views: dict[str, pd.DataFrame],
    month_rows: pd.DataFrame,
    month: str,
    config: SurveyConfig,
    csi: dict[str, Any] | None,
    csi_note: str | None,
) -> dict[str, Any]:
    overall = views["survey_summary"].iloc[0]
    out: dict[str, Any] = {
        "month": month,
        "respondents": len(month_rows),
        "weighted": bool(is_weighted(month_rows)),
        "overall": {
            "mean": _num(overall["mean"]),
            "mean_ci": [_num(overall["mean_lo"]), _num(overall["mean_hi"])],
            "high_share": _num(overall["high_share"]),
            "high_share_ci": [_num(overall["high_lo"]), _num(overall["high_hi"])],
            "low_share": _num(overall["low_share"]),
            "bands": {"high": [config.high.min, config.high.max], "low": [config.low.min, config.low.max]},
        },
    }
    summary = views["survey_summary"]
    core = summary[summary["dimension"] == "core"].set_index("group")
    tests = views["survey_tests"]
    if len(core) and len(tests):
        test = tests[(tests["by"] == "core") & (tests["measure"] == "mean")]
        out["core_vs_mass"] = {
            g: {"mean": _num(core.loc[g, "mean"]), "high_share": _num(core.loc[g, "high_share"])}
            for g in core.index
        }
        if len(test):
            out["core_vs_mass"]["p_value"] = _num(test["p_value"].iloc[0])
    trend = views["wave_trend_test"].set_index("measure")
    if "mean" in trend.index:
        out["trend"] = {
            "waves": int(float(trend.loc["mean", "waves"])),  # type: ignore[arg-type]
            "slope_per_wave": _num(trend.loc["mean", "slope_per_wave"]),
            "p_value": _num(trend.loc["mean", "p_value"]),
        }
    tps = views.get("touchpoints")
    if tps is not None and "sentence_en" in tps.columns:
        out["touchpoint_priorities"] = [
            {"touchpoint": r.touchpoint, "zh": r.sentence_zh, "en": r.sentence_en} for r in tps.itertuples()
        ]
    res = views.get("complaint_resolution")
    if res is not None and len(res):
        allrow = res[res["dimension"] == "all"].iloc[0]
        out["complaints"] = {
            "count": int(allrow["complaints"]),
            "fcr": _num(allrow["fcr"]),
            "fcr_target": _num(allrow["fcr_target"]),
            "fcr_missed": bool(allrow["fcr_missed"]),
            "hours_median": _num(allrow["hours_median"]),
            "missed_targets": [
                f"{r.dimension}={r.value}" for r in res.itertuples() if r.dimension != "all" and r.fcr_missed
            ],
            "repeat_complainants": {
                f"{d}d": int((views["repeat_complainants"]["window_days"] == d).sum())
                for d in config.complaints.repeat_windows_days
            },
        }
    beh = views.get("behaviour")
    if beh is not None and len(beh):
        out["behaviour_top"] = [
            {"feature": r.feature, "zh": r.zh, "spearman": _num(r.spearman), "q": _num(r.spearman_q)}
            for r in beh[beh["significant"]].head(5).itertuples()
        ]
    if csi is not None:
        ipma = csi.get("ipma") or {}
        out["csi"] = {
            "model": csi.get("model"),
            "index": csi.get("index"),
            "r2": csi.get("r2"),
            "paths": csi.get("paths"),
            "ipma": {"target": ipma.get("target"), "priorities": (ipma.get("priorities") or [])[:5]},
        }
    elif csi_note:
        out["csi_note"] = csi_note
    return out


def survey_report(tables_dir: Path, month: str, config: SurveyConfig | None = None) -> dict[str, Any]:
    """The JSON-ready survey summary for ``month`` of the tables in ``tables_dir`` (for the monthly run)."""
    month_start(month)  # a bad month fails before any reading
    _views, summary = build_survey_views(load_survey_tables(Path(tables_dir)), month, config)
    return summary

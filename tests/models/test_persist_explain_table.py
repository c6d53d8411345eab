"""JSON persistence round trips, reasons in words, and generic-mode table handling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxradar.errors import DataError, ModelError, UnreadableFileError
from cxradar.models import explain, load_model, make_model, parse_target, prepare_table, save_model

from .conftest import make_table


@pytest.mark.parametrize("kind", ["logit", "bayesnet", "bn-logit", "gbm"])
def test_save_load_round_trip_gives_identical_scores(kind: str, tmp_path: Path) -> None:
    X, y = make_table(23, 800)
    model = make_model(kind, n_estimators=60, n_jobs=1) if kind == "gbm" else make_model(kind)
    model.fit(X, y)
    path = save_model(model, tmp_path / "m.json")
    document = json.loads(path.read_text())
    assert (
        document["format"] == "cxradar-model" and document["format_version"] == 1 and document["kind"] == kind
    )
    again = load_model(path)
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X), atol=1e-12)
    assert again.threshold_ == model.threshold_
    assert list(tmp_path.iterdir()) == [path]  # no temp files left


def test_load_rejects_foreign_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "other"}')
    with pytest.raises(UnreadableFileError, match="not a cxradar model"):
        load_model(bad)
    bad.write_text('{"format": "cxradar-model", "format_version": 99, "kind": "logit"}')
    with pytest.raises(ModelError, match="format_version 99"):
        load_model(bad)


@pytest.mark.parametrize("kind", ["logit", "gbm", "bayesnet"])
def test_explain_gives_top_factors_and_sentences(kind: str) -> None:
    X, y = make_table(29, 1500)
    model = make_model(kind, n_estimators=100, n_jobs=1) if kind == "gbm" else make_model(kind)
    model.fit(X, y)
    labels = {"x1": {"en": "Dropped calls", "zh": "掉话次数"}}
    out = explain(model, X.head(50), top=2, labels=labels)
    assert list(out.columns) == ["probability", "reasons_en", "reasons_zh", "factors"]
    np.testing.assert_allclose(out["probability"], model.predict_proba(X.head(50))[:, 1])
    contrib = model.contributions(X.head(50))
    for i, factors in enumerate(out["factors"]):
        assert len(factors) <= 2
        raising = contrib.iloc[i][contrib.iloc[i] > 0].sort_values(ascending=False)
        # only risk-raising factors explain a score, the largest first
        assert [f["feature"] for f in factors] == list(raising.index[:2])
        assert all(f["direction"] == "up" and f["contribution"] > 0 for f in factors)
    assert not out["reasons_en"].str.contains("lowers the risk").any()
    assert not out["reasons_zh"].str.contains("风险降低").any()
    both = explain(model, X.head(50), top=2, labels=labels, direction="both")
    for i, factors in enumerate(both["factors"]):
        strongest = contrib.iloc[i].abs().idxmax()
        if contrib.iloc[i].abs().max() > 0:
            assert factors[0]["feature"] == strongest
            assert factors[0]["direction"] == ("up" if contrib.iloc[i][strongest] > 0 else "down")
    row = next(i for i, f in enumerate(out["factors"]) if f and f[0]["feature"] == "x1")
    assert out["reasons_en"].iloc[row].startswith("Dropped calls = ")
    assert out["reasons_zh"].iloc[row].startswith("掉话次数为")


def test_target_parsing_and_numeric_text() -> None:
    df = pd.DataFrame(
        {
            "overall": [3, 8, 6, 10],
            "Churn": ["Yes", "No", "No", "Yes"],
            "TotalCharges": ["1.5", " ", "3", "4.25"],
            "id": ["a", "b", "c", "d"],
        }
    )
    assert parse_target(df, "overall<=6")[0].tolist() == [1, 0, 1, 0]
    assert parse_target(df, "Churn", "Yes")[0].tolist() == [1, 0, 0, 1]
    assert parse_target(df, "Churn")[0].tolist() == [1, 0, 0, 1]
    with pytest.raises(DataError, match="Did you mean 'Yes'"):
        parse_target(df, "Churn", "yes")
    with pytest.raises(DataError, match="Did you mean 'Churn'"):
        parse_target(df, "churn", "Yes")
    flat = prepare_table(df, "Churn", positive="Yes", id_column="id", drop=["overall"])
    assert list(flat.X.columns) == ["TotalCharges"]
    assert flat.X["TotalCharges"].isna().tolist() == [False, True, False, False]
    assert flat.X["TotalCharges"].dtype == "float64"


def test_reason_sentences_name_raising_factors_rounded_for_people() -> None:
    # hand-written expectations: whole numbers as they are, >= 100 whole, 1-100 three significant
    # digits, below 1 two; only factors that raise the risk (and never a zero contribution)
    from cxradar.models import reasons_from_contributions

    X = pd.DataFrame(
        {
            "a": [56.333333333, 1234567.0, 0.000123456789, np.nan, 705.928],
            "b": [3.0, -2.5, 7.0, 1.0, 0.077372],
            "plan": ["gold", "silver", None, "gold", "gold"],
        }
    )
    contrib = pd.DataFrame(
        {
            "a": [2.0, -1.0, 0.5, 0.3, 0.4],
            "b": [1.0, 0.0, -2.0, 0.0, 0.9],
            "plan": [-0.5, 0.0, 0.1, 0.0, -3.0],
        }
    )
    out = reasons_from_contributions(contrib, X, np.array([0.9, 0.1, 0.5, 0.6, 0.7]), top=2)
    assert out["reasons_en"].tolist() == [
        "a = 56.3 raises the risk; b = 3 raises the risk",
        "no factor raises the risk",  # nothing raises this customer's risk
        "a = 0.00012 raises the risk; plan = unknown raises the risk",
        "a = unknown raises the risk",
        "b = 0.077 raises the risk; a = 706 raises the risk",
    ]
    assert out["reasons_zh"].iloc[4] == "b为0.077，风险升高；a为706，风险升高"
    assert out["factors"].iloc[2] == [
        {"feature": "a", "value": "0.00012", "contribution": 0.5, "direction": "up"},
        {"feature": "plan", "value": "", "contribution": 0.1, "direction": "up"},
    ]
    both = reasons_from_contributions(
        contrib, X, np.array([0.9, 0.1, 0.5, 0.6, 0.7]), top=2, direction="both"
    )
    assert both["reasons_en"].iloc[1] == "a = 1234567 lowers the risk"
    assert both["reasons_en"].iloc[2] == "b = 7 lowers the risk; a = 0.00012 raises the risk"

"""Potentially dissatisfied: silent, incident-hit and model-predicted flags, reasons, causes; the
survey-trained classifier with a held-out report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

from cxradar.identify import load_identify_config
from cxradar.identify.potential import cause_from_factors, describe_potential, flag_kinds
from cxradar.identify.predicted import fit_identifier, holdout_mask, training_set
from cxradar.identify.silent import channel_silent

CFG = load_identify_config().potential
A, B, C, D, E = (f"1380000000{i}" for i in range(1, 6))


def test_channel_silent_looks_at_contacts_complaints_and_surveys_in_the_window() -> None:
    ids = pd.Series([A, B, C, D, E])
    contacts = pd.DataFrame({"msisdn": [A, E], "at": pd.to_datetime(["2026-08-03", "2026-05-30"])})
    complaints = pd.DataFrame({"msisdn": [B], "opened_at": pd.to_datetime(["2026-07-01"])})
    surveys = pd.DataFrame({"msisdn": [C, D], "answered_at": pd.to_datetime(["2026-09-30", "2026-10-02"])})
    silent = channel_silent(
        ids, "2026-09", contacts=contacts, complaints=complaints, surveys=surveys, window_months=3
    )
    # window = 2026-07-01 .. 2026-09-30: A, B, C were heard; D answered after the month; E before the window
    assert silent.to_dict() == {A: False, B: False, C: False, D: True, E: True}


def test_flags_kinds_excludes_pool_and_writes_reasons_and_causes() -> None:
    features = pd.DataFrame(
        {
            "msisdn": [A, B, C, D, E],
            "segment": ["mass", "data", "high_end", "mass", "mass"],
            "avg_spend_3m": [40.0, 90.0, 200.0, 35.0, 50.0],
        }
    )
    prob = np.array([0.9, 0.2, 0.7, 0.05, 0.8])
    silent = pd.Series({A: True, B: True, C: False, D: True, E: False})
    hits = pd.DataFrame(
        {
            "msisdn": [B, D],
            "exposure": [5.0, 1.0],
            "n_incidents": [1, 1],
            "cause": ["network", "network"],
            "reason_en": ["4.5 h network outage on cell 1203 (72 % of your traffic), 2026-09-14", "x"],
            "reason_zh": ["2026-09-14 小区1203网络中断4.5小时（占您流量的72%）", "x"],
        }
    )
    flagged = flag_kinds(features, prob, 0.5, exclude=[E], silent=silent, hits=hits, config=CFG)
    # A: silent and above threshold -> silent + model; B: exposure 5 >= 2.0 -> incident only (risk 0.2);
    # C: model only; D: silent but risk 0.05 and exposure 1 < 2.0 -> not flagged; E: in the pool.
    kinds = dict(zip(flagged["msisdn"], flagged["kinds"], strict=True))
    assert kinds == {A: "silent;model_predicted", C: "model_predicted", B: "incident_hit"}
    assert list(flagged["msisdn"]) == [A, C, B]  # by probability
    expl = pd.DataFrame(
        {
            "reasons_en": ["dropped calls raises the risk", "spend raises the risk"],
            "reasons_zh": ["掉话风险升高", "消费风险升高"],
            "factor_names": [["dropped_calls_3m"], ["avg_spend_3m"]],
        },
        index=pd.Index([A, C], name="msisdn"),
    )
    out = describe_potential(flagged, hits=hits, explanations=expl, config=CFG).set_index("msisdn")
    assert out.loc[B, "cause"] == "network"
    assert out.loc[A, "cause"] == "network" and out.loc[C, "cause"] == "value"
    assert out.loc[B, "reasons_en"] == "4.5 h network outage on cell 1203 (72 % of your traffic), 2026-09-14"
    assert out.loc[A, "reasons_en"] == (
        "no contact with any channel and no survey answer in 3 months | "
        "model risk 90 %: dropped calls raises the risk"
    )
    assert out.loc[C, "reasons_zh"] == "模型预测不满意概率70%：消费风险升高"
    assert out.loc[C, "value"] == 200.0 and out.loc[C, "segment"] == "high_end"


def test_cause_from_factors_uses_keyword_order() -> None:
    kw = CFG.cause_keywords
    assert cause_from_factors(["complaints_network_3m"], kw) == "network"
    assert cause_from_factors(["complaints_marketing_3m"], kw) == "value"
    assert cause_from_factors(["tenure_months", "arrears_suspensions_6m"], kw) == "billing"
    assert cause_from_factors(["age"], kw) == "unknown"


def test_holdout_is_stable_and_close_to_the_share() -> None:
    ids = pd.Series([f"138{i:08d}" for i in range(20_000)])
    mask = holdout_mask(ids, 0.3, 7)
    assert abs(mask.mean() - 0.3) < 0.015
    assert (holdout_mask(ids.iloc[::-1], 0.3, 7)[::-1] == mask).all()  # per msisdn, not per position
    assert (holdout_mask(ids, 0.3, 8) != mask).any()


def _respondents(seed: int) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    rng = np.random.default_rng(seed)
    n = 6000
    ids = np.array([f"139{i:08d}" for i in range(n)])
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    overall = np.clip(np.round(7.5 - 1.6 * x1 + 0.3 * x2 + rng.normal(0, 1.2, n)), 1, 10).astype(int)
    months = rng.choice(["2026-08", "2026-09"], n)
    surveys = pd.DataFrame(
        {"msisdn": ids, "answered_at": pd.to_datetime([f"{m}-15" for m in months]), "overall": overall}
    )
    feats = pd.DataFrame(
        {
            "msisdn": ids,
            "x1": x1,
            "x2": x2,
            "segment": rng.choice(["mass", "data"], n),
            "survey_answered_3m": 1,
        }
    )
    return surveys, {"2026-08": feats, "2026-09": feats}


def test_training_set_and_heldout_report_match_sklearn() -> None:
    surveys, feats = _respondents(3)
    train = training_set(surveys, feats, label_at_or_below=6)
    assert len(train) == len(surveys)
    assert train["label"].mean() == pytest.approx((surveys["overall"] <= 6).mean())
    fitted = fit_identifier(train, LogisticRegression(), columns=["x1", "x2"], holdout_share=0.3, seed=5)
    held = holdout_mask(train["msisdn"], 0.3, 5)
    test = train.loc[held]
    p = fitted.score(test)
    y = test["label"].to_numpy()
    flag = p >= fitted.threshold
    hold = fitted.report["holdout"]
    # independent reference: scikit-learn's metric functions on the same held-out rows (exact)
    assert hold["precision"] == pytest.approx(precision_score(y, flag))
    assert hold["recall"] == pytest.approx(recall_score(y, flag))
    assert hold["f1"] == pytest.approx(f1_score(y, flag))
    assert hold["auc"] == pytest.approx(roc_auc_score(y, p))
    assert hold["lift_at_threshold"] == pytest.approx(precision_score(y, flag) / y.mean())
    assert fitted.report["n_holdout"] == held.sum() and fitted.report["n_train"] == (~held).sum()
    assert {r["segment"] for r in fitted.report["per_segment"]} == {"mass", "data"}
    assert hold["auc"] > 0.8  # the signal in x1 is strong


def test_threshold_is_chosen_without_the_holdout() -> None:
    surveys, feats = _respondents(4)
    train = training_set(surveys, feats, label_at_or_below=6)
    held = holdout_mask(train["msisdn"], 0.3, 5)
    a = fit_identifier(train, LogisticRegression(), columns=["x1", "x2"], holdout_share=0.3, seed=5)
    flipped = train.copy()
    flipped.loc[held, "label"] = ~flipped.loc[held, "label"]  # scramble the held-out labels only
    b = fit_identifier(flipped, LogisticRegression(), columns=["x1", "x2"], holdout_share=0.3, seed=5)
    assert a.threshold == b.threshold
    assert a.report["holdout"]["auc"] > 0.8 > b.report["holdout"]["auc"]


def test_population_metrics_weight_each_respondent() -> None:
    from cxradar.identify.predicted import population_metrics

    # by hand: flagged = first two (weights 1, 2), true positive weight 1 -> precision 1/3;
    # dissatisfied weight 1 + 3 = 4 of 10 -> recall 1/4, base 0.4, lift (1/3) / 0.4
    m = population_metrics(
        np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.2, 0.1]), np.array([1.0, 2, 3, 4]), 0.5
    )
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["recall"] == pytest.approx(0.25)
    assert m["dissatisfied_rate"] == pytest.approx(0.4)
    assert m["lift_over_random"] == pytest.approx((1 / 3) / 0.4)
    assert m["flagged_share"] == pytest.approx(0.3)
    # weighted AUC, reference: scikit-learn roc_auc_score with sample_weight
    assert m["auc"] == pytest.approx(
        roc_auc_score([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1], sample_weight=[1, 2, 3, 4])
    )


def test_balanced_threshold_maximises_the_smaller_of_precision_and_recall() -> None:
    from cxradar.identify.predicted import balanced_threshold

    y = np.array([1, 1, 0, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    # by hand, flagging the top k: k=1 P1 R.25; k=2 P1 R.5; k=3 P.67 R.5; k=4 P.75 R.75 (best min);
    # k=5 P.6 R.75; k=7 P.57 R1 -> cut at the 4th score, 0.6
    assert balanced_threshold(y, p) == 0.6

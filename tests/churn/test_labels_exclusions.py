"""Churn definitions and exclusions on a hand-built fixture (expected labels written by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxradar.churn import apply_exclusions, label_churn, load_churn_config, passive_churn_in_window
from cxradar.errors import ConfigError, DataError

IDS = pd.Series([f"1380000000{i}" for i in range(1, 9)])


def test_port_out_label_counts_only_competitor_reasons_inside_the_window(subscribers, usage) -> None:
    cfg = load_churn_config()
    label = label_churn(
        IDS, "2026-03", cfg.definitions["port_out"], subscribers=subscribers, usage=usage, horizon=3
    )
    # window Apr..Jun: 1 port_out in May (yes); 2 in Aug (outside); 3 relocation (no); 4 arrears (no);
    # 8 left in March (the as-of month itself, not the window)
    assert label.tolist() == [True, False, False, False, False, False, False, False]
    later = label_churn(
        IDS, "2026-05", cfg.definitions["port_out"], subscribers=subscribers, usage=usage, horizon=3
    )
    assert later.tolist() == [False, True, False, False, False, False, False, False]


def test_brand_downgrade_and_arpu_drop(subscribers, usage) -> None:
    cfg = load_churn_config()
    down = label_churn(
        IDS, "2026-03", cfg.definitions["brand_downgrade"], subscribers=subscribers, usage=usage, horizon=3
    )
    assert np.flatnonzero(down).tolist() == [5]
    drop = label_churn(
        IDS, "2026-03", cfg.definitions["arpu_drop"], subscribers=subscribers, usage=usage, horizon=3
    )
    # line 7: baseline (Jan-Mar) = 100, window mean (Apr-Jun) = 20 < 50 -> labelled
    assert np.flatnonzero(drop).tolist() == [6]


def test_label_window_past_the_data_is_an_error(subscribers, usage) -> None:
    cfg = load_churn_config()
    with pytest.raises(DataError, match="ends in 2026-08"):
        label_churn(IDS, "2026-06", cfg.main, subscribers=subscribers, usage=usage, horizon=3)


def test_exclusions_are_counted_once_each_in_order(subscribers, usage) -> None:
    cfg = load_churn_config()
    features = pd.DataFrame(
        {
            "msisdn": IDS,
            "tenure_months": [26, 26, 26, 26, 26, 26, 1, 26],
            "group_paid": [False, False, False, False, True, False, False, False],
            "is_local": [True, True, True, True, True, False, True, True],
        }
    )
    passive = passive_churn_in_window(IDS, "2026-03", subscribers, 3)
    assert passive.tolist() == [False, False, False, True, False, False, False, False]
    ex = apply_exclusions(
        features, "2026-03", cfg, subscribers=subscribers, usage=usage, passive_in_window=passive
    )
    # 8 left in March; 7 is new; 4 passive (arrears in window) and 5 suspended in March (also group-paid,
    # counted once, under passive churn); 6 non-local
    assert ex.counts == {
        "left_already": 1,
        "short_tenure": 1,
        "passive_churn": 2,
        "group_paid": 0,
        "non_local": 1,
    }
    assert ex.keep.tolist() == [True, True, True, False, False, False, False, False]
    assert sum(ex.counts.values()) + ex.n_kept == ex.n_in


def test_exclusions_can_be_switched_off(subscribers, usage, tmp_path) -> None:
    override = tmp_path / "churn.yaml"
    override.write_text("exclusions:\n  non_local: {enabled: false}\n", encoding="utf-8")
    cfg = load_churn_config(override)
    features = pd.DataFrame(
        {
            "msisdn": IDS,
            "tenure_months": 26,
            "group_paid": False,
            "is_local": [True] * 5 + [False] + [True] * 2,
        }
    )
    ex = apply_exclusions(features, "2026-03", cfg, subscribers=subscribers, usage=usage)
    assert "non_local" not in ex.counts
    assert ex.keep[5]


def test_unknown_setting_says_did_you_mean(tmp_path) -> None:
    bad = tmp_path / "churn.yaml"
    bad.write_text("horizon_month: 2\n", encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"churn\.yaml:1: unknown setting 'horizon_month'\. Did you mean 'horizon_months'",
    ):
        load_churn_config(bad)
    with pytest.raises(ConfigError, match="port_out"):
        load_churn_config(definition="portout")


def test_model_params_reach_the_churn_estimator_and_are_checked() -> None:
    from cxradar.churn.model import churn_estimator

    shipped = load_churn_config()
    assert churn_estimator(shipped, "gbm").n_estimators == 150  # the cap in conf/churn.yaml
    assert churn_estimator(shipped, "gbm").learning_rate == 0.1  # the rest from conf/models.yaml
    cfg = load_churn_config(training={"model_params": {"logit": {"C": 0.5}}})
    assert churn_estimator(cfg, "logit").C == 0.5
    typo = load_churn_config(training={"model_params": {"gbm": {"num_leave": 7}}})
    with pytest.raises(ConfigError, match=r"num_leave.*Did you mean 'num_leaves'"):
        churn_estimator(typo, "gbm")

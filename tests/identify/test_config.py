"""conf/identify.yaml: defaults from the contract, unknown keys rejected with "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxradar.contract import load_contracts
from cxradar.errors import ConfigError
from cxradar.identify import load_identify_config


def test_shipped_config_takes_rating_thresholds_from_the_contract() -> None:
    cfg = load_identify_config()
    scale = load_contracts()["contacts"].rating_scale
    assert cfg.pool.low_rating_at_or_below == scale["low_at_or_below"]
    assert cfg.pool.good_rating_at_or_above == scale["good_at_or_above"]
    assert cfg.potential.severity_weights[3] > cfg.potential.severity_weights[1]
    assert list(cfg.potential.cause_keywords) == ["network", "billing", "value", "service"]


def test_unknown_setting_suggests_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "identify.yaml"
    path.write_text("pool:\n  quiet_day_after_care: 30\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Did you mean 'quiet_days_after_care'") as info:
        load_identify_config(path)
    assert str(path) in str(info.value) and "docs/identify.md" in str(info.value)
    path.write_text("potential:\n  threshold_rule: max_f2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Did you mean 'max_f1'"):
        load_identify_config(path)
    path.write_text("potental: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Did you mean 'potential'"):
        load_identify_config(path)


def test_override_keeps_other_defaults(tmp_path: Path) -> None:
    path = tmp_path / "identify.yaml"
    path.write_text(
        "pool:\n  low_rating_at_or_below: 3\npotential:\n  holdout_share: 0.5\n", encoding="utf-8"
    )
    cfg = load_identify_config(path)
    assert cfg.pool.low_rating_at_or_below == 3 and cfg.pool.good_rating_at_or_above == 4
    assert cfg.potential.holdout_share == 0.5 and cfg.potential.label_at_or_below == 6


def test_model_params_reach_the_identifier_and_are_checked(tmp_path: Path) -> None:
    from cxradar.identify import identifier_estimator

    shipped = load_identify_config().potential
    gbm = identifier_estimator(shipped, "gbm")
    assert (gbm.num_leaves, gbm.max_depth) == (7, 3)  # conf/identify.yaml
    assert gbm.learning_rate == 0.1  # the rest from conf/models.yaml
    assert identifier_estimator(shipped, "logit").C == 1.0
    path = tmp_path / "identify.yaml"
    path.write_text("potential:\n  model_params:\n    logit: {max_iters: 5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"max_iters.*Did you mean 'max_iter'"):
        identifier_estimator(load_identify_config(path).potential, "logit")

"""The class-aware rates of the bounded churn training sample
(:func:`cxradar.pipeline.steps.churn_table.sample_rates`), against hand-computed values.

Reference: the scheme in docs/churn.md ("Bounded training") - churners fill up to
``max_churner_share`` of the cap (all of them when they fit), the other lines the rest, so the
expected sample is the cap. The counts are those of the 1M and 5M seed-1 simulations.
"""

from __future__ import annotations

import pytest

from cxradar.pipeline.steps.churn_table import sample_rates


def test_churners_that_fit_in_their_share_are_all_drawn() -> None:
    # 1M: 2,750,000 lines, 115,000 churners, cap 300,000 -> (300,000 - 115,000) / 2,635,000 = 0.0702087...
    churner_rate, rate = sample_rates(2_750_000, 115_000, 300_000, 0.5)
    assert churner_rate == 1.0
    assert rate == pytest.approx(185_000 / 2_635_000, rel=1e-12)


def test_churners_beyond_their_share_are_sampled_too() -> None:
    # 5M: 13,797,933 lines with 577,015 churners - more than the whole cap. Half the cap each:
    # 150,000 / 577,015 = 0.259958... and 150,000 / 13,220,918 = 0.011345...
    churner_rate, rate = sample_rates(13_797_933, 577_015, 300_000, 0.5)
    assert churner_rate == pytest.approx(150_000 / 577_015, rel=1e-12)
    assert rate == pytest.approx(150_000 / 13_220_918, rel=1e-12)
    expected_sample = churner_rate * 577_015 + rate * (13_797_933 - 577_015)
    assert expected_sample == pytest.approx(300_000, rel=1e-12)


def test_a_class_that_is_missing_or_small_takes_nothing_from_the_other() -> None:
    assert sample_rates(1_000_000, 0, 300_000, 0.5) == (1.0, 0.3)  # no churner: the cap is the others'
    assert sample_rates(500_000, 500_000, 300_000, 0.5) == (0.3, 1.0)  # no other line
    churner_rate, rate = sample_rates(1_000_000, 400_000, 300_000, 0.25)
    assert (churner_rate, rate) == pytest.approx((75_000 / 400_000, 225_000 / 600_000), rel=1e-12)

"""The run summary's care line says the same as the assignment: moved customers are cared for."""

from __future__ import annotations

from cxradar.cli._common import console
from cxradar.cli.summary import print_care


def test_care_line_does_not_call_moved_customers_left_out() -> None:
    summary = {
        "care": {
            "flagged": 11658,
            "selected": 11658,
            "by_strategy": {"targeted_remedy": 5904, "wait_for_contact": 3203},
            "moved_to_wait_for_contact": 2075,
            "moved_by_reason": {"fatigue_30d": 2075},
            "left_out": 0,
            "left_out_by_reason": {},
            "campaign": "care-2026-10",
            "n_treatment": 11075,
            "n_control": 583,
        }
    }
    with console.capture() as captured:
        print_care(summary)
    text = " ".join(captured.get().split())
    assert "11,658 of 11,658 flagged get care" in text
    assert "2,075 of them moved to wait-for-contact {'fatigue_30d': 2075}" in text
    assert "0 without care" in text
    assert "left out" not in text

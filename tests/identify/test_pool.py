"""The explicit pool: entry signals with reasons, exit rules, append-only history, idempotence, order."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from cxradar.errors import StateError
from cxradar.identify import load_identify_config, update_pool

A, B, C, D = "13800000001", "13800000002", "13800000003", "13800000004"
CONFIG = load_identify_config()
TS = pd.Timestamp


def _subs(churned: dict[str, str] | None = None) -> pd.DataFrame:
    churned = churned or {}
    ids = [A, B, C, D]
    return pd.DataFrame(
        {
            "msisdn": ids,
            "status": ["churned" if m in churned else "active" for m in ids],
            "status_date": [pd.Timestamp(churned.get(m, "2020-01-01")) for m in ids],
        }
    )


def _complaints(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(len(rows))],
            "msisdn": [r[0] for r in rows],
            "opened_at": pd.to_datetime([r[1] for r in rows], format="ISO8601"),
            "type": [r[2] for r in rows],
            "severity": [2] * len(rows),
            "channel": ["hotline"] * len(rows),
        }
    )


def _contacts(rows: list[tuple[str, str, int | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"k{i}" for i in range(len(rows))],
            "msisdn": [r[0] for r in rows],
            "at": pd.to_datetime([r[1] for r in rows], format="ISO8601"),
            "channel": ["hall"] * len(rows),
            "reason": ["billing"] * len(rows),
            "rating": pd.array([r[2] for r in rows], dtype="Int64"),
        }
    )


def _surveys(rows: list[tuple[str, str, int]], qnet: int = 3) -> pd.DataFrame:
    n = len(rows)
    return pd.DataFrame(
        {
            "msisdn": [r[0] for r in rows],
            "answered_at": pd.to_datetime([r[1] for r in rows], format="ISO8601"),
            "overall": [r[2] for r in rows],
            "qnet1": [qnet] * n,
            "qnet2": [qnet] * n,
            "qnet3": [qnet] * n,
            "qsvc1": [7] * n,
            "qsvc2": [7] * n,
            "qbil1": [8] * n,
            "qbil2": [8] * n,
            "val1": [6] * n,
            "val2": [6] * n,
        }
    )


def _care(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "msisdn": [r[0] for r in rows],
            "delivered_at": pd.to_datetime([r[1] for r in rows], format="ISO8601"),
            "group": [r[2] for r in rows],
        }
    )


def _run(history, month, *, complaints=None, contacts=None, surveys=None, care=None, subs=None):  # type: ignore[no-untyped-def]
    return update_pool(
        history,
        month,
        complaints=complaints if complaints is not None else _complaints([]),
        contacts=contacts if contacts is not None else _contacts([]),
        surveys=surveys if surveys is not None else _surveys([]),
        care_actions=care if care is not None else _care([]),
        subscribers=subs if subs is not None else _subs(),
        config=CONFIG,
    )


def test_three_entry_signals_with_reasons_dates_and_causes() -> None:
    # A: network complaint; B: a hall rating of 2/5 (contract: low at or below 2); C: survey 5/10 with
    # network items lowest; D: a rating of 3 (not low) and a survey of 7 (not low) -> not in the pool.
    pool, history = _run(
        None,
        "2026-09",
        complaints=_complaints([(A, "2026-09-14 10:00", "network")]),
        contacts=_contacts([(B, "2026-09-03 09:00", 2), (D, "2026-09-05", 3)]),
        surveys=_surveys([(C, "2026-09-20", 5), (D, "2026-09-21", 7)]),
    )
    assert list(pool["msisdn"]) == [A, B, C]
    row = pool.set_index("msisdn")
    assert row.loc[A, "entry_signal"] == "complaint" and row.loc[A, "cause"] == "network"
    assert row.loc[B, "entry_signal"] == "low_rating" and row.loc[B, "cause"] == "billing"
    assert row.loc[C, "entry_signal"] == "low_survey" and row.loc[C, "cause"] == "network"
    assert row.loc[A, "reasons_en"] == "complaint about network (severity 2) via hotline, 2026-09-14"
    assert row.loc[A, "reasons_zh"] == "2026-09-14 通过热线投诉网络问题（严重程度2）"
    assert row.loc[B, "reasons_en"] == "rated the service hall contact 2/5, 2026-09-03"
    assert row.loc[C, "reasons_zh"] == "2026-09-20 满意度调查打分5分（满分10分）"
    assert row.loc[A, "entered_at"] == TS("2026-09-14 10:00")
    assert set(history["event"]) == {"enter", "month_processed"}
    # signals outside the month are not this month's signals
    pool2, _ = _run(None, "2026-10", complaints=_complaints([(A, "2026-09-14", "network")]))
    assert pool2.empty


def test_thresholds_come_from_config() -> None:
    strict = replace(load_identify_config().pool, low_rating_at_or_below=3, low_survey_at_or_below=7)
    pool, _ = update_pool(
        None,
        "2026-09",
        complaints=_complaints([]),
        contacts=_contacts([(D, "2026-09-05", 3)]),
        surveys=_surveys([(C, "2026-09-21", 7)]),
        care_actions=_care([]),
        subscribers=_subs(),
        config=strict,
    )
    assert sorted(pool["msisdn"]) == [C, D]


def test_re_signal_keeps_entry_and_counts() -> None:
    _, h1 = _run(None, "2026-08", complaints=_complaints([(A, "2026-08-02", "billing")]))
    pool, h2 = _run(h1, "2026-09", contacts=_contacts([(A, "2026-09-10", 1)]))
    row = pool.set_index("msisdn").loc[A]
    assert row["entered_month"] == "2026-08" and row["entry_signal"] == "complaint"
    assert row["n_signals"] == 2
    assert "latest: rated the service hall contact 1/5" in row["reasons_en"]
    assert list(h2.loc[h2["msisdn"] == A, "event"]) == ["enter", "re_signal"]
    # append-only: the earlier rows are unchanged
    pd.testing.assert_frame_equal(h2.loc[h2["month"] == "2026-08"].reset_index(drop=True), h1)


def test_exit_on_good_rating_after_care_and_not_before() -> None:
    _, h1 = _run(
        None, "2026-08", complaints=_complaints([(A, "2026-08-02", "network"), (B, "2026-08-02", "network")])
    )
    care = _care([(A, "2026-09-05", "treatment"), (B, "2026-09-05", "treatment")])
    # A rates 5 after care -> exits; B rated 5 *before* care -> stays.
    contacts = _contacts([(A, "2026-09-20", 5), (B, "2026-09-01", 5)])
    pool, h2 = _run(h1, "2026-09", contacts=contacts, care=care)
    assert list(pool["msisdn"]) == [B]
    exit_row = h2.loc[h2["event"] == "exit"].iloc[0]
    assert exit_row["msisdn"] == A and exit_row["signal"] == "care_good_rating"
    assert exit_row["at"] == TS("2026-09-20") and exit_row["reason_zh"] == "关怀后评价良好"


def test_good_survey_after_care_exits_but_control_group_does_not() -> None:
    _, h1 = _run(
        None, "2026-08", complaints=_complaints([(A, "2026-08-02", "network"), (B, "2026-08-02", "network")])
    )
    care = _care([(A, "2026-09-05", "treatment"), (B, "2026-09-05", "control")])
    pool, h2 = _run(h1, "2026-09", surveys=_surveys([(A, "2026-09-25", 9), (B, "2026-09-25", 9)]), care=care)
    assert list(pool["msisdn"]) == [B]
    assert h2.loc[h2["event"] == "exit", "signal"].tolist() == ["care_good_survey"]


def test_quiet_period_after_care_needs_no_new_negative_signal() -> None:
    # quiet_days_after_care = 60 in conf/identify.yaml
    assert CONFIG.pool.quiet_days_after_care == 60
    _, h1 = _run(
        None, "2026-07", complaints=_complaints([(A, "2026-07-02", "network"), (B, "2026-07-02", "network")])
    )
    care = _care([(A, "2026-07-10", "treatment"), (B, "2026-07-10", "treatment")])
    _, h2 = _run(
        h1, "2026-08", care=care, contacts=_contacts([(B, "2026-08-15", 1)])
    )  # B re-signals after care
    pool, h3 = _run(h2, "2026-09", care=care)
    # A: care 07-10 + 60 days = 09-08 <= end of September, nothing negative since -> exits; B does not.
    assert list(pool["msisdn"]) == [B]
    exit_row = h3.loc[h3["event"] == "exit"].iloc[0]
    assert exit_row["signal"] == "quiet_after_care" and exit_row["at"] == TS("2026-09-08")
    assert h3.loc[(h3["event"] == "exit") & (h3["month"] == "2026-08")].empty  # 60 days not over in August


def test_churn_exits_with_reason_and_re_entry_starts_a_new_spell() -> None:
    _, h1 = _run(None, "2026-08", complaints=_complaints([(A, "2026-08-02", "network")]))
    pool, h2 = _run(h1, "2026-09", subs=_subs({A: "2026-09-12"}))
    assert pool.empty
    assert h2.loc[h2["event"] == "exit", ["signal", "at"]].values.tolist() == [["churned", TS("2026-09-12")]]
    pool3, _ = _run(h2, "2026-10", complaints=_complaints([(A, "2026-10-03", "billing")]))
    assert pool3.set_index("msisdn").loc[A, "entered_month"] == "2026-10"


def test_rerun_is_identical_and_not_duplicated() -> None:
    kwargs = {
        "complaints": _complaints([(A, "2026-09-14", "network")]),
        "contacts": _contacts([(B, "2026-09-03", 1)]),
    }
    pool1, h1 = _run(None, "2026-09", **kwargs)
    pool2, h2 = _run(h1, "2026-09", **kwargs)
    pd.testing.assert_frame_equal(pool1, pool2)
    pd.testing.assert_frame_equal(h1, h2)


def test_months_must_be_in_order() -> None:
    _, h1 = _run(None, "2026-08")
    assert len(h1) == 1  # the month_processed row records a month without events
    with pytest.raises(StateError, match=r"last updated for 2026-08; month 2026-10 was asked") as info:
        _run(h1, "2026-10")
    assert "--month 2026-09" in str(info.value)
    _, h2 = _run(h1, "2026-09")
    with pytest.raises(StateError, match="already runs to 2026-09; month 2026-08"):
        _run(h2, "2026-08")


def test_care_recorded_as_resolved_exits() -> None:
    _, h1 = _run(
        None, "2026-08", complaints=_complaints([(A, "2026-08-02", "network"), (B, "2026-08-02", "network")])
    )
    care = _care([(A, "2026-09-05", "treatment"), (B, "2026-09-05", "treatment")]).assign(
        outcome=["resolved", "delivered"]
    )
    pool, h2 = _run(h1, "2026-09", care=care)
    assert list(pool["msisdn"]) == [B]
    assert h2.loc[h2["event"] == "exit", ["msisdn", "signal", "at"]].values.tolist() == [
        [A, "care_resolved", TS("2026-09-05")]
    ]


def test_a_replay_keeps_the_pool_its_history_defines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The replay rebuilds only the customers with events in a month (``_pool_with``); the
    reference is the whole rebuild, ``pool_from_history`` of the history so far, every month."""
    from cxradar.identify.pool import pool_from_history, replay_pool
    from cxradar.io import read_frame
    from cxradar.simulate import simulate

    data = tmp_path / "data"
    simulate(3_000, 6, 11, data)
    names = ("complaints", "contacts", "surveys", "care_actions", "subscribers")
    tables = {n: read_frame(data / f"{n}.parquet", table=n) for n in names}
    months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    entered = 0
    for month, pool, history in replay_pool(None, months, tables, load_identify_config()):
        pd.testing.assert_frame_equal(pool, pool_from_history(history), obj=f"pool of {month}")
        entered += int((history["event"] == "enter").sum())
    assert entered > 100 and len(pool) > 50  # a replay with something in it
